"""Third-party widget packages render in output frames, with no network: the hub serves each
package's JupyterLab front end from the runtime environment (ipyleaflet's map and marker, bqplot's
lines, plotly's FigureWidget, an anywidget counter that syncs both ways), and a widget whose front
end is not installed says which package to install instead of showing nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import ADMIN, PASSWORD, Hub, sign_in, start_hub
from tests.e2e.test_notebook_stories import RUN_TIMEOUT, cell, notebook_json, open_notebook, output, upload_notebook
from tests.widget_environment import widget_environment

pytestmark = pytest.mark.e2e

FRAME = 'iframe[title="Output"]'


@pytest.fixture(scope="module")
def hub(tmp_path_factory, built_web_app) -> Iterator[Hub]:
    """A hub whose runtimes run an environment with ipyleaflet, bqplot, plotly and anywidget."""
    running = start_hub(tmp_path_factory.mktemp("widget-hub") / "data", runtime_environment=str(widget_environment()),
                        runtime_pool_size="0")  # no warm kernel to wait for at start
    try:
        with closing(running.client()) as client:
            client.post("/api/auth/setup", json={"username": ADMIN, "password": PASSWORD}).raise_for_status()
        yield running
    finally:
        running.stop()


def _run_notebook(hub: Hub, page: Page, username: str, *sources: str) -> None:
    item_id = upload_notebook(hub, username, "widgets.ipynb", notebook_json(*(("code", s) for s in sources)))
    sign_in(page, hub, username)
    open_notebook(page, hub, item_id)
    page.get_by_role("button", name="Run all").click()


def test_an_ipyleaflet_map_shows_its_marker_without_tiles(hub: Hub, page: Page, make_user):
    _run_notebook(hub, page, make_user("lea"),
                  "from ipyleaflet import Map, Marker\n"
                  "m = Map(center=(52.204793, 0.121558), zoom=9)\n"
                  "m.add(Marker(location=(52.204793, 0.121558), title='Cambridge'))\n"
                  "m")
    frame = output(page, 1).frame_locator(FRAME)
    expect(frame.locator(".leaflet-container")).to_be_visible(timeout=RUN_TIMEOUT)
    expect(frame.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(frame.get_by_role("button", name="Zoom in")).to_be_visible()


def test_a_bqplot_figure_draws_its_lines(hub: Hub, page: Page, make_user):
    _run_notebook(hub, page, make_user("bea"),
                  "from bqplot import Axis, Figure, LinearScale, Lines\n"
                  "x = LinearScale(); y = LinearScale()\n"
                  "line = Lines(x=[0, 1, 2, 3], y=[1, 3, 2, 4], scales={'x': x, 'y': y})\n"
                  "Figure(marks=[line], axes=[Axis(scale=x), Axis(scale=y, orientation='vertical')], title='Sales by week')")
    frame = output(page, 1).frame_locator(FRAME)
    expect(frame.get_by_text("Sales by week")).to_be_visible(timeout=RUN_TIMEOUT)
    expect(frame.locator("svg path.line")).to_have_count(1)


def test_a_plotly_figurewidget_draws_its_bars(hub: Hub, page: Page, make_user):
    _run_notebook(hub, page, make_user("pia"),
                  "import plotly.graph_objects as go\n"
                  "fig = go.FigureWidget(data=[go.Bar(x=['a', 'b', 'c'], y=[2, 3, 1])], layout=go.Layout(title='Votes'))\n"
                  "fig")
    frame = output(page, 1).frame_locator(FRAME)
    expect(frame.locator(".js-plotly-plot")).to_be_visible(timeout=RUN_TIMEOUT)
    expect(frame.get_by_text("Votes")).to_be_visible()
    expect(frame.locator("g.point")).to_have_count(3)


COUNTER = '''import anywidget, traitlets
class Counter(anywidget.AnyWidget):
    _esm = """
    function render({ model, el }) {
      const button = document.createElement('button');
      const show = () => { button.textContent = `count is ${model.get('value')}`; };
      button.addEventListener('click', () => { model.set('value', model.get('value') + 1); model.save_changes(); });
      model.on('change:value', show);
      show();
      el.append(button);
    }
    export default { render };
    """
    value = traitlets.Int(0).tag(sync=True)
counter = Counter()
counter'''


def test_an_anywidget_counter_syncs_its_value_both_ways(hub: Hub, page: Page, make_user):
    _run_notebook(hub, page, make_user("ana"), COUNTER, "print('kernel has', counter.value)\ncounter.value = 40")
    frame = output(page, 1).frame_locator(FRAME)
    frame.get_by_role("button", name="count is 40").click(timeout=RUN_TIMEOUT)
    frame.get_by_role("button", name="count is 41").click()
    expect(frame.get_by_role("button", name="count is 42")).to_be_visible()
    # Run all set it to 40 once; the clicks count on from there. Then the kernel sees them, and a
    # value set in Python reaches the button.
    expect(output(page, 2)).to_contain_text("kernel has 0", timeout=RUN_TIMEOUT)
    cell(page, 2).get_by_role("button", name="Run cell").click()
    expect(output(page, 2)).to_contain_text("kernel has 42", timeout=RUN_TIMEOUT)
    expect(frame.get_by_role("button", name="count is 40")).to_be_visible()


def test_a_widget_whose_front_end_is_not_installed_says_what_to_install(hub: Hub, page: Page, make_user):
    _run_notebook(hub, page, make_user("mia"),
                  "import ipywidgets, traitlets\n"
                  "class Gauge(ipywidgets.DOMWidget):\n"
                  "    _model_module = traitlets.Unicode('jupyter-gauge').tag(sync=True)\n"
                  "    _model_module_version = traitlets.Unicode('^1.0.0').tag(sync=True)\n"
                  "    _model_name = traitlets.Unicode('GaugeModel').tag(sync=True)\n"
                  "    _view_module = traitlets.Unicode('jupyter-gauge').tag(sync=True)\n"
                  "    _view_module_version = traitlets.Unicode('^1.0.0').tag(sync=True)\n"
                  "    _view_name = traitlets.Unicode('GaugeView').tag(sync=True)\n"
                  "Gauge()")
    frame = output(page, 1).frame_locator(FRAME)
    expect(frame.get_by_text("jupyter-gauge@^1.0.0")).to_be_visible(timeout=RUN_TIMEOUT)
    expect(frame.get_by_text("!pip install jupyter-gauge")).to_be_visible()
