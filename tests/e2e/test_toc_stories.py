"""The table of contents and section folding, as in Colab's left-hand Table of contents.

A person sees the notebook's headings, nested, in the side panel; a click goes to the section;
a heading folds its section ("2 cells hidden"), the fold is saved in the notebook (as Colab saves
it), and "Run section" runs only that section's cells. The rail's panel buttons work by keyboard.
"""

from __future__ import annotations

import json
from contextlib import closing

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_accessibility_stories import assert_accessible, scheme_page  # noqa: F401 (a fixture)
from tests.e2e.test_notebook_stories import RUN_TIMEOUT, cell, cells, eventually, open_notebook, output, upload_notebook

pytestmark = pytest.mark.e2e

SECTIONS = (
    ("markdown", "# Setup\nWhat we need."),
    ("code", "a = 1\nprint('setup ran')"),
    ("markdown", "## Data"),
    ("code", "print('data ran')"),
    ("code", "print('more data')"),
    ("markdown", "# Results\n```python\n# not a heading\n```"),
    ("code", "print('results ran')"),
)


def colab_notebook(cells_: tuple[tuple[str, str], ...], collapsed: list[str] | None = None) -> bytes:
    """A notebook as Colab writes it: nbformat 4.0, each cell's id in its metadata."""
    nb = {
        "nbformat": 4,
        "nbformat_minor": 0,
        "metadata": {
            "colab": {"provenance": [], **({"collapsed_sections": collapsed} if collapsed is not None else {})},
            "kernelspec": {"name": "python3", "display_name": "Python 3"},
        },
        "cells": [
            {"cell_type": kind, "metadata": {"id": f"colab{i}"}, "source": src,
             **({"outputs": [], "execution_count": None} if kind == "code" else {})}
            for i, (kind, src) in enumerate(cells_)
        ],
    }
    return json.dumps(nb).encode()


def open_sections(page: Page, hub: Hub, username: str, collapsed: list[str] | None = None) -> str:
    item_id = upload_notebook(hub, username, "sections.ipynb", colab_notebook(SECTIONS, collapsed))
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    return item_id


def toc(page: Page):
    return page.get_by_role("navigation", name="Table of contents")


def open_toc(page: Page):
    button = page.get_by_role("button", name="Table of contents", exact=True)
    if button.get_attribute("aria-expanded") != "true":
        button.click()
    expect(toc(page)).to_be_visible()
    return toc(page)


def saved_collapsed(hub: Hub, username: str, item_id: str) -> list[str]:
    with closing(hub.signed_in(username)) as client:
        notebook = client.get(f"/api/documents/{item_id}").json()
    return notebook["metadata"].get("colab", {}).get("collapsed_sections", [])


def test_the_table_of_contents_lists_headings_and_a_click_goes_to_the_section(hub: Hub, page: Page, make_user):
    open_sections(page, hub, make_user("tia"))
    panel = open_toc(page)
    links = panel.get_by_role("link")
    expect(links).to_have_text(["Setup", "Data", "Results"])  # the fenced comment is no heading
    # "Data" is nested under "Setup".
    expect(panel.get_by_role("listitem").filter(has_text="Setup").get_by_role("link", name="Data")).to_be_visible()
    panel.get_by_role("link", name="Results").click()
    expect(cell(page, 6)).to_have_attribute("data-selected", "true")
    expect(cell(page, 6)).to_be_in_viewport()
    expect(panel.get_by_role("link", name="Results")).to_have_attribute("aria-current", "location")
    # A new heading typed into a text cell shows at once.
    cell(page, 3).dblclick()
    editor = cell(page, 3).get_by_role("textbox")
    editor.click()
    page.keyboard.press("End")
    page.keyboard.insert_text(" sources")
    expect(links).to_have_text(["Setup", "Data sources", "Results"])


def test_a_heading_folds_its_section_and_the_fold_survives_reload(hub: Hub, page: Page, make_user):
    username = make_user("tom")
    item_id = open_sections(page, hub, username)
    panel = open_toc(page)
    panel.get_by_role("button", name="Collapse section Data").click()
    expect(cells(page)).to_have_count(5)
    hidden = page.get_by_role("button", name="2 cells hidden")
    expect(hidden).to_be_visible()
    expect(cell(page, 3).get_by_role("button", name="Expand section")).to_have_attribute("aria-expanded", "false")
    # Saved as Colab saves it: the heading cell's Colab id in metadata.colab.collapsed_sections.
    eventually(lambda: saved_collapsed(hub, username, item_id) == ["colab2"])
    page.reload()
    expect(cell(page, 1)).to_be_visible()
    expect(page.get_by_role("button", name="2 cells hidden")).to_be_visible()
    expect(cells(page)).to_have_count(5)
    # Folding "Setup" (level 1) hides "Data" and its cells too, up to "Results".
    cell(page, 1).get_by_role("button", name="Collapse section").click()
    expect(page.get_by_role("button", name="4 cells hidden")).to_be_visible()
    expect(cells(page)).to_have_count(3)
    page.get_by_role("button", name="4 cells hidden").click()
    expect(cells(page)).to_have_count(5)
    page.get_by_role("button", name="2 cells hidden").click()
    expect(cells(page)).to_have_count(7)
    eventually(lambda: saved_collapsed(hub, username, item_id) == [])


def test_run_section_runs_only_that_sections_cells(hub: Hub, page: Page, make_user):
    open_sections(page, hub, make_user("ria"))
    panel = open_toc(page)
    panel.get_by_role("button", name="Run section Data").click()
    expect(output(page, 4)).to_have_text("data ran", timeout=RUN_TIMEOUT)
    expect(output(page, 5)).to_have_text("more data", timeout=RUN_TIMEOUT)
    expect(output(page, 2)).to_have_count(0)
    expect(output(page, 7)).to_have_count(0)
    # The heading cell's own Run section.
    cell(page, 6).hover()
    cell(page, 6).get_by_role("button", name="Run section").click()
    expect(output(page, 7)).to_have_text("results ran", timeout=RUN_TIMEOUT)
    expect(output(page, 2)).to_have_count(0)


def test_a_notebook_folded_in_colab_opens_folded(hub: Hub, page: Page, make_user):
    open_sections(page, hub, make_user("cole"), collapsed=["colab0"])
    expect(page.get_by_role("button", name="4 cells hidden")).to_be_visible()
    expect(cells(page)).to_have_count(3)
    expect(cell(page, 1).get_by_role("button", name="Expand section")).to_be_visible()
    # Going to a hidden heading from the table of contents unfolds what hides it.
    open_toc(page).get_by_role("link", name="Data").click()
    expect(cell(page, 3)).to_be_visible()
    expect(cells(page)).to_have_count(7)


def test_the_rails_buttons_open_and_close_panels_by_keyboard(hub: Hub, page: Page, make_user):
    open_sections(page, hub, make_user("kai"))
    rail = page.get_by_role("toolbar", name="Side panels")
    first = rail.get_by_role("button", name="Table of contents", exact=True)
    first.focus()
    page.keyboard.press("Enter")
    expect(first).to_have_attribute("aria-expanded", "true")
    expect(toc(page)).to_be_visible()
    # Down arrow to the next button; Space opens Find and replace instead (one left panel at a time).
    page.keyboard.press("ArrowDown")
    find = rail.get_by_role("button", name="Find and replace", exact=True)
    expect(find).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("complementary", name="Find and replace")).to_be_visible()
    expect(toc(page)).to_have_count(0)
    expect(first).to_have_attribute("aria-expanded", "false")
    # The panel's field has the focus; Escape closes the panel.
    expect(page.get_by_role("textbox", name="Find", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_role("complementary", name="Find and replace")).to_have_count(0)
    expect(find).to_have_attribute("aria-expanded", "false")
    # The panel's own Close button works as well.
    first.focus()
    page.keyboard.press("Enter")
    toc(page).get_by_role("button", name="Close table of contents panel").press("Enter")
    expect(toc(page)).to_have_count(0)


def test_the_side_panels_pass_axe_in_light_and_dark(hub: Hub, scheme_page: Page, make_user):  # noqa: F811 (the fixture)
    page = scheme_page
    open_sections(page, hub, make_user("axel"), collapsed=["colab2"])
    expect(page.get_by_role("button", name="2 cells hidden")).to_be_visible()
    open_toc(page)
    assert_accessible(page)
    page.get_by_role("button", name="Find and replace", exact=True).click()
    page.get_by_role("textbox", name="Find", exact=True).fill("ran")
    expect(page.get_by_role("complementary", name="Find and replace").get_by_role("status").first).to_contain_text(" of ")
    page.get_by_role("button", name="Regular expression").click()
    assert_accessible(page)
    page.get_by_role("button", name="Secrets", exact=True).click()
    expect(page.get_by_role("complementary", name="Secrets")).to_contain_text("No secrets yet")
    assert_accessible(page)
