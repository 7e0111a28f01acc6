"""Keyboard people: Jupyter's command mode (Escape, then single keys) and Colab's Ctrl+M chords."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import (
    RUN_TIMEOUT,
    cell,
    cells,
    code,
    new_notebook,
    notebook_json,
    open_notebook,
    output,
    runtime,
    type_code,
    upload_notebook,
)

pytestmark = pytest.mark.e2e


def open_cells(page: Page, hub: Hub, make_user, name: str, *sources: str) -> None:
    username = make_user(name)
    item_id = upload_notebook(hub, username, f"{name}.ipynb", notebook_json(*(("code", s) for s in sources)))
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    expect(cells(page)).to_have_count(len(sources))


def command_mode_on(page: Page, n: int) -> None:
    """Click into cell n's code, then Escape: the cell stays selected, focused as a whole."""
    code(page, n).click()
    page.keyboard.press("Escape")
    expect(cell(page, n)).to_be_focused()


def test_escape_then_b_inserts_a_cell_below(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("esc"))
    new_notebook(page)
    type_code(page, 1, "x = 1")
    page.keyboard.press("Escape")
    expect(cell(page, 1)).to_be_focused()
    expect(cell(page, 1)).to_have_class(re.compile(r"nb-cell-command"))
    page.keyboard.press("b")
    expect(cells(page)).to_have_count(2)
    expect(code(page, 2)).to_be_focused()
    expect(cell(page, 2)).to_have_class(re.compile(r"nb-cell-edit"))
    # The key was a command, not typing.
    expect(code(page, 1)).to_have_text("x = 1")
    expect(cell(page, 2).locator(".cm-placeholder")).to_be_visible()
    # Enter edits the selected cell again; typing goes into it.
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowUp")
    expect(cell(page, 1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(code(page, 1)).to_be_focused()


def test_ctrl_m_a_inserts_above_while_editing(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("chord"))
    new_notebook(page)
    type_code(page, 1, "x = 1")
    page.keyboard.press("Control+m")
    page.keyboard.press("a")
    expect(cells(page)).to_have_count(2)
    expect(code(page, 1)).to_be_focused()
    expect(cell(page, 1).locator(".cm-placeholder")).to_be_visible()  # empty
    expect(code(page, 2)).to_have_text("x = 1")  # no "a" typed anywhere


def test_d_d_deletes_and_z_brings_it_back(hub: Hub, page: Page, make_user):
    open_cells(page, hub, make_user, "dd", "first = 1", "second = 2")
    command_mode_on(page, 2)
    page.keyboard.press("d")
    page.keyboard.press("d")
    expect(cells(page)).to_have_count(1)
    expect(code(page, 1)).to_have_text("first = 1")
    page.keyboard.press("z")
    expect(cells(page)).to_have_count(2)
    expect(code(page, 2)).to_have_text("second = 2")


def test_y_and_m_switch_types(hub: Hub, page: Page, make_user):
    open_cells(page, hub, make_user, "ym", "Some *notes*")
    command_mode_on(page, 1)
    page.keyboard.press("m")
    expect(cell(page, 1)).to_have_attribute("data-cell-type", "markdown")
    expect(cell(page, 1).locator("em")).to_have_text("notes")  # rendered: still in command mode
    expect(cell(page, 1)).to_be_focused()
    page.keyboard.press("y")
    expect(cell(page, 1)).to_have_attribute("data-cell-type", "code")
    expect(code(page, 1)).to_have_text("Some *notes*")


def test_shift_down_selects_two_cells_and_shift_m_merges_them(hub: Hub, page: Page, make_user):
    open_cells(page, hub, make_user, "merge", "a = 1", "b = 2", "c = 3")
    command_mode_on(page, 1)
    page.keyboard.press("Shift+ArrowDown")
    expect(cell(page, 1)).to_have_attribute("data-selected", "true")
    expect(cell(page, 2)).to_have_attribute("data-selected", "true")
    expect(cell(page, 3)).not_to_have_attribute("data-selected", "true")
    page.keyboard.press("Shift+M")
    expect(cells(page)).to_have_count(2)
    expect(code(page, 1)).to_have_text(re.compile(r"a = 1\s*b = 2"))
    expect(code(page, 2)).to_have_text("c = 3")
    # One undo brings both back.
    page.keyboard.press("z")
    expect(cells(page)).to_have_count(3)
    expect(code(page, 1)).to_have_text("a = 1")


def test_ctrl_shift_minus_splits_a_cell_at_the_cursor(hub: Hub, page: Page, make_user):
    open_cells(page, hub, make_user, "split", "a = 1\nb = 2")
    code(page, 1).get_by_text("b = 2").click()
    page.keyboard.press("Home")
    page.keyboard.press("Control+Shift+Minus")
    expect(cells(page)).to_have_count(2)
    expect(code(page, 1)).to_have_text("a = 1")
    expect(code(page, 2)).to_have_text("b = 2")
    expect(code(page, 2)).to_be_focused()


def test_ctrl_m_k_moves_a_cell_up(hub: Hub, page: Page, make_user):
    open_cells(page, hub, make_user, "movek", "first = 1", "second = 2")
    code(page, 2).click()
    page.keyboard.press("Control+m")
    page.keyboard.press("k")
    expect(code(page, 1)).to_have_text("second = 2")
    expect(code(page, 2)).to_have_text("first = 1")
    page.keyboard.press("Control+m")
    page.keyboard.press("j")
    expect(code(page, 1)).to_have_text("first = 1")


def test_ctrl_slash_comments_a_line(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("slash"))
    new_notebook(page)
    type_code(page, 1, "x = 1")
    page.keyboard.press("Control+Slash")
    expect(code(page, 1)).to_have_text("# x = 1")
    page.keyboard.press("Control+Slash")
    expect(code(page, 1)).to_have_text("x = 1")


def test_ctrl_home_and_ctrl_end_reach_the_first_and_last_cells(hub: Hub, page: Page, make_user):
    open_cells(page, hub, make_user, "ends", "one = 1", "two = 2", "three = 3")
    command_mode_on(page, 2)
    page.keyboard.press("Control+End")
    expect(cell(page, 3)).to_be_focused()
    page.keyboard.press("Control+Home")
    expect(cell(page, 1)).to_be_focused()
    page.keyboard.press("j")
    expect(cell(page, 2)).to_be_focused()


def test_ctrl_f8_runs_the_cells_above(hub: Hub, page: Page, make_user):
    open_cells(page, hub, make_user, "before", "a = 20", "print(a + 1)", "print('third')")
    code(page, 3).click()
    page.keyboard.press("Control+F8")
    expect(output(page, 2)).to_have_text("21", timeout=RUN_TIMEOUT)
    expect(cell(page, 1).get_by_label("Execution count")).to_have_text("[1]")
    expect(output(page, 3)).to_have_count(0)


def test_ctrl_m_dot_restarts(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("dot"))
    new_notebook(page)
    type_code(page, 1, "secret = 5\nsecret")
    page.keyboard.press("Control+Enter")
    expect(output(page, 1)).to_have_text("5", timeout=RUN_TIMEOUT)
    page.keyboard.press("Control+m")
    page.keyboard.press(".")
    expect(runtime(page)).to_contain_text("Connected", timeout=RUN_TIMEOUT)
    type_code(page, 1, "secret")
    page.keyboard.press("Control+Enter")
    expect(output(page, 1)).to_contain_text("NameError", timeout=RUN_TIMEOUT)
