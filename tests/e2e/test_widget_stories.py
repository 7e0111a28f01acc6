"""Jupyter widgets in notebooks: sliders, buttons and Output widgets live in sandboxed output
frames, their changes reach the kernel through the hub, and what their callbacks print shows up
where ipywidgets says. A reloaded page shows the widgets again, still live; a widget whose kernel is
gone (a restarted runtime, a notebook saved by Jupyter) shows read-only from its saved state."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import RUN_TIMEOUT, notebook_json, open_notebook, output, runtime, upload_notebook
from tests.widget_notebooks import jupyter_saved_slider_notebook

pytestmark = pytest.mark.e2e

FRAME = 'iframe[title="Output"]'


def run_all(page: Page) -> None:
    page.get_by_role("button", name="Run all").click()


def test_moving_an_interact_slider_reprints_the_value(hub: Hub, page: Page, make_user):
    username = make_user("wanda")
    item_id = upload_notebook(hub, username, "interact.ipynb", notebook_json(
        ("code", "from ipywidgets import interact\n@interact(x=(0, 10))\ndef show(x=3):\n    print('x is', x)"),
    ))
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    run_all(page)
    widget = output(page, 1).frame_locator(FRAME)
    expect(widget.get_by_text("x is 3")).to_be_visible(timeout=RUN_TIMEOUT)
    slider = widget.get_by_role("slider")
    slider.focus()
    slider.press("ArrowRight")
    slider.press("ArrowRight")
    expect(widget.get_by_text("x is 5")).to_be_visible()
    expect(widget.get_by_text("x is 3")).to_have_count(0)


def test_a_button_appends_to_an_output_widget_and_stays_live_after_a_reload(hub: Hub, page: Page, make_user):
    username = make_user("bruno")
    item_id = upload_notebook(hub, username, "button.ipynb", notebook_json(
        ("code", "import ipywidgets as w\nb = w.Button(description='Say hello')\nout = w.Output()\n"
                 "clicks = 0\ndef hello(_):\n    global clicks\n    clicks += 1\n"
                 "    with out:\n        print('hello number', clicks)\n"
                 "b.on_click(hello)\nw.VBox([b, out])"),
    ))
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    run_all(page)
    widget = output(page, 1).frame_locator(FRAME)
    widget.get_by_role("button", name="Say hello").click(timeout=RUN_TIMEOUT)
    expect(widget.get_by_text("hello number 1")).to_be_visible()
    # The click's output went to the Output widget, not under the cell.
    expect(output(page, 1).get_by_text("hello number 1")).to_have_count(0)

    page.reload()
    widget = output(page, 1).frame_locator(FRAME)
    expect(widget.get_by_text("hello number 1")).to_be_visible(timeout=RUN_TIMEOUT)
    widget.get_by_role("button", name="Say hello").click()
    expect(widget.get_by_text("hello number 2")).to_be_visible()


# ----- saved widget state ------------------------------------------------------------------------


def test_a_slider_still_shows_its_value_after_a_restart_and_a_reload(hub: Hub, page: Page, make_user):
    username = make_user("sasha")
    item_id = upload_notebook(hub, username, "kept-slider.ipynb", notebook_json(
        ("code", "import ipywidgets as w\nw.IntSlider(value=42, description='kept')"),
    ))
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    run_all(page)
    widget = output(page, 1).frame_locator(FRAME)
    slider = widget.get_by_role("slider")
    expect(slider).to_be_visible(timeout=RUN_TIMEOUT)
    slider.focus()
    slider.press("ArrowRight")
    slider.press("ArrowRight")
    expect(widget.locator(".widget-readout")).to_have_text("44")

    page.get_by_role("button", name="Restart runtime").click()
    expect(runtime(page)).to_contain_text("Connected", timeout=RUN_TIMEOUT)
    page.reload()
    # The kernel that made the slider is gone; the notebook's saved widget state draws it.
    widget = output(page, 1).frame_locator(FRAME)
    expect(widget.get_by_text("kept")).to_be_visible(timeout=RUN_TIMEOUT)
    expect(widget.locator(".widget-readout")).to_have_text("44")
    expect(widget.locator(".widget-saved")).to_have_count(1)
    # Read-only: keys do not move it.
    widget.get_by_role("slider").focus()
    widget.get_by_role("slider").press("ArrowRight")
    expect(widget.locator(".widget-readout")).to_have_text("44")

    # Run again: the live slider takes its place.
    run_all(page)
    widget = output(page, 1).frame_locator(FRAME)
    expect(widget.locator(".widget-saved")).to_have_count(0, timeout=RUN_TIMEOUT)
    expect(widget.locator(".widget-readout")).to_have_text("42")


def test_a_notebook_saved_by_jupyter_shows_its_slider_without_running(hub: Hub, page: Page, make_user):
    username = make_user("jules")
    data, _slider = jupyter_saved_slider_notebook()
    item_id = upload_notebook(hub, username, "from-jupyter.ipynb", data)
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    widget = output(page, 1).frame_locator(FRAME)
    expect(widget.get_by_role("slider")).to_be_visible(timeout=RUN_TIMEOUT)
    expect(widget.get_by_text("from jupyter")).to_be_visible()
    expect(widget.locator(".widget-readout")).to_have_text("33")
