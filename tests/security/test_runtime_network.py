"""Attacks through the network: one person's code reaching another person's servers, the hub,
or services on the host's loopback, and code escaping into namespaces of its own.

Every sandboxed runtime has a network namespace of its own (runtimes.network): its 127.0.0.1
is its own; the internet is reached through slirp4netns (runtime_network = internet) or not at
all (none). A seccomp filter (runtimes.seccomp) keeps cells from making namespaces. Real hub,
real sandboxed kernels; nothing here needs the internet (this machine reaches only package
registries): the stories look at slirp4netns's own gateway and DNS forwarder instead.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import textwrap
import threading
from urllib.parse import urlsplit

import pytest

from nbcloud.config import load_settings
from nbcloud.hub.runtimes import RuntimeSpec
from nbcloud.hub.runtimes.local import LocalBackend
from nbcloud.hub.runtimes.network import SLIRP_INSTALL_HINT
from nbcloud.hub.runtimes.sandbox import INSTALL_HINT
from tests.kernels import run as run_in_kernel
from tests.live_hub import (
    BrowserLike,
    hub_with_people,
    live_person,
    notebook_with,
    outputs_after_run,
    run,
    signed_in,
    text_of,
)

# Tries a TCP connection from a cell and prints what happened, one line per address.
PROBE = textwrap.dedent('''
    import socket
    def probe(host, port):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect((host, port))
            s.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n")
            got = s.recv(200)
            return "reached " + got[:40].decode(errors="replace")
        except OSError as e:
            return "refused " + type(e).__name__
        finally:
            s.close()
''')


def require_tools() -> None:
    if shutil.which("bwrap") is None:
        pytest.fail(f"bwrap not found: {INSTALL_HINT}")
    if shutil.which("slirp4netns") is None:
        pytest.fail(f"slirp4netns not found: {SLIRP_INSTALL_HINT}")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_tools()
    with hub_with_people(tmp_path_factory.mktemp("network") / "data", runtime_sandbox="bwrap",
                         runtime_memory_bytes=768 * 1024**2) as server:
        yield server


alice = live_person("alice")
bob = live_person("bob")


def cell_output(client: BrowserLike, item_id: str, cell: str) -> str:
    run(client, item_id, [cell])
    return text_of(outputs_after_run(client, item_id, cell))


def run_cell(client: BrowserLike, source: str, name: str) -> str:
    item_id, (cell,) = notebook_with(client, source, name=name)
    return cell_output(client, item_id, cell)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ALICE_PORT = free_port()


@pytest.fixture(scope="module")
def alices_server(alice: BrowserLike) -> str:
    """Alice's notebook with an HTTP server on 127.0.0.1:ALICE_PORT in her runtime."""
    item_id, (cell,) = notebook_with(
        alice,
        f"!mkdir -p site && echo alice-private-page > site/index.html\n"
        f"!cd site && python -m http.server {ALICE_PORT} --bind 127.0.0.1 &>/dev/null &\n"
        + PROBE +
        "import time\n"
        "for _ in range(300):\n"
        f"    if probe('127.0.0.1', {ALICE_PORT}).startswith('reached'): break\n"
        "    time.sleep(0.1)\n"
        f"print(probe('127.0.0.1', {ALICE_PORT}))",
        name="alice-server.ipynb",
    )
    out = cell_output(alice, item_id, cell)
    assert out.startswith("reached HTTP/1.0 200"), out  # she reaches her own server
    return item_id


class HostService:
    """A plain TCP service on the host's loopback (what a database server would be), counting
    who connects."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.sendall(b"HOST-SECRET\n")
            conn.close()

    def close(self) -> None:
        self.sock.close()


def test_bobs_kernel_cannot_read_a_server_alice_started_on_localhost(bob: BrowserLike, alices_server: str):
    out = run_cell(bob, PROBE + f"print(probe('127.0.0.1', {ALICE_PORT}))\nprint(probe('10.0.2.2', {ALICE_PORT}))",
                   name="bob-snoops.ipynb")
    assert "alice" not in out and "reached" not in out, out
    assert out.count("refused") == 2, out


def test_a_kernel_cannot_reach_the_hubs_port(live, bob: BrowserLike):
    out = run_cell(bob, PROBE + f"print(probe('127.0.0.1', {live.port}))\nprint(probe('10.0.2.2', {live.port}))",
                   name="bob-hub.ipynb")
    assert "reached" not in out and out.count("refused") == 2, out


def test_a_kernel_cannot_reach_a_database_server_on_the_hosts_loopback(bob: BrowserLike):
    service = HostService()
    try:
        # 10.0.2.2 is slirp4netns's gateway: with --disable-host-loopback it does not lead to
        # the host's 127.0.0.1.
        out = run_cell(bob, PROBE + "\n".join(f"print(probe({h!r}, {service.port}))"
                                              for h in ("127.0.0.1", "10.0.2.2", "localhost")),
                       name="bob-db.ipynb")
    finally:
        service.close()
    assert "HOST-SECRET" not in out and "reached" not in out, out
    assert service.accepted == 0


def test_unshare_and_other_new_namespaces_fail_in_a_cell_while_normal_work_goes_on(alice: BrowserLike):
    out = run_cell(alice, textwrap.dedent('''
        import ctypes, multiprocessing, os, subprocess, threading
        for cmd in ("unshare -r id", "unshare -n true", "unshare -m true", "unshare -U -r -n true"):
            r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
            print(cmd, "->", r.returncode, r.stderr.strip())
        libc = ctypes.CDLL(None, use_errno=True)
        print("unshare(CLONE_NEWUSER)", libc.unshare(0x10000000), ctypes.get_errno())
        fd = os.open("/proc/self/ns/net", os.O_RDONLY)
        print("setns", libc.setns(fd, 0), ctypes.get_errno())
        # Normal work: threads, processes, a pool of processes.
        box = []
        t = threading.Thread(target=box.append, args=("thread ran",)); t.start(); t.join()
        print(box[0])
        print(subprocess.run(["echo", "subprocess ran"], capture_output=True, text=True).stdout.strip())
        with multiprocessing.Pool(2) as pool:
            print("pool", pool.map(abs, [-1, -2, -3]))
    '''), name="unshare.ipynb")
    for cmd in ("unshare -r id", "unshare -n true", "unshare -m true", "unshare -U -r -n true"):
        line = next(li for li in out.splitlines() if li.startswith(cmd + " ->"))
        assert "-> 0" not in line and "Operation not permitted" in line, out
    assert "unshare(CLONE_NEWUSER) -1 1" in out and "setns -1 1" in out, out  # EPERM
    assert "thread ran" in out and "subprocess ran" in out and "pool [1, 2, 3]" in out, out


def test_with_internet_the_runtime_has_a_default_route_an_address_and_dns(alice: BrowserLike):
    out = run_cell(alice, textwrap.dedent('''
        import socket, subprocess
        print(subprocess.run("ip -4 route; ip -4 -o addr", shell=True, capture_output=True, text=True).stdout)
        print(open("/etc/resolv.conf").read())
        # slirp4netns's DNS forwarder answers TCP too; connecting is enough (no internet needed).
        socket.create_connection(("10.0.2.3", 53), timeout=10).close()
        print("dns connected")
    '''), name="internet.ipynb")
    assert "default via 10.0.2.2 dev tap0" in out, out
    assert "inet 10.0.2.100/24" in out, out
    assert "nameserver 10.0.2.3" in out, out
    assert "dns connected" in out, out


def open_link(client: BrowserLike, url: str):
    """A port link lives on its own origin (p-<token>.localhost:<port>), which this machine's
    resolver may not know: ask the hub's address for it by name, as a browser does."""
    parts = urlsplit(url)
    return client.get(parts.path or "/", headers={"Host": parts.netloc})


def test_alices_port_link_still_serves_her_server(live, alice: BrowserLike, bob: BrowserLike, alices_server: str):
    r = alice.post(f"/api/notebooks/{alices_server}/ports", json={"port": ALICE_PORT})
    assert r.status_code == 201, r.text
    page = open_link(alice, r.json()["url"])
    assert page.status_code == 200 and "alice-private-page" in page.text
    # Bob's runtime has nothing on that port: his link (to his own runtime) does not reach hers.
    item_id, (cell,) = notebook_with(bob, "print('bob is here')", name="bob-link.ipynb")
    assert "bob is here" in cell_output(bob, item_id, cell)
    r = bob.post(f"/api/notebooks/{item_id}/ports", json={"port": ALICE_PORT})
    if r.status_code == 201:
        page = open_link(bob, r.json()["url"])
        assert page.status_code == 502 and "alice-private-page" not in page.text
    else:
        assert r.status_code == 403, r.text


def test_the_admin_page_reports_each_runtimes_own_network_and_the_namespace_filter(live, alice: BrowserLike):
    iso = signed_in(live, "admin").get("/api/admin/isolation")
    assert iso.status_code == 200, iso.text
    assert iso.json()["network"] == "internet" and iso.json()["namespaces_blocked"] is True, iso.json()
    assert not any("slirp4netns" in r or "seccomp" in r for r in iso.json()["reasons"]), iso.json()
    assert alice.get("/api/admin/isolation").status_code == 403


def test_without_slirp4netns_the_hub_says_runtimes_share_its_network(monkeypatch):
    from nbcloud.hub.runtimes import network

    monkeypatch.setattr(network.shutil, "which", lambda name: None)
    plan = network.plan("internet", sandboxed=True)
    assert plan.mode == "host" and "slirp4netns not found" in plan.reasons[0]
    assert network.plan("none", sandboxed=True).mode == "none"
    assert network.plan("internet", sandboxed=False).mode == "host"


# ----- runtime_network = none, and slirp4netns's lifetime (a backend of their own) ---------------

def backend_with(tmp_path_factory, network: str) -> LocalBackend:
    require_tools()
    data = tmp_path_factory.mktemp(f"net-{network}") / "data"
    settings = load_settings(environ={}, data_dir=data, runtime_sandbox="bwrap", runtime_pool_size=0,
                             runtime_network=network)
    return LocalBackend(settings)


def test_with_runtime_network_none_a_cell_cannot_open_an_outbound_connection(tmp_path_factory, loop):
    backend = backend_with(tmp_path_factory, "none")
    assert backend.isolation.network == "none"
    rt = loop.run(backend.start(RuntimeSpec(owner_id=1, notebook_id="offline")))
    try:
        assert rt.manager.network is not None and rt.manager.network.slirp is None
        kc = rt.blocking_client()
        kc.start_channels()
        try:
            out, _, status = run_in_kernel(kc, PROBE + textwrap.dedent('''
                import subprocess
                links = subprocess.run("ip -o link", shell=True, capture_output=True, text=True).stdout
                print("links", [line.split(":")[1].strip() for line in links.splitlines()])
                print("routes", repr(subprocess.run("ip route", shell=True, capture_output=True, text=True).stdout))
                for host, port in (("10.0.2.3", 53), ("1.1.1.1", 443), ("93.184.215.14", 80)):
                    print(host, probe(host, port))
            '''))
        finally:
            kc.stop_channels()
        assert status == "ok", out
        assert "links ['lo']" in out and "routes ''" in out, out  # only its own loopback
        assert "reached" not in out and out.count("refused OSError") + out.count("refused ConnectionRefusedError") \
            + out.count("refused TimeoutError") == 3, out
    finally:
        loop.run(backend.shutdown(rt, now=True))


def test_slirp4netns_ends_with_its_runtime_and_with_a_restart(tmp_path_factory, loop):
    backend = backend_with(tmp_path_factory, "internet")
    rt = loop.run(backend.start(RuntimeSpec(owner_id=1, notebook_id="lifetime")))
    first = rt.manager.network.slirp
    assert first is not None and first.poll() is None
    loop.run(backend.restart(rt))
    second = rt.manager.network.slirp
    assert first.poll() is not None, "the first sandbox's slirp4netns outlived it"
    assert second is not None and second.poll() is None
    loop.run(backend.shutdown(rt, now=True))
    assert second.poll() is not None, "slirp4netns outlived its runtime"


def test_a_port_link_reaches_into_the_runtime_and_nowhere_else(tmp_path_factory, loop):
    """The hub's dialer makes its socket inside the runtime: the host's own listener on the same
    port number is never what it reaches."""
    backend = backend_with(tmp_path_factory, "internet")
    service = HostService()
    rt = loop.run(backend.start(RuntimeSpec(owner_id=1, notebook_id="dial")))
    try:
        dial = backend.port_dialer(rt)
        assert dial is not None

        async def connect() -> bytes:
            sock = await dial("127.0.0.1", service.port, 5)
            reader, writer = await asyncio.open_connection(sock=sock)
            data = await reader.read(100)
            writer.close()
            return data

        with pytest.raises(ConnectionRefusedError):
            loop.run(connect())
        assert service.accepted == 0
        assert backend.port_owner(rt, service.port).owner == "none"
    finally:
        service.close()
        loop.run(backend.shutdown(rt, now=True))


def test_a_hub_holding_over_a_thousand_descriptors_still_waits_on_new_runtimes_networks():
    """Thirty people's runtimes leave a hub with more open files than select() can watch (1024):
    the waits on a new sandbox's pipes must still work (seen: "filedescriptor out of range")."""
    import os
    import resource

    from nbcloud.hub.runtimes import network

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    held = [os.open("/dev/null", os.O_RDONLY) for _ in range(1100)]
    try:
        r, w = os.pipe()
        assert r > 1024
        os.write(w, b"x")
        assert network._read_until_eof_or_byte(r, 5) is True
        os.close(w)
        assert network._read_until_eof_or_byte(r, 5) is False  # the other end closed: EOF
        os.close(r)
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
