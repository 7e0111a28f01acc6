"""Each port link has an origin of its own, as in Colab: ``http://p-<token>.localhost:<port>/`` for a
hub reached at 127.0.0.1 or localhost, ``p-<token>.<port_domain>`` where the admin set one.

A real hub with real sandboxed kernels. Requests go to the hub's address with the link's Host (as a
browser resolving ``*.localhost`` sends them; this machine's resolver may not know that name), and
each story is an attack: the hub's routes on a link's host, the hub's cookies and API token sent to
it, cookies planted for the hub's host, another person's link, a forged or expired one.
"""

from __future__ import annotations

import json
import re
import socket
from urllib.parse import urlsplit

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as ws_connect
from websockets.typing import Origin

from nbcloud.hub.ports.links import new_token
from nbcloud.hub.ports.origins import AppHost, app_host, link_origin
from nbcloud.hub.ports.proxy import host_only_cookie, without_hub_cookies
from tests.live_hub import (
    SANDBOXED,
    BrowserLike,
    live_hub,
    live_person,
)
from tests.port_servers import echo_servers, free_ports, http_server, start_servers, when_listening

LINK = re.compile(r"^http://p-([a-z2-7]{52})\.localhost:(\d+)/$")

# A site that uses absolute paths everywhere, as TensorBoard, Streamlit and Gradio do.
SITE = {
    "index.html": '<!doctype html><h1>Absolute app</h1><script src="/static/app.js"></script>'
                  '<a href="/static/page.html">page</a>',
    "static/app.js": "fetch('/data.json').then((r) => r.json());",
    "static/page.html": "<p>a page under /static</p>",
    "data.json": '{"answer": 42}',
}


live = live_hub("port-origins", **SANDBOXED)


alice = live_person("alice")
bob = live_person("bob")


@pytest.fixture(scope="module")
def ports() -> dict[str, int]:
    names = ["site", "echo", "ws", "shared"]
    return dict(zip(names, free_ports(len(names)), strict=True))


@pytest.fixture(scope="module")
def alices(alice: BrowserLike, ports) -> str:
    files = "\n".join(
        f"os.makedirs(os.path.dirname('site/{name}') or 'site', exist_ok=True); open('site/{name}', 'w').write({text!r})"
        for name, text in SITE.items())
    return start_servers(
        alice, "apps.ipynb",
        "import os",
        files,
        http_server(ports["site"], "site"),
        f"!cd site && echo alice > whose.txt && python -m http.server {ports['shared']} --bind 127.0.0.1 &>/dev/null &",
        echo_servers(ports["echo"], ports["ws"]),
        when_listening(*ports.values()),
    )


@pytest.fixture(scope="module")
def bobs(bob: BrowserLike, ports) -> str:
    return start_servers(
        bob, "bobs-app.ipynb",
        "!mkdir -p b && echo bob > b/whose.txt",
        http_server(ports["shared"], "b"),
        when_listening(ports["shared"]),
    )


class App:
    """A link's origin, reached as a browser would: the hub's address, the link's Host."""

    def __init__(self, live, url: str, client: httpx.Client | None = None) -> None:
        match = LINK.match(url)
        assert match, f"not a link on an origin of its own: {url}"
        self.url, self.token = url, match.group(1)
        assert int(match.group(2)) == live.port
        self.host = urlsplit(url).netloc
        self.live = live
        self.client = client or httpx.Client()

    def request(self, method: str, path: str, **kw) -> httpx.Response:
        headers = {"Host": self.host, **(kw.pop("headers", None) or {})}
        return self.client.request(method, f"{self.live.origin}{path}", headers=headers, **kw)

    def get(self, path: str, **kw) -> httpx.Response:
        return self.request("GET", path, **kw)

    def websocket(self, path: str, **kw):
        sock = socket.create_connection(("127.0.0.1", self.live.port), timeout=10)
        return ws_connect(f"ws://{self.host}{path}", sock=sock, **kw)


def link(client: BrowserLike, item_id: str, port: int) -> httpx.Response:
    return client.post(f"/api/notebooks/{item_id}/ports", json={"port": port})


def app_of(live, client: BrowserLike, item_id: str, port: int, as_client: httpx.Client | None = None) -> App:
    r = link(client, item_id, port)
    assert r.status_code == 201, r.text
    return App(live, r.json()["url"], as_client)


def test_an_app_on_its_own_origin_serves_its_absolute_paths(live, alice: BrowserLike, alices: str, ports):
    app = app_of(live, alice, alices, ports["site"])
    page = app.get("/")
    assert page.status_code == 200 and "<h1>Absolute app</h1>" in page.text
    assert app.get("/static/app.js").text == SITE["static/app.js"]
    assert app.get("/data.json").json() == {"answer": 42}
    assert app.get("/static/page.html").text == SITE["static/page.html"]
    # Its own origin, not sandboxed; nothing it links to learns the origin (it holds the token).
    assert "content-security-policy" not in page.headers
    assert page.headers["referrer-policy"] == "same-origin"
    # The link is the capability: a client without any cookie of the hub reaches it too.
    assert App(live, app.url).get("/data.json").json() == {"answer": 42}


def test_the_hubs_own_routes_are_never_served_on_a_links_host(live, alice: BrowserLike, alices: str, ports):
    app = app_of(live, alice, alices, ports["site"], as_client=alice)
    # Alice's browser, her session cookie and CSRF token sent along: still the app's server answers.
    state = app.get("/api/auth/state")
    assert state.status_code == 404 and "alice" not in state.text
    assert "Error response" in state.text  # python -m http.server's own page
    minted = app.request("POST", f"/api/notebooks/{alices}/ports", json={"port": ports["site"]})
    assert minted.status_code == 501 and "nbcloud" not in minted.text  # http.server has no POST
    assert app.get("/signin").status_code == 404
    assert app.get("/api/runtimes/proxy/x/").status_code == 404
    # A name shaped like a link's that is none gets the proxy's page, never the hub's app.
    forged = App(live, f"http://p-{new_token()}.localhost:{live.port}/", alice)
    page = forged.get("/")
    assert page.status_code == 404 and "This link does not exist" in page.text
    assert forged.get("/api/auth/state").status_code == 404
    assert "alice" not in forged.get("/api/auth/state").text


def test_the_hubs_cookies_and_token_never_reach_the_app_but_its_own_cookies_do(live, alice: BrowserLike,
                                                                                alices: str, ports):
    app = app_of(live, alice, alices, ports["echo"])
    session, csrf = alice.cookies["nbcloud_session"], alice.cookies["nbcloud_csrf"]
    r = app.get("/headers?a=b", headers={
        # Should a browser ever send the hub's cookies here, they are filtered out; the app's stay.
        "Cookie": f"nbcloud_session={session}; app_pref=dark; nbcloud_csrf={csrf}",
        "Authorization": "Bearer nbc_secret", "X-CSRF-Token": csrf,
        "Referer": f"{app.url}settings?tab=1", "X-Forwarded-Prefix": "/elsewhere",
    })
    assert r.status_code == 200, r.text
    seen = json.loads(r.text)
    headers = dict(seen["headers"])
    assert seen["path"] == "/headers?a=b"
    assert headers["cookie"] == "app_pref=dark"
    assert session not in r.text and csrf not in r.text
    assert "authorization" not in headers and "x-csrf-token" not in headers
    assert headers["host"] == f"127.0.0.1:{ports['echo']}"
    # Its own pages' Referer, as the server would see it; the link's name is forwarded, no prefix.
    assert headers["referer"] == f"http://127.0.0.1:{ports['echo']}/settings?tab=1"
    assert headers["x-forwarded-host"] == app.host
    assert "x-forwarded-prefix" not in headers
    # A Referer from another origin (the hub's page, say) is not passed on.
    r = app.get("/x", headers={"Referer": f"{live.origin}/notebooks/{alices}"})
    assert "referer" not in dict(json.loads(r.text)["headers"])
    # The app keeps cookies on its own host only: a Domain attribute (which would reach the hub's
    # host, localhost) is dropped, and it cannot clear the hub's data or pin HSTS.
    cookies = r.headers.get_list("set-cookie")
    assert cookies == ["nbcloud_session=planted; Path=/", "app_pref=dark; Path=/; SameSite=Lax"]
    assert "clear-site-data" not in r.headers and "strict-transport-security" not in r.headers
    assert alice.get("/api/auth/state").json()["user"]["username"] == "alice"


def test_websockets_reach_the_app_on_its_own_origin(live, alice: BrowserLike, alices: str, ports):
    app = app_of(live, alice, alices, ports["ws"])
    with app.websocket("/socket", origin=Origin(app.url.rstrip("/"))) as ws:
        ws.send("hi")
        assert ws.recv(timeout=10) == "echo:hi"
        ws.send(b"\x01\x02\x03")
        assert ws.recv(timeout=10) == b"\x03\x02\x01"


def test_bob_cannot_make_or_use_a_link_into_alices_runtime(live, alice: BrowserLike, alices: str, bob: BrowserLike,
                                                            bobs: str, ports):
    # Bob cannot mint a link to Alice's notebook.
    r = link(bob, alices, ports["shared"])
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    # Both serve the same port number: each link reaches its own runtime's server only.
    assert app_of(live, alice, alices, ports["shared"]).get("/whose.txt").text == "alice\n"
    bobs_app = app_of(live, bob, bobs, ports["shared"], as_client=bob)
    assert bobs_app.get("/whose.txt").text == "bob\n"


def test_an_expired_link_and_a_forged_one_fail_with_a_clear_page(live, alice: BrowserLike, alices: str, ports):
    app = app_of(live, alice, alices, ports["site"])
    assert app.get("/data.json").status_code == 200
    live.hub.ports.expire(app.token)
    r = app.get("/data.json")
    assert r.status_code == 403 and "expired" in r.text and "42" not in r.text
    with pytest.raises(InvalidStatus), app.websocket("/socket"):
        pass
    flipped = app.token[:-1] + ("a" if app.token[-1] != "a" else "b")
    r = App(live, f"http://p-{flipped}.localhost:{live.port}/").get("/data.json")
    assert r.status_code == 404 and "does not exist" in r.text
    # Upper case (browsers lower-case host names anyway) names the same link, expired here too.
    r = httpx.get(f"{live.origin}/data.json", headers={"Host": app.host.upper()})
    assert r.status_code == 403


def test_where_a_links_origin_is():
    token = new_token()
    assert re.fullmatch(r"[a-z2-7]{52}", token)
    assert link_origin(token, scheme="http", hub_host="127.0.0.1:8000") == f"http://p-{token}.localhost:8000"
    assert link_origin(token, scheme="http", hub_host="localhost:8000") == f"http://p-{token}.localhost:8000"
    assert link_origin(token, scheme="http", hub_host="[::1]:8000") == f"http://p-{token}.localhost:8000"
    assert link_origin(token, scheme="https", hub_host="hub.example.org") == f"https://p-{token}.hub.example.org"
    # No subdomains of an IP address: the hub falls back to a path on its own origin.
    assert link_origin(token, scheme="http", hub_host="10.0.0.5:8000") is None
    # An admin's wildcard domain, behind the same TLS front as the hub.
    assert (link_origin(token, scheme="https", hub_host="10.0.0.5", port_domain="*.apps.example.org")
            == f"https://p-{token}.apps.example.org")
    assert (link_origin(token, scheme="http", hub_host="hub:8000", port_domain="apps.example.org")
            == f"http://p-{token}.apps.example.org:8000")
    assert app_host(f"p-{token}.localhost:8000") == AppHost(token)
    assert app_host(f"P-{token.upper()}.LOCALHOST.") == AppHost(token)
    assert app_host(f"p-{token}.apps.example.org", "apps.example.org") == AppHost(token)
    assert app_host("p-typo.apps.example.org", "apps.example.org") == AppHost(None)
    for hub in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "p-hub.example.org", "hub.example.org",
                f"p-{token}", "apps.example.org"):
        assert app_host(hub, "apps.example.org") is None, hub
    assert without_hub_cookies(b"a=1; nbcloud_session=s; nbcloud_csrf=c;b=2") == b"a=1; b=2"
    assert host_only_cookie(b"x=1; Domain=.localhost; Path=/; domain=localhost") == b"x=1; Path=/"
