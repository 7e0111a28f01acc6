"""The command palette, the menu bar and the keyboard-shortcuts dialog: every command in one
place, found by a few letters, and keys people choose for themselves."""

from __future__ import annotations

from contextlib import closing

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import (
    RUN_TIMEOUT,
    cell,
    cells,
    code,
    eventually,
    new_notebook,
    notebook_json,
    open_notebook,
    output,
    type_code,
    upload_notebook,
)

pytestmark = pytest.mark.e2e


def test_the_palette_finds_run_all_by_rnal_and_runs_it_then_clear_all_outputs(hub: Hub, page: Page, make_user):
    username = make_user("pal")
    item_id = upload_notebook(hub, username, "pal.ipynb", notebook_json(("code", "x = 20"), ("code", "x + 1")))
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    code(page, 1).click()
    page.keyboard.press("Control+Shift+P")
    palette = page.get_by_role("dialog", name="Command palette")
    expect(palette).to_be_visible()
    search = palette.get_by_role("combobox", name="Search commands")
    expect(search).to_be_focused()
    search.fill("rnal")
    first = palette.get_by_role("option").first
    expect(first).to_contain_text("Run all")
    expect(first).to_contain_text("Ctrl+F9")  # each row shows its shortcut
    page.keyboard.press("Enter")
    expect(palette).to_have_count(0)
    expect(output(page, 2)).to_have_text("21", timeout=RUN_TIMEOUT)
    # The focus went back where it was.
    expect(code(page, 1)).to_be_focused()

    # Clear all outputs, from the Edit menu: gone here and in the saved notebook.
    page.get_by_role("button", name="Edit menu").click()
    page.get_by_role("menuitem", name="Clear all outputs").click()
    expect(output(page, 2)).to_have_count(0)
    expect(cell(page, 2).get_by_label("Execution count")).to_have_text("[ ]")

    def hub_has_no_outputs() -> bool:
        with closing(hub.signed_in(username)) as client:
            nb = client.get(f"/api/documents/{item_id}").json()
        return all(not c.get("outputs") and c.get("execution_count") is None for c in nb["cells"])

    eventually(hub_has_no_outputs)


def test_escape_closes_the_palette_and_arrows_pick_a_command(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("arrows"))
    new_notebook(page)
    type_code(page, 1, "x = 1")
    page.keyboard.press("Control+Shift+P")
    palette = page.get_by_role("dialog", name="Command palette")
    expect(palette).to_be_visible()
    page.keyboard.press("Escape")
    expect(palette).to_have_count(0)
    expect(code(page, 1)).to_be_focused()
    # With words typed, one Escape still closes it (a search field's Escape only clears them).
    page.keyboard.press("Control+Shift+P")
    page.keyboard.type("run")
    page.keyboard.press("Escape")
    expect(palette).to_have_count(0)
    expect(code(page, 1)).to_be_focused()

    page.keyboard.press("Control+Shift+P")
    page.get_by_role("combobox", name="Search commands").fill("insert code cell")
    options = page.get_by_role("dialog", name="Command palette").get_by_role("option")
    expect(options.nth(0)).to_contain_text("Insert code cell above")
    expect(options.nth(1)).to_contain_text("Insert code cell below")
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(cells(page)).to_have_count(2)
    expect(code(page, 1)).to_have_text("x = 1")


def test_the_shortcuts_dialog_rebinds_insert_below_to_ctrl_m_q_and_it_survives_reload(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("rebind"))
    new_notebook(page)
    type_code(page, 1, "x = 1")
    page.keyboard.press("Control+m")
    page.keyboard.press("h")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    dialog.get_by_role("searchbox", name="Search shortcuts").fill("insert code cell below")
    dialog.get_by_role("button", name="Change shortcut for Insert code cell below").click()
    capture = dialog.get_by_role("textbox", name="New keys for Insert code cell below")
    expect(capture).to_be_focused()
    # Ctrl+M A is already "insert above": the dialog says so before saving.
    page.keyboard.press("Control+m")
    page.keyboard.press("a")
    expect(dialog.get_by_role("alert")).to_contain_text("Insert code cell above")
    dialog.get_by_role("button", name="Clear", exact=True).click()
    capture.focus()
    page.keyboard.press("Control+m")
    page.keyboard.press("q")
    expect(capture).to_have_text("Ctrl+M Q")
    dialog.get_by_role("button", name="Save", exact=True).click()
    row = dialog.locator("tr[data-command-id='cell:insert-code-below']")
    expect(row).to_contain_text("Ctrl+M Q")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    # Kept per person: after a reload Ctrl+M Q inserts below, Ctrl+M B no longer does.
    page.reload()
    expect(cells(page)).to_have_count(1)
    code(page, 1).click()
    page.keyboard.press("Control+m")
    page.keyboard.press("b")
    expect(cells(page)).to_have_count(1)
    page.keyboard.press("Control+m")
    page.keyboard.press("q")
    expect(cells(page)).to_have_count(2)
    expect(code(page, 2)).to_be_focused()

    # Reset brings the default back.
    page.keyboard.press("Control+m")
    page.keyboard.press("h")
    dialog.get_by_role("searchbox", name="Search shortcuts").fill("insert code cell below")
    dialog.get_by_role("button", name="Reset shortcut for Insert code cell below").click()
    expect(dialog.locator("tr[data-command-id='cell:insert-code-below']")).to_contain_text("Ctrl+M B")


def test_every_menu_command_is_in_the_palette(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("menus"))
    new_notebook(page)
    menus = page.get_by_role("group", name="Menus")
    for name in ("Edit", "Insert", "Runtime", "View", "Tools"):
        expect(menus.get_by_role("button", name=f"{name} menu")).to_be_visible()
    menus.get_by_role("button", name="Runtime menu").click()
    labels = page.get_by_role("menu", name="Runtime menu").get_by_role("menuitem").all_inner_texts()
    assert any("Run all" in label for label in labels)
    page.keyboard.press("Escape")
    code(page, 1).click()
    page.keyboard.press("Control+Shift+P")
    palette = page.get_by_role("dialog", name="Command palette")
    all_rows = palette.get_by_role("option").all_inner_texts()
    for label in labels:
        name = label.split("\n")[0].strip()
        assert any(name in row for row in all_rows), name
