"""A web server started in the runtime, shown in the notebook: `serve_kernel_port_as_iframe`
embeds it in the output, `serve_kernel_port_as_window` links to it in a new tab, and
`google.colab.kernel.proxyPort` gives its URL. The page reaches it through the hub with a
short-lived link on an origin of its own (``p-<token>.localhost:<port>``): the server's pages never
see the hub's cookies.
"""

from __future__ import annotations

import re
import socket
import textwrap

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.helpers import Hub
from tests.e2e.test_colab_stories import FRAME, RUN_TIMEOUT, open_code_notebook, run
from tests.e2e.test_notebook_stories import cell, output

pytestmark = pytest.mark.e2e

# A tiny site: what the request carried (rendered by the server), what the page's script may read,
# a relative script, a module script, a JSON fetch, and a form that posts to a relative URL.
SERVER = textwrap.dedent('''
    import json, sys
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs

    PAGE = """<!doctype html><title>Tiny server</title><h1>Hello from the runtime's server</h1>
    <p id="server-saw">cookie header: %s</p>
    <p id="cookie"></p><p id="relative"></p>
    <form method="post" action="submit"><input name="name" aria-label="Name"><button>Send</button></form>
    <script>
    try { document.getElementById('cookie').textContent = 'cookie: [' + document.cookie + ']'; }
    catch (e) { document.getElementById('cookie').textContent = 'cookie blocked: ' + e.name; }
    </script>
    <script src="app.js"></script>
    <p id="module"></p><p id="fetched"></p>
    <script type="module">import { mark } from './mod.js'; mark();</script>
    <script>
    fetch('api/add', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-App': 'tiny'},
                      body: JSON.stringify({a: 41})})
      .then((r) => r.json())
      .then((j) => { document.getElementById('fetched').textContent = 'fetched ' + j.a; })
      .catch((e) => { document.getElementById('fetched').textContent = 'fetch failed: ' + e; });
    </script>"""

    class Site(BaseHTTPRequestHandler):
        def send_text(self, text, kind="text/html"):
            data = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", kind + "; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.startswith("/mod.js"):
                return self.send_text("export function mark() { document.getElementById('module').textContent = "
                                      "'module ran'; }", "text/javascript")
            if self.path.startswith("/app.js"):
                return self.send_text("document.getElementById('relative').textContent = 'relative script ran';",
                                      "text/javascript")
            self.send_text(PAGE % ("present" if self.headers.get("Cookie") else "none"))

        def do_POST(self):
            size = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(size).decode()
            if self.path.startswith("/api/add"):
                return self.send_text(json.dumps({"a": json.loads(body)["a"] + 1}), "application/json")
            name = parse_qs(body).get("name", [""])[0]
            self.send_text('<p id="posted">form received: %s, cookie header: %s</p>'
                           % (name, "present" if self.headers.get("Cookie") else "none"))

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Site).serve_forever()
''')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> str:
    return (
        f"open('server.py', 'w').write({SERVER!r})\n"
        f"!python server.py {port} &>/dev/null &\n"
        "import socket, time\n"
        "for _ in range(300):\n"
        "    try:\n"
        f"        socket.create_connection(('127.0.0.1', {port}), timeout=1).close()\n"
        "        break\n"
        "    except OSError:\n"
        "        time.sleep(0.05)\n"
    )


def cookie_of(target) -> str:
    return target.evaluate("() => { try { return 'cookie: [' + document.cookie + ']'; } catch (e) { return 'blocked: ' + e.name; } }")


def test_a_server_in_the_runtime_shows_in_the_output_and_cannot_read_the_hub_cookie(hub: Hub, page: Page, make_user):
    port = free_port()
    open_code_notebook(
        page, hub, make_user("web"),
        start_server(port) + "from google.colab import output\n"
        f"output.serve_kernel_port_as_iframe({port}, height=320)",
    )
    run(page, 1)
    site = cell(page, 1).frame_locator(FRAME).frame_locator(f'iframe[title="Port {port}"]')
    expect(site.get_by_role("heading")).to_have_text("Hello from the runtime's server", timeout=RUN_TIMEOUT)
    # The request reached the server without the hub's cookies, and the page cannot read any: in
    # the output frame (sandboxed, on an origin of its own) it is sandboxed too, on the link's origin.
    expect(site.locator("#server-saw")).to_have_text("cookie header: none")
    expect(site.locator("#cookie")).to_have_text(re.compile(r"^(cookie: \[\]|cookie blocked: SecurityError)$"))
    # Relative URLs resolve under the link, and forms post through it.
    expect(site.locator("#relative")).to_have_text("relative script ran")
    # Its own requests are cross-origin (the frame's origin is opaque): module scripts and a
    # preflighted fetch work because the proxy speaks CORS for them.
    expect(site.locator("#module")).to_have_text("module ran")
    expect(site.locator("#fetched")).to_have_text("fetched 42")
    site.get_by_label("Name").fill("Ada")
    site.get_by_role("button", name="Send").click()
    expect(site.locator("#posted")).to_have_text("form received: Ada, cookie header: none")

    # The frame is at the link's own origin, not the hub's, and sandboxed like its output frame.
    hub_port = hub.url.rsplit(":", 1)[1]
    frame_element = cell(page, 1).frame_locator(FRAME).locator(f'iframe[title="Port {port}"]')
    expect(frame_element).to_have_attribute("src", re.compile(rf"^http://p-[a-z2-7]{{52}}\.localhost:{hub_port}/$"))
    inner = next(f for f in page.frames if "//p-" in f.url)
    assert inner.evaluate("() => window.origin") in ("null", re.sub(r"^(https?://[^/]+).*$", r"\1", inner.url))
    assert cookie_of(inner) in ("cookie: []", "blocked: SecurityError")
    # The notebook page itself still has its session.
    assert any(c["name"] == "nbcloud_session" for c in page.context.cookies())


def test_a_server_opens_in_a_new_tab_and_proxy_port_gives_its_url(hub: Hub, page: Page, context: BrowserContext,
                                                                   make_user):
    port = free_port()
    open_code_notebook(
        page, hub, make_user("tab"),
        start_server(port) + "from google.colab import output\n"
        f"output.serve_kernel_port_as_window({port}, anchor_text='Open my server')\n"
        f"print('proxied at', output.eval_js('google.colab.kernel.proxyPort({port})'))",
    )
    run(page, 1)
    hub_port = hub.url.rsplit(":", 1)[1]
    expect(output(page, 1)).to_contain_text(re.compile(rf"proxied at http://p-[a-z2-7]{{52}}\.localhost:{hub_port}/"),
                                            timeout=RUN_TIMEOUT)
    anchor = cell(page, 1).frame_locator(FRAME).get_by_role("link", name="Open my server")
    with context.expect_page() as opened:
        anchor.click()
    tab = opened.value
    expect(tab.get_by_role("heading")).to_have_text("Hello from the runtime's server")
    assert re.match(rf"^http://p-[a-z2-7]{{52}}\.localhost:{hub_port}/$", tab.url), tab.url
    # A page of its own origin: the browser has no cookie of the hub to send it, nor to show it.
    # (Opened from a sandboxed output frame, it stays sandboxed unless output frames let popups
    # escape their sandbox: then its origin is the link's own.)
    expect(tab.locator("#server-saw")).to_have_text("cookie header: none")
    expect(tab.locator("#cookie")).to_have_text(re.compile(r"^(cookie: \[\]|cookie blocked: SecurityError)$"))
    assert tab.evaluate("() => window.origin") in ("null", tab.url.rstrip("/"))
    tab.close()
