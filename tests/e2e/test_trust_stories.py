"""Browser stories: a notebook from someone else opens inert (issue 10, item 5).

Its saved HTML output carries a script; opening the notebook must not run it, and its first run
asks the person first.
"""

from __future__ import annotations

import json
from contextlib import closing

from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import RUN_TIMEOUT, cell, code, open_notebook, output, runtime

FRAME = 'iframe[title="Output"]'

# What the script would do if it ran: write into its output for everyone to see.
SCRIPT_HTML = (
    "<p id='saved'>saved output</p>"
    "<script>document.getElementById('saved').textContent = 'the saved script ran';"
    "parent.postMessage({type: 'nbcloud-trust-story'}, '*');</script>"
)


def handed_notebook() -> bytes:
    """Someone else's notebook: a cell whose saved output is HTML with a script, and a print."""
    return json.dumps({
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [
            {"cell_type": "code", "id": "shown", "metadata": {}, "execution_count": 1, "source": "# made elsewhere",
             "outputs": [{"output_type": "display_data", "metadata": {},
                          "data": {"text/html": SCRIPT_HTML, "text/plain": "<HTML>"}}]},
            {"cell_type": "code", "id": "runs", "metadata": {}, "execution_count": None,
             "source": "print('ran here')", "outputs": []},
        ],
    }).encode()


def upload_untrusted(hub: Hub, username: str, name: str, data: bytes) -> str:
    """An upload, as a person puts a file they were sent into Drive (nothing trusts it)."""
    with closing(hub.signed_in(username)) as client:
        up = client.post("/api/drive/uploads", json={"parent": "", "name": name, "size": len(data)})
        up.raise_for_status()
        done = client.patch(
            f"/api/drive/uploads/{up.json()['id']}", content=data,
            headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
        )
        done.raise_for_status()
        return done.json()["item"]["id"]


def test_a_notebook_from_someone_else_opens_inert_and_its_first_run_asks(hub: Hub, page: Page, make_user):
    username = make_user("tess")
    item_id = upload_untrusted(hub, username, "from-a-stranger.ipynb", handed_notebook())
    page.add_init_script("window.addEventListener('message', (e) => {"
                         " if (e.data && e.data.type === 'nbcloud-trust-story') window.__storyScriptRan = true; });")
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)

    # Opened: the saved script is a placeholder, not a frame; nothing started; the notice says why.
    held = output(page, 1).get_by_role("group", name="Hidden output")
    expect(held).to_be_visible()
    expect(held.get_by_role("button", name="Show output")).to_be_visible()
    expect(output(page, 1).locator(FRAME)).to_have_count(0)
    expect(page.get_by_role("note", name="Notebook trust")).to_contain_text("not written by you")
    expect(runtime(page)).to_contain_text("Not connected")

    # A run asks first; Cancel runs nothing.
    code(page, 2).click()
    page.keyboard.press("Control+Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("This notebook was not written by you. It can read your Drive and secrets. Run anyway?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    page.wait_for_timeout(1000)  # a run that slipped through would have queued by now
    expect(cell(page, 2).get_by_role("region", name="Output")).to_have_count(0)
    expect(runtime(page)).to_contain_text("Not connected")
    assert not page.evaluate("window.__storyScriptRan === true")

    # Run anyway: trusted from now on, the cell runs, and the saved outputs draw.
    code(page, 2).click()
    page.keyboard.press("Control+Enter")
    page.get_by_role("dialog").get_by_role("button", name="Run anyway").click()
    expect(output(page, 2)).to_have_text("ran here", timeout=RUN_TIMEOUT)
    expect(output(page, 1).frame_locator(FRAME).get_by_text("the saved script ran")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("note", name="Notebook trust")).to_have_count(0)

    # Trust is on the hub: the page reloaded draws the outputs and runs without asking.
    page.reload()
    expect(output(page, 1).frame_locator(FRAME).get_by_text("the saved script ran")).to_be_visible(timeout=30_000)
    code(page, 2).click()
    page.keyboard.press("Control+Enter")
    expect(output(page, 2)).to_have_text("ran here", timeout=RUN_TIMEOUT)
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_show_output_draws_one_held_output_without_trusting_the_notebook(hub: Hub, page: Page, make_user):
    username = make_user("sol")
    item_id = upload_untrusted(hub, username, "peek.ipynb", handed_notebook())
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    output(page, 1).get_by_role("button", name="Show output").click()
    expect(output(page, 1).frame_locator(FRAME).get_by_text("the saved script ran")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("note", name="Notebook trust")).to_be_visible()
