"""A person redraws an earlier cell's output from a later cell in a real browser, as in Colab: a
display handle's ``update()`` and a google.colab.widgets TabBar's ``clear_tab()`` / ``remove()``
run in cell 2 change cell 1's output, on the page that ran them and on another page open on the
same notebook."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import cell, code, notebook_json, output, upload_notebook

pytestmark = pytest.mark.e2e

RUN_TIMEOUT = 90_000
FRAME = 'iframe[title="Output"]'


def test_a_status_line_and_a_tabbar_made_in_cell_one_are_redrawn_from_later_cells_on_every_page(
    hub: Hub, page: Page, context: BrowserContext, make_user,
):
    person = make_user("redraw")
    item_id = upload_notebook(hub, person, "redraw.ipynb", notebook_json(
        ("code", "from IPython.display import display\nfrom google.colab import widgets\n"
                 "status = display('Loading data', display_id=True)\n"
                 "tb = widgets.TabBar(['log', 'plot'])\n"
                 "with tb.output_to('log'):\n    print('old log line')\n"
                 "print('cell one done')"),
        ("code", "status.update('Data ready')\n"
                 "tb.clear_tab('log')\n"
                 "with tb.output_to('log'):\n    print('fresh log line')"),
        ("code", "tb.remove()\nprint('tab bar gone')"),
    ))
    sign_in(page, hub, person)
    page.goto(f"{hub.url}/notebook/{item_id}")
    expect(cell(page, 1)).to_be_visible()
    code(page, 1).click()
    page.keyboard.press("Control+Enter")
    expect(output(page, 1)).to_contain_text("cell one done", timeout=RUN_TIMEOUT)
    expect(output(page, 1)).to_contain_text("Loading data")
    log = cell(page, 1).frame_locator(FRAME).get_by_role("tabpanel", name="log")
    expect(log).to_contain_text("old log line", timeout=RUN_TIMEOUT)

    # A second page on the notebook (another tab, or a colleague looking on).
    watcher = context.new_page()
    watcher.goto(f"{hub.url}/notebook/{item_id}")
    expect(output(watcher, 1)).to_contain_text("Loading data", timeout=RUN_TIMEOUT)

    code(page, 2).click()
    page.keyboard.press("Control+Enter")
    for seen in (page, watcher):
        # Cell 1's own output changed; cell 2 shows nothing of it.
        expect(output(seen, 1)).to_contain_text("Data ready", timeout=RUN_TIMEOUT)
        expect(output(seen, 1)).not_to_contain_text("Loading data")
        panel = cell(seen, 1).frame_locator(FRAME).get_by_role("tabpanel", name="log")
        expect(panel).to_contain_text("fresh log line", timeout=RUN_TIMEOUT)
        expect(panel).not_to_contain_text("old log line")
    expect(output(page, 2)).to_have_count(0)  # the updates show in cell 1, nothing in cell 2

    code(watcher, 3).click()
    watcher.keyboard.press("Control+Enter")
    for seen in (page, watcher):
        expect(output(seen, 3)).to_contain_text("tab bar gone", timeout=RUN_TIMEOUT)
        expect(cell(seen, 1).frame_locator(FRAME).get_by_role("tab")).to_have_count(0, timeout=RUN_TIMEOUT)
        expect(output(seen, 1)).to_contain_text("cell one done")  # the rest of cell 1 stays
