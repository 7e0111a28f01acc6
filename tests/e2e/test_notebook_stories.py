"""What people do in the notebook editor: write code and text, run it, see outputs live."""

from __future__ import annotations

import json
import re
import time
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in

pytestmark = pytest.mark.e2e

RUN_TIMEOUT = 90_000  # a runtime may take a while to start on a loaded machine


# ----- helpers -----------------------------------------------------------------------------------


def new_notebook(page: Page) -> None:
    page.get_by_role("button", name="New", exact=True).click()
    page.get_by_role("menuitem", name="New notebook").click()
    expect(page).to_have_url(re.compile(r"/notebook/[^/]+$"))
    expect(cell(page, 1)).to_be_visible()


def cell(page: Page, n: int):
    return page.get_by_role("group", name=f"Cell {n}", exact=True)


def cells(page: Page):
    return page.locator("[data-cell-id][role=group]")


def code(page: Page, n: int):
    return cell(page, n).get_by_role("textbox", name="Code")


def type_code(page: Page, n: int, text: str) -> None:
    editor = code(page, n)
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    # Type line by line: the editor auto-indents after ':' so indentation is not typed twice.
    page.keyboard.insert_text(text)


def run_and_go_to(page: Page, n: int) -> None:
    """Shift+Enter, then wait until the caret is in cell n (typing before that lands in the old one)."""
    page.keyboard.press("Shift+Enter")
    expect(code(page, n)).to_be_focused()


def output(page: Page, n: int):
    return cell(page, n).get_by_role("region", name="Output")


def runtime(page: Page):
    return page.get_by_role("status", name="Runtime")


def upload_notebook(hub: Hub, username: str, name: str, data: bytes, parent: str = "", *, trust: bool = True) -> str:
    """Puts a file into the user's Drive through the upload API; returns its item id."""
    with closing(hub.signed_in(username)) as client:
        up = client.post("/api/drive/uploads", json={"parent": parent, "name": name, "size": len(data)})
        up.raise_for_status()
        done = client.patch(
            f"/api/drive/uploads/{up.json()['id']}",
            content=data,
            headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
        )
        done.raise_for_status()
        item_id = done.json()["item"]["id"]
        if trust and name.endswith(".ipynb"):  # its person wrote it elsewhere and trusts it (see test_trust_stories)
            client.post(f"/api/trust/{item_id}").raise_for_status()
        return item_id


def eventually(check, timeout: float = 30) -> None:
    """Polls a condition on the hub's side (the page's side uses Playwright's expect)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never became true")
        time.sleep(0.2)


def notebook_json(*cells: tuple[str, str]) -> bytes:
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "cells": [
            {"id": f"c{i}", "cell_type": kind, "metadata": {}, "source": src,
             **({"outputs": [], "execution_count": None} if kind == "code" else {})}
            for i, (kind, src) in enumerate(cells)
        ],
    }
    return json.dumps(nb).encode()


# ----- stories -----------------------------------------------------------------------------------


def test_a_new_notebook_runs_print_one_plus_one(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("nina"))
    new_notebook(page)
    expect(page.get_by_role("textbox", name="Notebook name")).to_have_value("Untitled0.ipynb")
    type_code(page, 1, "print(1+1)")
    page.keyboard.press("Shift+Enter")
    expect(output(page, 1)).to_have_text("2", timeout=RUN_TIMEOUT)
    expect(cell(page, 1).get_by_label("Execution count")).to_have_text("[1]")
    expect(runtime(page)).to_contain_text("Connected")
    # Shift+Enter on the last cell made a new one and moved there.
    expect(cells(page)).to_have_count(2)
    expect(code(page, 2)).to_be_focused()


def open_notebook(page: Page, hub: Hub, item_id: str) -> None:
    page.goto(f"{hub.url}/notebook/{item_id}")
    expect(cell(page, 1)).to_be_visible()


def cell_state(page: Page, n: int):
    return cell(page, n).get_by_role("status", name="Cell state")


def test_the_three_run_shortcuts(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("kim"))
    new_notebook(page)
    type_code(page, 1, "a = 6 * 7\na")
    page.keyboard.press("Control+Enter")  # run, stay
    expect(output(page, 1)).to_have_text("42", timeout=RUN_TIMEOUT)
    expect(cells(page)).to_have_count(1)
    expect(code(page, 1)).to_be_focused()

    page.keyboard.press("Alt+Enter")  # run, insert a cell below and go there
    expect(cells(page)).to_have_count(2)
    expect(code(page, 2)).to_be_focused()
    page.keyboard.insert_text("a + 1")
    run_and_go_to(page, 3)  # run, go to the next (new) cell
    expect(output(page, 2)).to_have_text("43", timeout=RUN_TIMEOUT)
    expect(cells(page)).to_have_count(3)

    # Shift+Enter on a cell that has a next one moves there without adding.
    code(page, 1).click()
    page.keyboard.press("Shift+Enter")
    expect(code(page, 2)).to_be_focused()
    expect(cells(page)).to_have_count(3)
    expect(cell(page, 1).get_by_label("Execution count")).to_have_text("[4]", timeout=RUN_TIMEOUT)


def test_add_delete_move_switch_type_and_undo_cells(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("otto"))
    new_notebook(page)
    type_code(page, 1, "first = 1")
    page.get_by_role("button", name="Add code cell").click()
    expect(cells(page)).to_have_count(2)
    expect(code(page, 2)).to_be_focused()
    page.keyboard.insert_text("second = 2")
    page.get_by_role("button", name="Add text cell").click()
    expect(cells(page)).to_have_count(3)
    text = cell(page, 3).get_by_role("textbox", name="Text")
    expect(text).to_be_focused()
    page.keyboard.insert_text("Some *notes*")
    page.keyboard.press("Control+Enter")
    expect(cell(page, 3).locator("em")).to_have_text("notes")

    # Move the text cell to the top.
    cell(page, 3).get_by_role("button", name="Move cell up").click()
    cell(page, 2).get_by_role("button", name="Move cell up").click()
    expect(cell(page, 1).locator("em")).to_have_text("notes")
    expect(code(page, 2)).to_have_text("first = 1")
    expect(code(page, 3)).to_have_text("second = 2")
    cell(page, 2).get_by_role("button", name="Move cell down").click()
    expect(code(page, 2)).to_have_text("second = 2")
    expect(code(page, 3)).to_have_text("first = 1")

    # Code -> text and back.
    cell(page, 2).get_by_role("button", name="More cell actions").click()
    page.get_by_role("menuitem", name="Convert to text cell").click()
    expect(cell(page, 2)).to_have_attribute("data-cell-type", "markdown")
    expect(cell(page, 2).get_by_role("textbox", name="Text")).to_have_text("second = 2")
    cell(page, 2).get_by_role("button", name="More cell actions").click()
    page.get_by_role("menuitem", name="Convert to code cell").click()
    expect(code(page, 2)).to_have_text("second = 2")

    # Copy and paste a cell, then delete it; undo brings it back, redo removes it again.
    cell(page, 3).get_by_role("button", name="More cell actions").click()
    page.get_by_role("menuitem", name="Copy cell").click()
    cell(page, 3).get_by_role("button", name="More cell actions").click()
    page.get_by_role("menuitem", name="Paste cell below").click()
    expect(cells(page)).to_have_count(4)
    expect(code(page, 4)).to_have_text("first = 1")
    cell(page, 1).get_by_role("button", name="Delete cell").click()
    expect(cells(page)).to_have_count(3)
    expect(cell(page, 1)).to_have_attribute("data-cell-type", "code")
    page.get_by_role("button", name="Undo cell operation").click()
    expect(cells(page)).to_have_count(4)
    expect(cell(page, 1).locator("em")).to_have_text("notes")
    page.get_by_role("button", name="Redo cell operation").click()
    expect(cells(page)).to_have_count(3)

    # The hub has the same cells (the document is shared), in this order.
    page.reload()
    expect(cells(page)).to_have_count(3)
    expect(code(page, 1)).to_have_text("second = 2")
    expect(code(page, 2)).to_have_text("first = 1")
    expect(code(page, 3)).to_have_text("first = 1")


def test_markdown_with_latex_tables_and_images_renders(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("tex"))
    new_notebook(page)
    page.get_by_role("button", name="Add text cell").click()
    expect(cell(page, 2).get_by_role("textbox", name="Text")).to_be_focused()
    page.keyboard.insert_text(
        "# Title\n\nEnergy $E = mc^2$ and\n\n$$\\int_0^1 x\\,dx = \\frac{1}{2}$$\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "![dot](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==)\n\n"
        "<img src=x onerror=\"document.body.dataset.pwned=1\">"
    )
    page.keyboard.press("Control+Enter")
    rendered = cell(page, 2)
    expect(rendered.get_by_role("heading", name="Title")).to_be_visible()
    expect(rendered.locator(".katex")).to_have_count(2)
    expect(rendered.locator(".katex-display")).to_have_count(1)
    expect(rendered.get_by_role("table")).to_contain_text("1")
    expect(rendered.get_by_role("img", name="dot")).to_be_visible()
    assert page.evaluate("document.body.dataset.pwned") is None
    # Double-click edits the source again.
    rendered.locator(".nb-markdown").first.dblclick()
    expect(rendered.get_by_role("textbox", name="Text")).to_be_focused()
    expect(rendered.get_by_role("textbox", name="Text")).to_contain_text("# Title")


def test_run_all_shows_counts_states_and_times(hub: Hub, page: Page, make_user):
    username = make_user("ria")
    item_id = upload_notebook(
        hub, username, "runall.ipynb",
        notebook_json(("code", "x = 20"), ("markdown", "Some text"), ("code", "x + 1"), ("code", "1/0"),
                      ("code", "print('never')")),
    )
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    page.get_by_role("button", name="Run all").click()
    expect(output(page, 3)).to_have_text("21", timeout=RUN_TIMEOUT)
    expect(cell(page, 1).get_by_label("Execution count")).to_have_text("[1]")
    expect(cell(page, 3).get_by_label("Execution count")).to_have_text("[2]")
    expect(output(page, 4)).to_contain_text("ZeroDivisionError", timeout=RUN_TIMEOUT)
    expect(cell_state(page, 4)).to_contain_text("Error")
    expect(cell_state(page, 3)).to_have_text(re.compile(r"Done \d"))
    # An error stops the cells after it.
    expect(cell_state(page, 5)).to_have_text("")
    expect(output(page, 5)).to_have_count(0)


def test_interrupt_stops_a_sleep_loop(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("ivy"))
    new_notebook(page)
    type_code(page, 1, "import time\nfor i in range(600):\n    print(i)\n    time.sleep(0.2)")
    page.keyboard.press("Control+Enter")
    expect(output(page, 1)).to_contain_text("2", timeout=RUN_TIMEOUT)
    expect(cell_state(page, 1)).to_contain_text("Running")
    expect(runtime(page)).to_contain_text("Busy")
    page.get_by_role("button", name="Interrupt").click()
    expect(output(page, 1)).to_contain_text("KeyboardInterrupt", timeout=30_000)
    expect(cell_state(page, 1)).to_contain_text("Error")
    expect(runtime(page)).to_contain_text("Connected")


def test_restart_clears_variables(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("rex"))
    new_notebook(page)
    type_code(page, 1, "secret = 5\nsecret")
    run_and_go_to(page, 2)
    expect(output(page, 1)).to_have_text("5", timeout=RUN_TIMEOUT)
    page.get_by_role("button", name="Restart runtime").click()
    expect(runtime(page)).to_contain_text("Connected", timeout=RUN_TIMEOUT)
    code(page, 2).click()
    page.keyboard.insert_text("secret")
    page.keyboard.press("Control+Enter")
    expect(output(page, 2)).to_contain_text("NameError", timeout=RUN_TIMEOUT)


def test_shell_commands_and_magics(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("mag"))
    new_notebook(page)
    type_code(page, 1, "!echo hello from the shell")
    run_and_go_to(page, 2)
    page.keyboard.insert_text("%cd /tmp")
    run_and_go_to(page, 3)
    page.keyboard.insert_text("%%time\nsum(range(10))")
    page.keyboard.press("Shift+Enter")
    expect(output(page, 1)).to_contain_text("hello from the shell", timeout=RUN_TIMEOUT)
    expect(output(page, 2)).to_contain_text("/tmp", timeout=RUN_TIMEOUT)
    expect(output(page, 3)).to_contain_text("Wall time", timeout=RUN_TIMEOUT)
    expect(output(page, 3)).to_contain_text("45")


def test_input_is_answered_in_the_page(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("ann"))
    new_notebook(page)
    type_code(page, 1, "import getpass\nname = input('Your name? ')\npw = getpass.getpass('Password: ')\n"
              "print('hi', name, len(pw))")
    page.keyboard.press("Control+Enter")
    field = cell(page, 1).get_by_role("textbox", name="Your name?")
    expect(field).to_be_visible(timeout=RUN_TIMEOUT)
    expect(field).to_be_focused()
    # A reload meanwhile asks again: the prompt is still waiting in the runtime.
    page.reload()
    expect(field).to_be_visible(timeout=RUN_TIMEOUT)
    field.fill("Ada")
    field.press("Enter")
    secret = cell(page, 1).get_by_label("Password:")
    expect(secret).to_be_visible()
    expect(secret).to_have_attribute("type", "password")
    secret.fill("hunter22")
    secret.press("Enter")
    expect(output(page, 1)).to_contain_text("hi Ada 8", timeout=RUN_TIMEOUT)
    expect(secret).to_be_hidden()
    expect(field).to_be_hidden()


def test_a_closed_tab_reopens_on_a_cell_still_running(hub: Hub, context, make_user):
    page = context.new_page()
    sign_in(page, hub, make_user("leo"))
    new_notebook(page)
    url = page.url
    type_code(page, 1, "import time\nfor i in range(300):\n    print('tick', i)\n    time.sleep(0.3)")
    page.keyboard.press("Control+Enter")
    expect(output(page, 1)).to_contain_text("tick 3", timeout=RUN_TIMEOUT)
    page.close()

    again = context.new_page()
    again.goto(url)
    expect(output(again, 1)).to_contain_text("tick 0")
    expect(output(again, 1)).to_contain_text("tick 12", timeout=30_000)  # still printing
    expect(cell_state(again, 1)).to_contain_text("Running")
    again.get_by_role("button", name="Interrupt").click()
    expect(output(again, 1)).to_contain_text("KeyboardInterrupt", timeout=30_000)


def test_two_pages_see_each_others_text_and_outputs(hub: Hub, context, make_user):
    first = context.new_page()
    sign_in(first, hub, make_user("duo"))
    new_notebook(first)
    second = context.new_page()
    second.goto(first.url)
    expect(cell(second, 1)).to_be_visible()

    type_code(first, 1, "print('from the first page')")
    # (A remote caret shows inside the editor with its owner's name, hence "contain".)
    expect(code(second, 1)).to_contain_text("print('from the first page')")
    second.get_by_role("button", name="Add code cell").click()
    expect(code(second, 2)).to_be_focused()
    second.keyboard.insert_text("print('from the second page')")
    expect(code(first, 2)).to_contain_text("print('from the second page')")

    cell(first, 1).get_by_role("button", name="Run cell").click()
    expect(output(second, 1)).to_have_text("from the first page", timeout=RUN_TIMEOUT)
    cell(second, 2).get_by_role("button", name="Run cell").click()
    expect(output(first, 2)).to_have_text("from the second page", timeout=RUN_TIMEOUT)


def test_renaming_the_notebook_renames_the_drive_file(hub: Hub, page: Page, make_user):
    username = make_user("ren")
    sign_in(page, hub, username)
    new_notebook(page)
    title = page.get_by_role("textbox", name="Notebook name")
    expect(title).to_have_value("Untitled0.ipynb")
    title.fill("Analysis")
    title.press("Enter")
    expect(title).to_have_value("Analysis.ipynb")
    item_id = page.url.rsplit("/", 1)[1]
    with closing(hub.signed_in(username)) as client:
        item = client.get(f"/api/drive/items/{item_id}").json()
    assert item["path"] == "Analysis.ipynb"  # made in My Drive, the folder on screen
    # Still the same live notebook: what is typed now reaches the renamed file.
    type_code(page, 1, "renamed = True")
    with closing(hub.signed_in(username)) as client:
        eventually(lambda: "renamed = True" in (client.get(f"/api/drive/items/{item_id}/content").text))


def test_download_ipynb_and_py(hub: Hub, page: Page, make_user, tmp_path: Path):
    sign_in(page, hub, make_user("dl"))
    new_notebook(page)
    type_code(page, 1, "print('exported')")
    page.keyboard.press("Control+Enter")
    expect(output(page, 1)).to_have_text("exported", timeout=RUN_TIMEOUT)
    page.get_by_role("button", name="Add text cell").click()
    expect(cell(page, 2).get_by_role("textbox", name="Text")).to_be_focused()
    page.keyboard.insert_text("A note\nover two lines")
    page.keyboard.press("Control+Enter")

    with page.expect_download() as info:
        page.get_by_role("button", name="Download .ipynb").click()
    assert info.value.suggested_filename == "Untitled0.ipynb"
    nb = json.loads(Path(info.value.path()).read_text())
    assert nb["nbformat"] == 4
    assert "".join(nb["cells"][0]["source"]) == "print('exported')"
    assert "exported" in "".join(nb["cells"][0]["outputs"][0]["text"])
    assert nb["cells"][-1]["cell_type"] == "markdown"

    with page.expect_download() as info:
        page.get_by_role("button", name="Download .py").click()
    assert info.value.suggested_filename == "Untitled0.py"
    script = Path(info.value.path()).read_text()
    assert "print('exported')\n" in script
    assert "# A note\n# over two lines\n" in script


def test_a_huge_print_shows_head_and_tail_at_once_and_all_of_it_when_asked(hub: Hub, page: Page, make_user, tmp_path: Path):
    sign_in(page, hub, make_user("huge"))
    new_notebook(page)
    # One 3 MB message: the page gets its head and tail; the rest stays on the hub until asked.
    type_code(page, 1, "print(''.join(f'row {i}\\n' for i in range(300_000)), end='')")
    page.keyboard.press("Control+Enter")
    area = output(page, 1)
    expect(area).to_contain_text("298,000 more lines (300,000 in all) are hidden", timeout=RUN_TIMEOUT)
    expect(area).to_contain_text("row 999")
    expect(area).to_contain_text("row 299999")
    assert "row 150000" not in area.text_content()

    area.get_by_role("button", name="Show all output").click()
    expect(area.get_by_role("button", name="Show all output")).to_have_count(0)
    page.wait_for_function(
        "el => el.textContent.includes('row 150000\\nrow 150001') && el.textContent.includes('row 299999')",
        arg=area.element_handle(), timeout=60_000,
    )

    # Downloaded, the notebook holds every line.
    with page.expect_download() as info:
        page.get_by_role("button", name="Download .ipynb").click()
    text = "".join(json.loads(Path(info.value.path()).read_text())["cells"][0]["outputs"][0]["text"])
    assert text == "".join(f"row {i}\n" for i in range(300_000))

    # Run again: the new output starts cut again.
    code(page, 1).click()
    page.keyboard.press("Control+Enter")
    expect(area).to_contain_text("298,000 more lines (300,000 in all) are hidden", timeout=RUN_TIMEOUT)


def test_an_uploaded_notebook_opens_with_its_cells(hub: Hub, page: Page, make_user):
    username = make_user("upl")
    item_id = upload_notebook(
        hub, username, "tutorial.ipynb",
        notebook_json(("markdown", "## Step one"), ("code", "value = 3\nvalue * 2")),
    )
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    expect(page.get_by_role("textbox", name="Notebook name")).to_have_value("tutorial.ipynb")
    expect(cell(page, 1).get_by_role("heading", name="Step one")).to_be_visible()
    expect(code(page, 2)).to_have_text("value = 3value * 2")
    cell(page, 2).get_by_role("button", name="Run cell").click()
    expect(output(page, 2)).to_have_text("6", timeout=RUN_TIMEOUT)


def test_a_malformed_notebook_shows_a_clear_error(hub: Hub, page: Page, make_user):
    username = make_user("bad")
    item_id = upload_notebook(hub, username, "broken.ipynb", b'{"cells": [ this is not json', trust=False)
    sign_in(page, hub, username)
    page.goto(f"{hub.url}/notebook/{item_id}")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("not a valid notebook")
    expect(alert.get_by_role("link", name="Back to Drive")).to_be_visible()


def test_a_notebook_of_two_hundred_cells_opens_and_edits(hub: Hub, page: Page, make_user):
    username = make_user("big")
    sources = [("markdown", f"## Part {i}") if i % 10 == 0 else ("code", f"value_{i} = {i}") for i in range(200)]
    item_id = upload_notebook(hub, username, "big.ipynb", notebook_json(*sources))
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    expect(cells(page)).to_have_count(200)
    expect(cell(page, 200)).to_have_attribute("data-cell-type", "code")
    # Editors are made as cells come into view, not all 200 up front.
    assert page.locator(".cm-editor").count() < 200
    last = code(page, 200)
    last.scroll_into_view_if_needed()
    last.click()
    page.keyboard.press("End")
    page.keyboard.insert_text("\nprint(value_199 + 1)")
    page.keyboard.press("Control+Enter")
    expect(output(page, 200)).to_have_text("200", timeout=RUN_TIMEOUT)
