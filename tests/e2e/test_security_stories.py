"""Browser stories for attacks on the page itself: markdown that tries to draw a fake page over
the app, and a notebook tab left open after its person signed out elsewhere."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import cell, notebook_json, open_notebook, upload_notebook

pytestmark = pytest.mark.e2e

# A full-screen "session expired, sign in again" page, as a markdown cell's inline HTML.
FAKE_PAGE = (
    '<div id="fake" style="position:fixed;top:0;left:0;width:100vw;height:200px;z-index:2147483647;'
    'background:white">Your session expired. <b>Sign in again</b></div>\n\n'
    '<div id="sticky" style="position: sticky; top: 0; height: 40px; background: red">sticky</div>\n\n'
    '<div id="absolute" style="position:absolute;top:-500px;left:-500px;width:5000px;height:5000px;'
    'background:black">absolute</div>'
)


def _box(page: Page, selector: str) -> dict:
    return page.evaluate(
        "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
        " return {x: r.x, y: r.y, right: r.right, bottom: r.bottom}; }",
        selector,
    )


def test_a_markdown_cell_with_a_fixed_full_page_style_stays_inside_its_cell(hub: Hub, page: Page, make_user):
    name = make_user("mallory")
    item_id = upload_notebook(hub, name, "Fake.ipynb", notebook_json(("markdown", FAKE_PAGE), ("code", "1 + 1")))
    sign_in(page, hub, name)
    open_notebook(page, hub, item_id)
    markdown = cell(page, 1).locator(".nb-markdown").first
    expect(markdown.locator("#fake")).to_have_count(1)
    # No box is fixed or sticky any more...
    positions = page.evaluate(
        "['#fake', '#sticky'].map((s) => getComputedStyle(document.querySelector(s)).position)"
    )
    assert "fixed" not in positions and "sticky" not in positions, positions
    # ...and nothing the markdown draws, even a 5000 px absolutely positioned box, paints
    # outside the cell: around the cell, the page shows the app.
    cell_box = _box(page, "[data-cell-id='c0'] .nb-markdown")
    huge = _box(page, "#absolute")
    assert huge["x"] < cell_box["x"] and huge["bottom"] > cell_box["bottom"], "the probe box does reach out"
    probes = [{"x": 5, "y": 5}, {"x": cell_box["x"] + 5, "y": cell_box["bottom"] + 5}]
    if cell_box["x"] > 5:
        probes.append({"x": cell_box["x"] - 3, "y": cell_box["y"] + 5})
    if cell_box["right"] < 1275:
        probes.append({"x": cell_box["right"] + 3, "y": cell_box["y"] + 5})
    for probe in probes:
        hit = page.evaluate("(p) => !!document.elementFromPoint(p.x, p.y)?.closest('.nb-markdown')", probe)
        assert not hit, f"the markdown draws over the page at {probe} (cell {cell_box})"
    # The app around it still works: the next cell and the toolbar can be clicked.
    expect(cell(page, 2)).to_be_visible()
    cell(page, 2).get_by_role("textbox", name="Code").click()
    expect(cell(page, 2).get_by_role("textbox", name="Code")).to_be_focused()


def test_signing_out_in_one_tab_sends_the_notebook_tab_to_sign_in(hub: Hub, context, make_user):
    name = make_user("tabs")
    item_id = upload_notebook(hub, name, "Tabs.ipynb", notebook_json(("code", "print('hi')")))
    notebook_tab = context.new_page()
    sign_in(notebook_tab, hub, name)
    open_notebook(notebook_tab, hub, item_id)

    other_tab = context.new_page()
    other_tab.goto(f"{hub.url}/drive")
    other_tab.get_by_role("button", name=f"Account menu for {name}").click()
    other_tab.get_by_role("menuitem", name="Sign out").click()
    expect(other_tab).to_have_url(re.compile(r"/signin"))

    # The notebook tab did nothing, yet its sockets were closed 4401: it shows sign-in, and
    # coming back after signing in is one step.
    expect(notebook_tab).to_have_url(re.compile(r"/signin\?next=%2Fnotebook%2F"), timeout=5_000)
    expect(notebook_tab.get_by_role("status")).to_contain_text("You were signed out")
    notebook_tab.get_by_label("Username").fill(name)
    notebook_tab.get_by_label("Password").fill("correct horse battery")
    notebook_tab.get_by_role("button", name="Sign in").click()
    expect(notebook_tab).to_have_url(re.compile(f"/notebook/{item_id}$"))
    expect(cell(notebook_tab, 1)).to_be_visible()
