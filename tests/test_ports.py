"""Web servers in runtimes, reached through the hub (serve_kernel_port_as_iframe/_window,
google.colab.kernel.proxyPort): capability links bound to (user, runtime, port), a reverse proxy
that only reaches this runtime's own servers, and responses that cannot act as the hub.

A real hub with real sandboxed kernels. Each runtime has a loopback of its own (runtimes.network):
the hub reaches into it, and another person's server on the same port number is never reached.
The ports are picked free by the test anyway, so the stories also hold where runtimes share the
host's loopback.

These are the stories of the fallback: a hub reached by an IP address other than loopback, with no
``port_domain``, has no origin to give a link, so links stay under ``/api/runtimes/proxy/<token>/``
on the hub, sandboxed. (Links on their own origin: tests/test_port_origins.py.)
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from websockets.exceptions import InvalidHandshake
from websockets.sync.client import connect as ws_connect
from websockets.typing import Origin

from nbcloud.hub.ports.proxy import rewrite_location
from nbcloud.hub.runtimes.listeners import _address
from tests.live_hub import (
    SANDBOXED,
    BrowserLike,
    live_hub,
    live_person,
    notebook_with,
    outputs_after_run,
    run,
    text_of,
)
from tests.port_servers import echo_servers, free_ports, http_server, start_servers, when_listening

SANDBOX = "sandbox allow-scripts allow-forms allow-popups"

live = live_hub("ports", **SANDBOXED)


alice = live_person("alice")
bob = live_person("bob")


@pytest.fixture(scope="module")
def ports() -> dict[str, int]:
    names = ["static", "echo", "ws", "bobs", "later", "unused"]
    return dict(zip(names, free_ports(len(names)), strict=True))


@pytest.fixture(scope="module")
def alices(alice: BrowserLike, ports) -> str:
    """Alice's notebook: `python -m http.server` started with `!... &`, an echo server and a
    WebSocket echo server started with subprocess.Popen."""
    return start_servers(
        alice, "servers.ipynb",
        "import os",
        "os.makedirs('site/sub', exist_ok=True)",
        "open('site/index.html', 'w').write('<h1>Hello from the runtime</h1><a href=\"sub/page.txt\">sub</a>')",
        "open('site/sub/page.txt', 'w').write('a relative page')",
        f"!cd site && python -m http.server {ports['static']} &>/dev/null &",
        echo_servers(ports["echo"], ports["ws"]),
        when_listening(ports["static"], ports["echo"], ports["ws"]),
    )


@pytest.fixture(scope="module")
def bobs(bob: BrowserLike, ports) -> str:
    return start_servers(
        bob, "bobs.ipynb", http_server(ports["bobs"]), when_listening(ports["bobs"]),
    )


def own_networks(live) -> bool:
    """Whether each runtime has a network of its own here (slirp4netns or runtime_network none)."""
    return live.hub.ports.pool.backend.isolation.network != "host"


# The hub as its people reach it here: an address with no subdomains and no port_domain.
BY_ADDRESS = {"Host": "192.0.2.10:8000"}


def link(client: BrowserLike, item_id: str, port: int) -> httpx.Response:
    return client.post(f"/api/notebooks/{item_id}/ports", json={"port": port}, headers=BY_ADDRESS)


def url_for(client: BrowserLike, item_id: str, port: int) -> str:
    r = link(client, item_id, port)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["port"] == port and body["url"].startswith("/api/runtimes/proxy/") and body["url"].endswith("/")
    return body["url"]


def test_http_server_in_the_runtime_is_reached_through_a_link(live, alice: BrowserLike, alices: str, ports):
    url = url_for(alice, alices, ports["static"])
    page = alice.get(url)
    assert page.status_code == 200
    assert "<h1>Hello from the runtime</h1>" in page.text
    # Relative paths resolve under the link's prefix and keep working.
    sub = alice.get(url + "sub/page.txt")
    assert sub.status_code == 200 and sub.text == "a relative page"
    # Whatever the proxied server says, its content runs in an opaque origin.
    assert page.headers["content-security-policy"] == SANDBOX
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "x-frame-options" not in page.headers  # it is shown in an output frame
    # Without the final slash, relative paths would resolve above the token: redirect first.
    bare = alice.get(url.rstrip("/") + "?q=1", follow_redirects=False)
    assert bare.status_code == 308 and bare.headers["location"] == url + "?q=1"
    # The link is the credential: another client without any cookie reaches it too (as the
    # sandboxed frame does), while the API stays closed to it.
    stranger = httpx.Client(base_url=live.origin)
    assert stranger.get(url + "sub/page.txt").text == "a relative page"
    assert stranger.post(f"/api/notebooks/{alices}/ports", json={"port": ports["static"]},
                         headers=BY_ADDRESS).status_code in (401, 403)


def test_the_hubs_cookies_and_credentials_never_reach_the_server(alice: BrowserLike, alices: str, ports):
    url = url_for(alice, alices, ports["echo"])
    session = alice.cookies["nbcloud_session"]
    r = alice.get(url + "headers?a=b", headers={
        "Referer": f"http://127.0.0.1{url}", "Origin": "null", "Authorization": "Bearer nbc_secret",
        "X-Forwarded-Prefix": "/elsewhere",
    })
    assert r.status_code == 200, r.text
    seen = json.loads(r.text)
    headers = dict(seen["headers"])
    assert seen["path"] == "/headers?a=b"
    assert "cookie" not in headers
    assert "x-csrf-token" not in headers
    assert "authorization" not in headers
    assert "referer" not in headers  # it carries the token
    assert session not in r.text and alice.cookies["nbcloud_csrf"] not in r.text
    assert headers["host"] == f"127.0.0.1:{ports['echo']}"
    assert headers["origin"] == f"http://127.0.0.1:{ports['echo']}"
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert headers["x-forwarded-prefix"] == url.rstrip("/")
    # The server cannot set cookies (or HSTS, or clear the hub's data) for the hub's domain.
    assert "set-cookie" not in r.headers
    assert "strict-transport-security" not in r.headers and "clear-site-data" not in r.headers
    assert alice.cookies["nbcloud_session"] == session
    assert alice.get("/api/auth/state").json()["user"]["username"] == "alice"


def test_bodies_stream_both_ways_and_redirects_stay_under_the_link(alice: BrowserLike, alices: str, ports):
    url = url_for(alice, alices, ports["echo"])
    data = bytes(range(256)) * 8192  # 2 MiB
    r = alice.put(url + "upload", content=data)
    seen = r.json()
    assert seen["method"] == "PUT" and seen["body_length"] == len(data) and seen["body_sum"] == sum(data) % 65536

    def chunks():
        for i in range(0, len(data), 65536):
            yield data[i:i + 65536]

    # CSRF does not apply here (the token is the credential), whatever the method.
    r = alice.post(url + "stream", content=chunks(), headers={"Content-Length": str(len(data)), "X-CSRF-Token": ""})
    assert r.status_code == 200 and r.json()["body_length"] == len(data)
    # The server's own pages have an opaque origin: their requests are CORS ones, which the proxy
    # allows (the token is the credential), preflights included.
    r = alice.options(url + "api", headers={"Origin": "null", "Access-Control-Request-Method": "PUT",
                                           "Access-Control-Request-Headers": "content-type, x-app"})
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == "null"
    assert r.headers["access-control-allow-methods"] == "PUT"
    assert r.headers["access-control-allow-headers"] == "content-type, x-app"
    r = alice.get(url + "api", headers={"Origin": "null"})
    assert r.headers["access-control-allow-origin"] == "null" and "set-cookie" not in r.headers
    assert "content-security-policy" in r.headers["access-control-expose-headers"]
    assert alice.get(url + "api", headers={"Origin": "https://elsewhere.example"}).headers[
        "access-control-allow-origin"] == "*"
    assert "access-control-allow-origin" not in alice.get(url + "api").headers
    redirect = alice.get(url + "redirect", follow_redirects=False)
    assert redirect.status_code == 302 and redirect.headers["location"] == url + "landed?x=1"


def test_websockets_are_proxied(live, alice: BrowserLike, alices: str, ports):
    url = url_for(alice, alices, ports["ws"])
    with ws_connect(f"ws://127.0.0.1:{live.port}{url}socket", origin=Origin("null")) as ws:
        ws.send("hi")
        assert ws.recv(timeout=10) == "echo:hi"
        ws.send(b"\x01\x02\x03")
        assert ws.recv(timeout=10) == b"\x03\x02\x01"


def test_a_port_of_another_users_runtime_or_of_the_hub_is_refused(live, alice: BrowserLike, alices: str,
                                                                   bob: BrowserLike, bobs: str, ports):
    r = link(alice, alices, ports["bobs"])
    if own_networks(live):
        # Bob's server is in Bob's runtime's network: in Alice's runtime that port is empty.
        assert r.status_code == 201, r.text
        page = alice.get(r.json()["url"])
        assert page.status_code == 502 and "Directory listing" not in page.text
    else:
        assert r.status_code == 403 and r.json()["code"] == "port_not_yours"
    r = link(alice, alices, live.port)
    if own_networks(live) and r.status_code == 201:
        # The hub does not listen in Alice's runtime: the link leads to nothing, never to the hub.
        page = alice.get(r.json()["url"])
        assert page.status_code == 502 and "Nothing is listening" in page.text
    else:
        assert r.status_code == 403 and r.json()["code"] == "port_not_yours"
    # Bob reaches his own server, of course.
    bob_url = url_for(bob, bobs, ports["bobs"])
    assert httpx.get(live.origin + bob_url).status_code == 200


def test_a_link_made_before_another_runtime_took_the_port_refuses_it(live, alice: BrowserLike, alices: str,
                                                                     bob: BrowserLike, ports):
    # Nothing listens yet: the link is made (servers take a moment to start), the proxy says so.
    url = url_for(alice, alices, ports["later"])
    r = alice.get(url)
    assert r.status_code == 502 and "Nothing is listening" in r.text
    assert r.headers["content-type"].startswith("text/html")
    # Then Bob's runtime listens on that port: Alice's link must not reach Bob's server.
    start_servers(
        bob, "bobs-later.ipynb", http_server(ports["later"]), when_listening(ports["later"]),
    )
    r = alice.get(url)
    assert "Directory listing" not in r.text
    if own_networks(live):
        assert r.status_code == 502 and "Nothing is listening" in r.text  # still nothing in hers
    else:
        assert r.status_code == 403 and "not this runtime" in r.text


def test_another_user_cannot_make_a_link_into_your_runtime(alice: BrowserLike, bob: BrowserLike, alices: str, ports):
    r = link(bob, alices, ports["static"])
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = link(bob, "no-such-notebook", ports["static"])
    assert r.status_code == 404
    assert link(alice, alices, 0).status_code == 422
    assert link(alice, alices, 70000).status_code == 422


def test_wrong_and_expired_tokens_get_a_clear_page(live, alice: BrowserLike, alices: str, ports):
    url = url_for(alice, alices, ports["static"])
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert alice.get(url).status_code == 200
    live.hub.ports.expire(token)
    r = alice.get(url)
    assert r.status_code == 403 and "expired" in r.text
    assert r.headers["content-security-policy"].endswith("sandbox")
    wrong = url.replace(token, token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb"))
    r = alice.get(wrong)
    assert r.status_code == 404 and "does not exist" in r.text
    assert alice.get("/api/runtimes/proxy/garbage/").status_code == 404
    with pytest.raises(InvalidHandshake), ws_connect(f"ws://127.0.0.1:{live.port}{url}socket"):
        pass


def test_a_link_stops_working_when_its_runtime_stops(live, alice: BrowserLike, ports):
    item_id, (serve, stop) = notebook_with(
        alice,
        "\n".join([http_server(ports["unused"]), when_listening(ports["unused"])]),
        "from google.colab import runtime\nruntime.unassign()",
        name="short-lived.ipynb",
    )
    run(alice, item_id, [serve])
    assert "ready" in text_of(outputs_after_run(alice, item_id, serve))
    url = url_for(alice, item_id, ports["unused"])
    assert alice.get(url).status_code == 200
    run(alice, item_id, [stop])
    deadline = time.monotonic() + 60
    # (A request in flight while the runtime shuts down may find its server gone: 502.)
    while (r := alice.get(url)).status_code in (200, 502) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert r.status_code == 403 and "stopped" in r.text
    # No runtime, no new link either.
    r = link(alice, item_id, ports["unused"])
    assert r.status_code == 409 and r.json()["code"] == "no_runtime"


def test_a_shell_command_ending_in_ampersand_runs_in_the_background(alice: BrowserLike, alices: str):
    item_id, (cell,) = notebook_with(
        alice,
        "import os, time\nword = 'marker'\n"
        "!(sleep 0.2; echo {word} > bg.txt) &>/dev/null &\n"
        "print('returned', os.path.exists('bg.txt'))\n"
        "for _ in range(100):\n    if os.path.exists('bg.txt') and open('bg.txt').read(): break\n    time.sleep(0.05)\n"
        "print('wrote', open('bg.txt').read().strip(), _exit_code)",
        name="background.ipynb",
    )
    run(alice, item_id, [cell])
    assert text_of(outputs_after_run(alice, item_id, cell)) == "returned False\nwrote marker 0\n"


def test_what_the_proxy_rewrites():
    prefix = "/api/runtimes/proxy/T/"
    assert rewrite_location("http://127.0.0.1:8123/a/b?x=1#f", 8123, prefix) == prefix + "a/b?x=1#f"
    assert rewrite_location("http://localhost:8123", 8123, prefix) == prefix
    assert rewrite_location("/login?next=/", 8123, prefix) == prefix + "login?next=/"
    assert rewrite_location("relative/path", 8123, prefix) == "relative/path"
    assert rewrite_location("http://127.0.0.1:9999/a", 8123, prefix) == "http://127.0.0.1:9999/a"
    assert rewrite_location("https://example.com/", 8123, prefix) == "https://example.com/"
    assert rewrite_location("//example.com/x", 8123, prefix) == "//example.com/x"
    assert _address("0100007F") == "127.0.0.1"
    assert _address("00000000000000000000000000000000") == "::"
    assert _address("00000000000000000000000001000000") == "::1"


def fake_proc(tmp_path, tcp: list[tuple[str, int, int]], tcp6: list[tuple[str, int, int]], fds: dict[int, list[int]]):
    """A /proc with these listening sockets ((hex address, port, inode)) and processes' sockets."""
    header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"

    def table(rows):
        return header + "".join(
            f"   {i}: {addr}:{port:04X} {'0' * len(addr)}:0000 0A 00000000:00000000 00:00000000 00000000 65534 0 {inode} 1\n"
            for i, (addr, port, inode) in enumerate(rows))

    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "tcp").write_text(table(tcp))
    (tmp_path / "net" / "tcp6").write_text(table(tcp6))
    for pid, inodes in fds.items():
        fd = tmp_path / str(pid) / "fd"
        fd.mkdir(parents=True)
        for n, inode in enumerate(inodes):
            (fd / str(n)).symlink_to(f"socket:[{inode}]")
    return tmp_path


LOOPBACK4, ANY4 = "0100007F", "00000000"
ANY6, LOOPBACK6 = "0" * 32, "00000000000000000000000001000000"


@pytest.mark.parametrize("tcp, tcp6, fds, owner, host", [
    ([(LOOPBACK4, 8000, 11)], [], {100: [11]}, "runtime", "127.0.0.1"),
    ([], [(ANY6, 8000, 12)], {100: [12]}, "runtime", "127.0.0.1"),  # python -m http.server: dual-stack ::
    ([], [(LOOPBACK6, 8000, 13)], {100: [13]}, "runtime", "::1"),
    ([(LOOPBACK4, 8000, 11)], [], {200: [11]}, "other", None),  # another runtime's server
    # Two listeners a connection to 127.0.0.1 could reach (SO_REUSEPORT): one not ours is enough to refuse.
    ([(LOOPBACK4, 8000, 11), (LOOPBACK4, 8000, 14)], [], {100: [11], 200: [14]}, "other", None),
    ([(ANY4, 8000, 15)], [(LOOPBACK6, 8000, 16)], {100: [16], 200: [15]}, "runtime", "::1"),
    ([(LOOPBACK4, 8001, 11)], [], {100: [11]}, "none", None),
    ([("0500000A", 8000, 17)], [], {200: [17]}, "none", None),  # 10.0.0.5 only: not on loopback
])
def test_who_listens_on_a_port(tmp_path, tcp, tcp6, fds, owner, host):
    from nbcloud.hub.runtimes.listeners import port_owner

    proc = fake_proc(tmp_path, tcp, tcp6, fds)
    check = port_owner(8000, {100, 101}, proc)
    assert (check.owner, check.host) == (owner, host)
