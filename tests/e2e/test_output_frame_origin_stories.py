"""Each output frame on an origin of its own (``f-<token>.localhost:<port>``), in a real browser: what a
hostile output tries from there. It is a real origin now (so Colab's camera snippet works), so the
stories check that it is nobody's: not the hub's cookies, not the hub's API as the person, not
another output's storage, not the page, not the hub's sockets, and its host serves only the frame.
"""

from __future__ import annotations

import json
import re
from contextlib import closing

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub
from tests.e2e.test_colab_stories import FRAME, RUN_TIMEOUT, open_code_notebook, run
from tests.e2e.test_notebook_stories import cell, notebook_json, upload_notebook

pytestmark = pytest.mark.e2e

FRAME_SRC = re.compile(r"^(http://f-[a-z2-7]{26}\.localhost:\d+)/output-frame\.html\?parent=")

# Everything a hostile output would try against the person who opened the notebook. The hub's
# address is the frame's parent (what a script learns from its own URL or document.baseURI).
HOSTILE = """<pre id="report">pending</pre><script>
(async () => {
  const hub = new URLSearchParams(location.search).get('parent');
  const report = {hub_known: !!hub, origin: location.origin};
  const attempt = async (name, action) => {
    try { report[name] = 'got: ' + String(await action()); } catch (error) { report[name] = 'threw ' + error.name; }
  };
  await attempt('cookie', () => document.cookie);
  await attempt('parent_dom', () => window.parent.document.title);
  await attempt('parent_script', () => { window.parent.eval('1'); return 'ran'; });
  await attempt('navigate_top', () => { top.location.href = hub + '/trash'; return 'asked'; });
  await attempt('api_read', () => fetch(hub + '/api/drive/list', {credentials: 'include'}).then((r) => r.status + ' ' + r.statusText));
  // A write the page's session could make, sent blind: the cookie does not go, nor the CSRF token.
  await attempt('api_write', () => fetch(hub + '/api/secrets', {method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: {'content-type': 'text/plain'}, body: JSON.stringify({name: 'PLANTED', value: 'by the output'})}).then((r) => r.type));
  report.socket = await new Promise((resolve) => {
    const ws = new WebSocket(hub.replace(/^http/, 'ws') + '/api/notebooks/NOTEBOOK/events');
    ws.onopen = () => resolve('open');
    ws.onclose = () => resolve('refused');
  });
  await attempt('storage', () => { localStorage.setItem('secret', 'the hostile output'); return localStorage.getItem('secret'); });
  document.getElementById('report').textContent = JSON.stringify(report);
})();
</script>"""

# Storage of its own, where the browser gives a frame of another site any (Chromium partitions it by
# the top-level site, or refuses it where third-party storage is blocked): never another output's.
WRITER = """<p id="w">pending</p><script>
try { localStorage.setItem('secret', 'output one wrote this'); document.getElementById('w').textContent = 'wrote ' + localStorage.getItem('secret'); }
catch (error) { document.getElementById('w').textContent = 'storage refused ' + error.name; }</script>"""

READER = """<p id="r">pending</p><script>
try { document.getElementById('r').textContent = 'read ' + JSON.stringify(localStorage.getItem('secret')); }
catch (error) { document.getElementById('r').textContent = 'storage refused ' + error.name; }</script>"""


def html_cell(markup: str) -> str:
    return f"from IPython.display import HTML, display\ndisplay(HTML({markup!r}))"


def test_a_hostile_output_on_its_own_origin_gets_nothing_of_the_hub_or_the_page(hub: Hub, page: Page, make_user):
    username = make_user("target")
    notebook = upload_notebook(hub, username, "other.ipynb", notebook_json(("code", "1")))
    open_code_notebook(page, hub, username, html_cell(HOSTILE.replace("NOTEBOOK", notebook)))
    url = page.url
    page.evaluate("() => { document.cookie = 'page_marker=1; path=/'; }")  # a script-readable cookie of the hub
    run(page, 1)
    frame = cell(page, 1).locator(FRAME)
    expect(frame).to_have_attribute("src", FRAME_SRC, timeout=RUN_TIMEOUT)
    report_text = cell(page, 1).frame_locator(FRAME).locator("#report")
    expect(report_text).not_to_have_text("pending", timeout=RUN_TIMEOUT)
    report = json.loads(report_text.inner_text())

    assert report["hub_known"], report
    assert report["origin"] == FRAME_SRC.match(frame.get_attribute("src") or "").group(1)  # type: ignore[union-attr]
    assert report["cookie"] == "got: ", report  # none of the hub's (nbcloud_csrf and page_marker are readable there)
    assert report["parent_dom"] == "threw SecurityError", report
    assert report["parent_script"] == "threw SecurityError", report
    assert report["navigate_top"].startswith("threw"), report  # never allow-top-navigation
    assert report["api_read"] == "threw TypeError", report  # no CORS for another origin
    assert report["socket"] == "refused", report
    assert report["storage"] in ("got: the hostile output", "threw SecurityError"), report
    # The blind write reached nobody's account: the person has no such secret.
    with closing(hub.signed_in(username)) as client:
        assert "PLANTED" not in client.get("/api/secrets").text
    # The page is where it was, still signed in, and its storage is its own.
    assert page.url == url
    assert page.evaluate("() => fetch('/api/drive/list').then((r) => r.status)") == 200
    assert page.evaluate("() => localStorage.getItem('secret')") is None


def test_an_output_cannot_read_what_another_output_stored(hub: Hub, page: Page, make_user):
    open_code_notebook(page, hub, make_user("store"), html_cell(WRITER), html_cell(READER))
    run(page, 1)
    wrote = cell(page, 1).frame_locator(FRAME).locator("#w")
    expect(wrote).not_to_have_text("pending", timeout=RUN_TIMEOUT)
    run(page, 2)
    read = cell(page, 2).frame_locator(FRAME).locator("#r")
    expect(read).not_to_have_text("pending", timeout=RUN_TIMEOUT)
    print("storage in output frames:", wrote.inner_text(), "/", read.inner_text())
    assert read.inner_text() in ("read null", "storage refused SecurityError")
    assert wrote.inner_text() in ("wrote output one wrote this", "storage refused SecurityError")
    first = cell(page, 1).locator(FRAME).get_attribute("src") or ""
    second = cell(page, 2).locator(FRAME).get_attribute("src") or ""
    assert FRAME_SRC.match(first) and FRAME_SRC.match(second)
    assert FRAME_SRC.match(first).group(1) != FRAME_SRC.match(second).group(1)  # type: ignore[union-attr]


def test_a_frames_host_serves_only_the_frame_page(hub: Hub, page: Page, make_user):
    open_code_notebook(page, hub, make_user("host"), html_cell("<b>hi</b>"))
    run(page, 1)
    frame = cell(page, 1).locator(FRAME)
    expect(frame).to_have_attribute("src", FRAME_SRC, timeout=RUN_TIMEOUT)
    origin = FRAME_SRC.match(frame.get_attribute("src") or "").group(1)  # type: ignore[union-attr]
    visitor = page.context.new_page()  # the browser resolves *.localhost itself
    try:
        for path in ("/", "/api/auth/state", "/api/drive/list", "/notebook/1", "/output-frame.html"):
            response = visitor.goto(origin + path)
            assert response is not None and response.status in (400, 404), (path, response and response.status)
            assert "nbcloud_session" not in (response.headers.get("set-cookie") or "")
        # Opened on its own, with the hub named as parent, it is still sandboxed by its own CSP.
        response = visitor.goto(frame.get_attribute("src") or "")
        assert response is not None and response.status == 200
        assert response.headers["content-security-policy"].startswith("sandbox ")
        # Nobody it trusts frames it: it renders nothing and tells no one anything.
        assert visitor.evaluate("() => window.parent === window")
    finally:
        visitor.close()
