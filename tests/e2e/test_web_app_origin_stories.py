"""A web app in the runtime on an origin of its own, in a real browser, with the hub opened at
``http://localhost:<port>``: the app's origin, ``p-<token>.localhost:<port>``, is a subdomain of the
hub's host, the closest an app gets to the hub. Its absolute paths work, and from its own origin
it tries what a hostile app would: read the hub's cookies, plant one for the hub's host, call the
hub's API and open the hub's sockets with the person's cookies.
"""

from __future__ import annotations

import re
import socket
import textwrap

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import PASSWORD
from tests.e2e.helpers import Hub
from tests.e2e.test_colab_stories import FRAME, RUN_TIMEOUT, run
from tests.e2e.test_notebook_stories import cell, notebook_json, output, upload_notebook

pytestmark = pytest.mark.e2e

# An app that only uses absolute paths (as TensorBoard, Streamlit and Gradio do).
SITE = {
    "index.html": '<!doctype html><title>Absolute app</title><h1>Absolute app</h1><p id="script"></p>'
                  '<p id="data"></p><script src="/static/app.js"></script>',
    "static/app.js": "document.getElementById('script').textContent = 'script from /static ran';\n"
                     "fetch('/api/data.json').then((r) => r.json())"
                     ".then((j) => { document.getElementById('data').textContent = 'data ' + j.answer; });",
    "api/data.json": '{"answer": 42}',
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_site(port: int) -> str:
    files = "".join(
        f"os.makedirs(os.path.dirname('site/{name}') or 'site', exist_ok=True); open('site/{name}', 'w').write({text!r})\n"
        for name, text in SITE.items())
    return (
        "import os, socket, time\n" + files
        + f"!cd site && python -m http.server {port} --bind 127.0.0.1 &>/dev/null &\n"
        + textwrap.dedent(f"""\
            for _ in range(300):
                try:
                    socket.create_connection(('127.0.0.1', {port}), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            """)
    )


def open_on_localhost(page: Page, hub: Hub, username: str, source: str) -> str:
    """Signs in at http://localhost:<port> and opens a one-cell notebook there; returns that origin."""
    item_id = upload_notebook(hub, username, "app.ipynb", notebook_json(("code", source)))
    local = hub.url.replace("127.0.0.1", "localhost")
    page.goto(f"{local}/signin")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Breadcrumbs")).to_contain_text("My Drive")
    page.goto(f"{local}/notebook/{item_id}")
    expect(cell(page, 1)).to_be_visible()
    return local


ATTACKS = """async (hub) => {
  const seen = {cookies: document.cookie};
  // Plant a CSRF cookie and a session for the hub's host (a parent domain of this one).
  for (const name of ['nbcloud_csrf', 'nbcloud_session']) {
    document.cookie = name + '=planted; domain=localhost; path=/';
  }
  try {
    const r = await fetch(hub + '/api/auth/state', {credentials: 'include'});
    seen.api = 'read ' + (await r.text());
  } catch (e) { seen.api = 'blocked ' + e.name; }
  seen.socket = await new Promise((resolve) => {
    const ws = new WebSocket(hub.replace('http', 'ws') + '/api/documents/x/ws');
    ws.onopen = () => resolve('open');
    ws.onclose = (e) => resolve('closed ' + e.code);
  });
  return seen;
}"""


def test_an_app_with_absolute_paths_runs_on_its_own_origin_and_cannot_act_as_the_hub(
        hub: Hub, page: Page, context: BrowserContext, make_user):
    port = free_port()
    local = open_on_localhost(
        page, hub, make_user("apps"),
        serve_site(port) + "from google.colab import output\n"
        f"output.serve_kernel_port_as_iframe({port}, height=200)\n"
        f"print('link', output.eval_js('google.colab.kernel.proxyPort({port})'))",
    )
    run(page, 1)
    hub_port = hub.url.rsplit(":", 1)[1]
    # In the output: absolute paths resolve against the app's origin, not the hub's.
    site = cell(page, 1).frame_locator(FRAME).frame_locator(f'iframe[title="Port {port}"]')
    expect(site.get_by_role("heading")).to_have_text("Absolute app", timeout=RUN_TIMEOUT)
    expect(site.locator("#script")).to_have_text("script from /static ran")
    expect(site.locator("#data")).to_have_text("data 42")
    expect(output(page, 1)).to_contain_text("link http://p-", timeout=RUN_TIMEOUT)
    found = re.search(r"link (http://p-[a-z2-7]{52}\.localhost:\d+/)", output(page, 1).inner_text())
    assert found, "the cell printed no port link"
    url = found.group(1)
    assert url.endswith(f".localhost:{hub_port}/")
    hub_cookies = {c["name"]: c["value"] for c in context.cookies(local)}
    assert "nbcloud_session" in hub_cookies

    # The same link opened as a page of its own (pasted into the address bar): its own origin.
    app = context.new_page()
    app.goto(url)
    expect(app.get_by_role("heading")).to_have_text("Absolute app")
    expect(app.locator("#data")).to_have_text("data 42")
    assert app.evaluate("() => window.origin") == url.rstrip("/")
    seen = app.evaluate(ATTACKS, local)
    assert seen["cookies"] == ""  # the hub's cookies are host-only on localhost
    assert seen["api"] == "blocked TypeError"  # no CORS for it: the answer stays unreadable
    assert seen["socket"] != "open"  # the hub refuses a socket from another origin
    # Nothing it planted reaches the hub's host, and the notebook still works as its person.
    assert {c["name"]: c["value"] for c in context.cookies(local)} == hub_cookies
    assert app.evaluate("async (hub) => (await fetch('/api/auth/state')).status", local) == 404  # the app's own
    app.close()
    me = page.evaluate("async () => (await (await fetch('/api/auth/state')).json()).user.username")
    assert me.startswith("apps")
