"""Find and replace across the notebook (Ctrl+F, Ctrl+H), as in Colab's Find and replace panel.

A person finds text in every cell (match case, whole word, regular expression), steps through the
matches ("2 of 5"), finds printed text in outputs, replaces one match or all of them, and undoes
Replace all in one step.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import (
    RUN_TIMEOUT,
    cell,
    code,
    notebook_json,
    open_notebook,
    output,
    upload_notebook,
)

pytestmark = pytest.mark.e2e

CELLS = (
    ("code", "total = 0\nfor value in range(3):\n    total += value\nprint('Total', total)"),
    ("markdown", "# Totals\nThe total of the values."),
    ("code", "subtotal = total * 2\nTOTAL = subtotal"),
)


def open_cells(page: Page, hub: Hub, username: str, cells=CELLS) -> str:
    item_id = upload_notebook(hub, username, "find.ipynb", notebook_json(*cells))
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    return item_id


def panel(page: Page):
    return page.get_by_role("complementary", name="Find and replace")


def find_field(page: Page):
    return panel(page).get_by_role("textbox", name="Find", exact=True)


def count(page: Page):
    return panel(page).get_by_role("status").first


def test_find_counts_matches_across_cells_with_match_case_and_regex(hub: Hub, page: Page, make_user):
    open_cells(page, hub, make_user("fay"))
    # Ctrl+F from inside an editor opens the panel (not the browser's find).
    code(page, 1).click()
    page.keyboard.press("ControlOrMeta+f")
    expect(find_field(page)).to_be_focused()
    page.keyboard.type("total")
    # total, total, Total, total; Totals, total; subtotal, total, TOTAL, subtotal.
    expect(count(page)).to_have_text("1 of 10")
    panel(page).get_by_role("button", name="Match case").click()
    expect(panel(page).get_by_role("button", name="Match case")).to_have_attribute("aria-pressed", "true")
    expect(count(page)).to_have_text("1 of 7")
    panel(page).get_by_role("button", name="Whole word").click()
    expect(count(page)).to_have_text("1 of 5")  # not "subtotal"
    find_field(page).press("Enter")
    expect(count(page)).to_have_text("2 of 5")
    find_field(page).press("Shift+Enter")
    find_field(page).press("Shift+Enter")
    expect(count(page)).to_have_text("5 of 5")  # wraps around
    # The matches are highlighted in the editors, the current one in cell 3.
    expect(cell(page, 1).locator(".nb-find-match")).to_have_count(3)
    expect(cell(page, 3).locator(".nb-find-current")).to_have_text("total")
    panel(page).get_by_role("button", name="Whole word").click()
    panel(page).get_by_role("button", name="Regular expression").click()
    find_field(page).fill(r"(sub)?total\b")
    expect(count(page)).to_contain_text("of 7")
    find_field(page).fill("total(")
    expect(panel(page).get_by_role("alert")).to_contain_text("Not a valid regular expression")
    expect(find_field(page)).to_have_attribute("aria-invalid", "true")


def test_replace_all_is_one_undo_step(hub: Hub, page: Page, make_user):
    open_cells(page, hub, make_user("ray"))
    code(page, 1).click()
    page.keyboard.press("ControlOrMeta+h")
    replace = panel(page).get_by_role("textbox", name="Replace with")
    expect(replace).to_be_focused()
    find_field(page).fill("total")
    panel(page).get_by_role("button", name="Match case").click()
    expect(count(page)).to_have_text("1 of 7")
    replace.fill("amount")
    panel(page).get_by_role("button", name="Replace", exact=True).click()
    expect(count(page)).to_have_text("1 of 6")
    expect(code(page, 1)).to_contain_text("amount = 0")
    panel(page).get_by_role("button", name="Replace all").click()
    expect(count(page)).to_have_text("No results")
    expect(code(page, 1)).to_contain_text("amount += value")
    expect(cell(page, 2).get_by_role("heading", name="Totals")).to_be_visible()  # "Totals": another case
    expect(code(page, 3)).to_have_text("subamount = amount * 2TOTAL = subamount")
    # Ctrl+Z outside the editors undoes Replace all at once (the single Replace stays).
    cell(page, 2).get_by_role("heading", name="Totals").click()
    page.keyboard.press("ControlOrMeta+z")
    expect(code(page, 3)).to_have_text("subtotal = total * 2TOTAL = subtotal")
    expect(code(page, 1)).to_contain_text("amount = 0")
    expect(code(page, 1)).to_contain_text("total += value")
    expect(count(page)).to_contain_text("of 6")


def test_find_in_outputs_finds_printed_text(hub: Hub, page: Page, make_user):
    cells = (("code", "print('needle in the ' + 'output')"), ("markdown", "A needle here"))
    open_cells(page, hub, make_user("otto"), cells=cells)
    cell(page, 1).get_by_role("button", name="Run cell").click()
    expect(output(page, 1)).to_have_text("needle in the output", timeout=RUN_TIMEOUT)
    page.get_by_role("button", name="Find and replace", exact=True).click()
    find_field(page).fill("the output")
    expect(count(page)).to_have_text("No results")
    panel(page).get_by_role("button", name="Find in outputs").click()
    expect(count(page)).to_have_text("1 of 1")
    page.wait_for_function("() => (CSS.highlights.get('nb-find-current')?.size ?? 0) === 1")
    # Replace works on sources only.
    expect(panel(page).get_by_role("button", name="Replace", exact=True)).to_be_disabled()
    find_field(page).fill("needle")
    expect(count(page)).to_have_text("1 of 3")
    find_field(page).press("Enter")
    expect(count(page)).to_have_text("2 of 3")
    find_field(page).press("Enter")
    expect(count(page)).to_have_text("3 of 3")
    expect(cell(page, 2)).to_have_attribute("data-selected", "true")
    page.wait_for_function("() => (CSS.highlights.get('nb-find')?.size ?? 0) === 2")
