"""Stories of a long notebook: 1,000 cells with outputs and pictures open, edit, and are
reached from the keyboard (bench/bench_big_notebook.py times the same)."""

from __future__ import annotations

import json
import re
from contextlib import closing

from playwright.sync_api import Page, expect

from bench.bench_big_notebook import big_notebook
from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import cell, cells, code, eventually, upload_notebook

CELLS = 1000
SLOW = 120_000  # ms: a loaded 2-core machine lays out 1,000 cells slowly


def last_cell_source(hub: Hub, username: str, item_id: str) -> str:
    with closing(hub.signed_in(username)) as client:
        nb = client.get(f"/api/documents/{item_id}").json()
    source = nb["cells"][-1]["source"]
    return "".join(source) if isinstance(source, list) else source


def test_a_notebook_of_a_thousand_cells_opens_the_first_cell_edits_and_ctrl_end_reaches_the_last(
    hub: Hub, page: Page, make_user
):
    username = make_user("long")
    item_id = upload_notebook(hub, username, "long.ipynb", big_notebook(CELLS))
    sign_in(page, hub, username)
    page.goto(f"{hub.url}/notebook/{item_id}")

    first = code(page, 1)
    expect(first).to_be_visible(timeout=SLOW)
    first.click()
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.insert_text("  # first")
    expect(first).to_contain_text("print('value', 0)  # first")
    # Its outputs are there: the printed line, and a picture in the tenth cell.
    expect(cell(page, 1).get_by_role("region", name="Output")).to_have_text("value 0")
    expect(cell(page, 10).get_by_role("img", name="Image output")).to_have_count(1)

    # Command mode, then Ctrl+End: the last cell is selected and on screen.
    page.keyboard.press("Escape")
    page.keyboard.press("Control+End")
    last = cell(page, CELLS)
    expect(last).to_be_in_viewport(timeout=SLOW)
    expect(last).to_have_class(re.compile(r"\bnb-cell-selected\b"), timeout=SLOW)
    expect(cells(page)).to_have_count(CELLS)

    # It edits like the first: Enter opens its editor, and the text reaches the document.
    page.keyboard.press("Enter")
    expect(code(page, CELLS)).to_be_focused(timeout=SLOW)
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.insert_text("  # last")
    expect(code(page, CELLS)).to_contain_text(f"print('value', {CELLS - 1})  # last")
    eventually(lambda: last_cell_source(hub, username, item_id).endswith("# last"), timeout=60)
    # The pictures were kept as they were.
    with closing(hub.signed_in(username)) as client:
        nb = client.get(f"/api/documents/{item_id}").json()
    pictures = [o for c in nb["cells"] for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(pictures) == CELLS // 10
    assert json.dumps(nb["cells"][0]["source"]).count("# first") == 1
