"""A person uses Colab's google.colab.widgets in a real browser: a TabBar with three tabs, output
into each, one tab cleared, tabs picked by clicking, and the whole tab bar removed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import cell, code, notebook_json, output, upload_notebook

pytestmark = pytest.mark.e2e

RUN_TIMEOUT = 90_000
FRAME = 'iframe[title="Output"]'


def test_a_tabbar_with_three_tabs_fills_clears_one_switches_and_is_removed(hub: Hub, page: Page, make_user):
    person = make_user("tabby")
    item_id = upload_notebook(hub, person, "tabs.ipynb", notebook_json(
        ("code", "from google.colab import widgets\n"
                 "tb = widgets.TabBar(['red', 'green', 'blue'])\n"
                 "for i in tb:\n    print(f'text in tab {i}')\n"
                 "with tb.output_to('green'):\n    tb.clear_tab()\n    print('green, written again')\n"
                 "tb.clear_tab('blue')\n"
                 "with tb.output_to('red'):\n    print('red shown last')"),
        ("code", "from google.colab import widgets\n"
                 "gone = widgets.TabBar(['only'])\n"
                 "with gone.output_to(0):\n    print('about to go')\n"
                 "gone.remove()\nprint('removed')"),
    ))
    sign_in(page, hub, person)
    page.goto(f"{hub.url}/notebook/{item_id}")
    expect(cell(page, 1)).to_be_visible()

    code(page, 1).click()
    page.keyboard.press("Control+Enter")
    frame = cell(page, 1).frame_locator(FRAME)
    tabs = frame.get_by_role("tab")
    expect(tabs).to_have_count(3, timeout=RUN_TIMEOUT)
    # 'red' was written last, so it is the tab shown.
    expect(frame.get_by_role("tab", name="red")).to_have_attribute("aria-selected", "true", timeout=RUN_TIMEOUT)
    expect(frame.get_by_role("tabpanel", name="red")).to_contain_text("text in tab 0")
    expect(frame.get_by_role("tabpanel", name="red")).to_contain_text("red shown last")

    frame.get_by_role("tab", name="green").click()
    green = frame.get_by_role("tabpanel", name="green")
    expect(green).to_be_visible()
    expect(green).to_contain_text("green, written again")
    expect(green).not_to_contain_text("text in tab 1")  # cleared inside its output_to block
    expect(frame.get_by_role("tabpanel", name="red")).to_be_hidden()

    frame.get_by_role("tab", name="blue").click()
    blue = frame.get_by_role("tabpanel", name="blue")
    expect(blue).not_to_have_attribute("hidden", "")  # shown, and empty (no box to see): clear_tab('blue')
    expect(blue).to_be_empty()
    expect(green).to_be_hidden()
    expect(frame.get_by_role("tab", name="blue")).to_have_attribute("aria-selected", "true")

    code(page, 2).click()
    page.keyboard.press("Control+Enter")
    expect(output(page, 2)).to_contain_text("removed", timeout=RUN_TIMEOUT)
    # remove() took the tab bar, and what was in it, out of the output.
    expect(output(page, 2)).not_to_contain_text("about to go")
    expect(cell(page, 2).frame_locator(FRAME).get_by_role("tab")).to_have_count(0)
