"""Each output frame on an origin of its own, ``f-<token>.<domain>``, as Colab shows each output from
an origin of its own: the hub serves the frame page and its files there and nothing else, frames
only for the hub page that names it, and the page learns where its frames live.

Requests go to the hub with the frame's Host, as a browser resolving ``*.localhost`` sends them.
Each story is what a hostile output (or a page elsewhere) would try.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from nbcloud.hub.app import STATIC_DIR, create_app
from nbcloud.hub.ports.origins import frame_host, frame_origin_template, frame_parent, frame_source
from tests.conftest import PASSWORD

TOKEN = "abcdefghijklmnopqrstuvwxyz"
OTHER = "zyxwvutsrqponmlkjihgfedcba"
FRAME_HOST = f"f-{TOKEN}.localhost:8000"
HUB = "http://127.0.0.1:8000"


@pytest.fixture(scope="module", autouse=True)
def built_frame_page() -> Path:
    page = STATIC_DIR / "output-frame.html"
    if not page.is_file():
        pytest.fail(f"The web app is not built ({page} is missing): run `make web` first.")
    return page


@pytest.fixture
def hub_app(make_settings):
    def make(**settings):
        application = create_app(make_settings(runtime_pool_size=0, **settings))
        made.append(application)
        return application

    made: list = []
    yield make
    for application in made:
        application.state.hub.db.dispose()


def signed_in_client(application) -> TestClient:
    """Alice, the administrator, signed in at the hub's own address."""
    client = TestClient(application, base_url=HUB)
    csrf = client.get("/api/auth/state").json()["csrf_token"]
    client.headers["X-CSRF-Token"] = csrf
    r = client.post("/api/auth/setup", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = client.cookies["nbcloud_csrf"]
    return client


def frame_page(client: TestClient, parent: str = HUB, host: str = FRAME_HOST):
    return client.get("/output-frame.html", params={"parent": parent}, headers={"host": host})


# ----- naming ------------------------------------------------------------------------------------

def test_a_page_on_loopback_or_a_host_name_names_frames_under_it_and_an_ip_hub_keeps_opaque_frames():
    assert frame_origin_template(scheme="http", hub_host="127.0.0.1:8000") == "http://f-{token}.localhost:8000"
    assert frame_origin_template(scheme="http", hub_host="[::1]:8000") == "http://f-{token}.localhost:8000"
    assert frame_origin_template(scheme="https", hub_host="nb.example.org") == "https://f-{token}.nb.example.org"
    assert frame_origin_template(scheme="https", hub_host="nb.example.org", port_domain="*.usercontent.example") == (
        "https://f-{token}.usercontent.example")
    assert frame_origin_template(scheme="http", hub_host="10.1.2.3:8000") is None  # no names: opaque fallback
    assert frame_source(scheme="http", hub_host="localhost:8000") == "http://*.localhost:8000"


def test_only_f_labels_with_a_whole_token_are_frame_hosts():
    assert frame_host(FRAME_HOST) and frame_host(f"F-{TOKEN.upper()}.apps.example.org")
    assert not frame_host("localhost:8000")
    assert not frame_host("f-short.localhost:8000")
    assert not frame_host(f"p-{TOKEN}.localhost:8000")
    assert not frame_host(f"f-{TOKEN}")  # a bare label is nobody's subdomain


@pytest.mark.parametrize("parent", [HUB, "http://localhost:8000", "http://[::1]:8000"])
def test_a_loopback_hub_page_may_be_the_parent_of_a_localhost_frame(parent: str):
    assert frame_parent(parent, FRAME_HOST) == parent


@pytest.mark.parametrize("parent", [
    "http://evil.example", "http://127.0.0.1:9000", "http://localhost:8000/x", "http://localhost:8000?a",
    "javascript:alert(1)", "null", "", f"http://f-{OTHER}.localhost:8000", "http://user@localhost:8000",
    f"http://p-{'a' * 52}.localhost:8000",
])
def test_no_other_page_may_be_a_localhost_frames_parent(parent: str):
    assert frame_parent(parent, FRAME_HOST) is None


def test_with_a_port_domain_another_frame_or_a_port_link_cannot_be_the_parent():
    host = f"f-{TOKEN}.usercontent.example"
    assert frame_parent("https://nb.example.org", host, port_domain="usercontent.example") == "https://nb.example.org"
    assert frame_parent(f"https://f-{OTHER}.usercontent.example", host, port_domain="usercontent.example") is None
    assert frame_parent(f"https://p-{'a' * 52}.usercontent.example", host, port_domain="usercontent.example") is None


# ----- the hub ----------------------------------------------------------------------------------

def test_the_page_learns_where_its_frames_live_and_may_frame_them(hub_app):
    client = TestClient(hub_app(), base_url=HUB)
    assert client.get("/api/output-frames").json() == {"origin": "http://f-{token}.localhost:8000"}
    csp = client.get("/").headers["content-security-policy"]
    assert "frame-src 'self' blob: http://*.localhost:8000;" in csp
    assert "frame-ancestors 'none'" in csp  # the hub's own pages are still nobody's frame


def test_a_hub_reached_by_ip_keeps_opaque_frames_on_its_own_origin(hub_app):
    client = TestClient(hub_app(), base_url="http://10.1.2.3:8000")
    assert client.get("/api/output-frames").json() == {"origin": None}
    fallback = client.get("/output-frame.html")
    assert fallback.status_code == 200
    csp = fallback.headers["content-security-policy"]
    assert csp.startswith("sandbox allow-scripts") and "allow-same-origin" not in csp


def test_the_frame_page_on_its_own_origin_is_sandboxed_and_framed_by_the_hub_page_alone(hub_app):
    r = frame_page(TestClient(hub_app(), base_url=HUB))
    assert r.status_code == 200, r.text
    assert "<div id=\"output-area\">" in r.text
    csp = r.headers["content-security-policy"]
    sandbox = csp.split(";")[0].split()
    assert sandbox[0] == "sandbox" and "allow-same-origin" in sandbox and "allow-scripts" in sandbox
    assert not any(flag.startswith("allow-top-navigation") for flag in sandbox)
    assert f"frame-ancestors {HUB};" in csp
    assert "form-action 'none'" in csp
    assert "x-frame-options" not in r.headers  # the CSP's frame-ancestors says who frames it
    assert "set-cookie" not in r.headers


def test_a_page_elsewhere_cannot_name_itself_the_frames_parent(hub_app):
    client = TestClient(hub_app(), base_url=HUB)
    for parent in ("http://evil.example", f"http://f-{OTHER}.localhost:8000", ""):
        r = frame_page(client, parent)
        assert r.status_code == 400, parent
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_a_frames_origin_serves_none_of_the_hub_even_with_the_persons_cookies(hub_app):
    application = hub_app()
    alice = signed_in_client(application)
    assert alice.get("/api/drive/usage").status_code == 200  # signed in on the hub's own host
    cookies = "; ".join(f"{k}={v}" for k, v in alice.cookies.items())
    for path in ("/api/auth/state", "/api/drive/usage", "/api/output-frames", "/", "/notebook/1", "/index.html",
                 "/widget-bundles/x/y", "/assets/../index.html", "/assets/%2e%2e/index.html"):
        r = alice.get(path, headers={"host": FRAME_HOST, "cookie": cookies})
        assert r.status_code == 404, (path, r.status_code, r.text[:200])
        assert "alice" not in r.text
        assert "set-cookie" not in r.headers
    r = alice.post("/api/auth/logout", headers={"host": FRAME_HOST, "cookie": cookies})
    assert r.status_code == 405
    assert alice.get("/api/drive/usage").status_code == 200  # still signed in: nothing reached the hub


def test_a_frames_origin_serves_the_frames_own_files(hub_app):
    client = TestClient(hub_app(), base_url=HUB)
    page = frame_page(client).text
    script = page.split('src="', 1)[1].split('"', 1)[0]
    assert script.startswith("/assets/")
    r = client.get(script, headers={"host": FRAME_HOST})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")


def test_a_frames_origin_opens_no_socket(hub_app):
    client = TestClient(hub_app(), base_url=HUB)
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/api/events", headers={"host": FRAME_HOST}):
        pass


def test_the_hubs_cookies_are_host_only_and_lax_so_no_frame_origin_gets_them(hub_app):
    client = TestClient(hub_app(), base_url=HUB)
    client.get("/api/auth/state")
    r = client.post("/api/auth/setup", json={"username": "alice", "password": PASSWORD},
                    headers={"X-CSRF-Token": client.cookies["nbcloud_csrf"]})
    assert r.status_code == 200
    set_cookies = r.headers.get_list("set-cookie")
    assert set_cookies
    for header in set_cookies:
        attributes = [part.strip().lower() for part in header.split(";")[1:]]
        assert not any(a.startswith("domain") for a in attributes), header
        assert "samesite=lax" in attributes, header
