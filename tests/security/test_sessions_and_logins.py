"""Sessions that end everywhere, login throttling nobody can turn against others, a first-run
setup that cannot be raced, logs without secrets, and an output frame sandboxed by itself.

Each test is the attack or the fault as a person in a shared class would try it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from nbcloud.cli import main as cli_main
from nbcloud.hub.app import create_app
from nbcloud.hub.auth.first_run import create_first_admin
from nbcloud.hub.auth.ratelimit import LoginRateLimiter
from nbcloud.hub.auth.socket_registry import SWEEP_SECONDS
from nbcloud.hub.db import Database, User
from nbcloud.hub.http.websocket import CLOSE_SIGNED_OUT
from nbcloud.hub.logging_redaction import redact
from tests.conftest import PASSWORD, csrf_client, sign_in
from tests.drive_client import user_id
from tests.live_hub import LiveHub
from tests.notebook_files import JUPYTER_NOTEBOOK, put_notebook, session_cookie
from tests.yclient import YClient

# The hub closes a signed-out socket at once; a second is the promise, with room for a busy machine.
CLOSE_WITHIN_SECONDS = 1.0


# ----- sockets as the notebook page opens them ----------------------------------------------------


@pytest.fixture
def live(app) -> Iterator[LiveHub]:
    hub = LiveHub(app)
    hub.start()
    yield hub
    hub.stop()


class PageSockets:
    """The two sockets a notebook page holds: the live document and the runtime events."""

    def __init__(self, document: YClient, events) -> None:
        self.document = document
        self.events = events

    @classmethod
    async def open(cls, live: LiveHub, item_id: str, client: TestClient) -> PageSockets:
        cookie = session_cookie(client)
        document = await (await YClient.connect(live.ws_url(item_id), origin=live.origin, cookie=cookie)).wait_synced()
        events = await ws_connect(
            f"ws://127.0.0.1:{live.port}/api/notebooks/{item_id}/events", origin=Origin(live.origin),
            additional_headers={"Cookie": cookie}, open_timeout=10,
        )
        await asyncio.wait_for(events.recv(), 10)  # the widgets snapshot: the socket is being served
        return cls(document, events)

    async def close_codes(self, timeout: float) -> tuple[int | None, int | None]:
        """Wait (at most ``timeout`` for both) until the hub closes both sockets."""

        async def events_closed() -> int | None:
            try:
                while True:
                    await self.events.recv()
            except ConnectionClosed:
                return self.events.close_code

        async def document_closed() -> int | None:
            await self.document.ws.wait_closed()
            return self.document.ws.close_code

        async with asyncio.timeout(timeout):
            document_code, events_code = await asyncio.gather(document_closed(), events_closed())
        return document_code, events_code

    async def still_open(self) -> bool:
        await asyncio.sleep(0.3)  # long enough for a close that was sent to arrive
        return self.document.ws.close_code is None and self.events.close_code is None

    async def close(self) -> None:
        await self.document.close()
        await self.events.close()


async def closed_within(sockets: PageSockets, seconds: float) -> tuple[tuple[int | None, int | None], float]:
    start = time.monotonic()
    codes = await sockets.close_codes(timeout=seconds)
    return codes, time.monotonic() - start


async def in_thread(fn, *args):
    """A blocking client call (TestClient) without stalling this test's event loop."""
    return await asyncio.to_thread(fn, *args)


# ----- 6. sessions end everywhere -----------------------------------------------------------------


async def test_logout_closes_the_notebooks_sockets(app, alice, live):
    item_id, _ = put_notebook(app, alice, "Open.ipynb", JUPYTER_NOTEBOOK)
    old_cookie = session_cookie(alice)  # what a stolen or leftover cookie would be
    page = await PageSockets.open(live, item_id, alice)
    try:
        r = await in_thread(alice.post, "/api/auth/logout")
        assert r.status_code == 204
        codes, took = await closed_within(page, CLOSE_WITHIN_SECONDS)
        assert codes == (CLOSE_SIGNED_OUT, CLOSE_SIGNED_OUT), codes
        print(f"sockets closed {took * 1000:.0f} ms after sign-out")
    finally:
        await page.close()
    # And the old cookie opens nothing any more.
    again = await YClient.connect(live.ws_url(item_id), origin=live.origin, cookie=old_cookie)
    assert await again.closed_with() == CLOSE_SIGNED_OUT
    await again.close()


async def test_a_password_change_signs_out_every_other_session_and_closes_its_sockets(app, alice, live):
    laptop = alice
    library = sign_in(csrf_client(app), "alice")  # the same person, signed in on another computer
    item_id, _ = put_notebook(app, alice, "Two.ipynb", JUPYTER_NOTEBOOK)
    here = await PageSockets.open(live, item_id, laptop)
    there = await PageSockets.open(live, item_id, library)
    try:
        r = await in_thread(
            lambda: laptop.post("/api/auth/password",
                                json={"current_password": PASSWORD, "new_password": "a brand new secret"})
        )
        assert r.status_code == 204, r.text
        codes, _took = await closed_within(there, CLOSE_WITHIN_SECONDS)
        assert codes == (CLOSE_SIGNED_OUT, CLOSE_SIGNED_OUT)
        assert await here.still_open(), "the session that changed the password stays signed in"
    finally:
        await here.close()
        await there.close()
    assert library.get("/api/auth/tokens").status_code == 401
    assert laptop.get("/api/auth/tokens").status_code == 200


async def test_an_admin_disabling_bob_closes_bobs_sockets(app, admin, bob, alice, live):
    bobs_id, _ = put_notebook(app, bob, "Bob.ipynb", JUPYTER_NOTEBOOK)
    alices_id, _ = put_notebook(app, alice, "Alice.ipynb", JUPYTER_NOTEBOOK)
    token = bob.post("/api/auth/tokens", json={"name": "script"}).json()["token"]
    bobs_page = await PageSockets.open(live, bobs_id, bob)
    bobs_script = await (await YClient.connect(live.ws_url(bobs_id), origin=None, token=token)).wait_synced()
    alices_page = await (await YClient.connect(live.ws_url(alices_id), origin=live.origin,
                                               cookie=session_cookie(alice))).wait_synced()
    try:
        r = await in_thread(lambda: admin.patch(f"/api/admin/users/{user_id(bob)}", json={"is_disabled": True}))
        assert r.status_code == 200, r.text
        codes, _took = await closed_within(bobs_page, CLOSE_WITHIN_SECONDS)
        assert codes == (CLOSE_SIGNED_OUT, CLOSE_SIGNED_OUT)
        async with asyncio.timeout(CLOSE_WITHIN_SECONDS):
            await bobs_script.ws.wait_closed()
        assert bobs_script.ws.close_code == CLOSE_SIGNED_OUT, "a disabled account's API token sockets close too"
        await asyncio.sleep(0.3)
        assert alices_page.ws.close_code is None, "nobody else is signed out"
    finally:
        await bobs_page.close()
        await bobs_script.close()
        await alices_page.close()


async def test_nbcloud_user_disable_in_a_shell_closes_the_sockets_the_hub_holds(app, settings, bob, live):
    # Another process (the CLI, or a second hub behind the same database) ends the sessions:
    # the hub holding the sockets learns it from the database within seconds.
    item_id, _ = put_notebook(app, bob, "Bob.ipynb", JUPYTER_NOTEBOOK)
    page = await (await YClient.connect(live.ws_url(item_id), origin=live.origin,
                                        cookie=session_cookie(bob))).wait_synced()
    try:
        args = ["user", "disable", "bob", "--data-dir", str(settings.data_dir)]
        if settings.database_url:
            args += ["--database-url", settings.database_url]
        assert await in_thread(cli_main, args) == 0
        async with asyncio.timeout(SWEEP_SECONDS * 3):  # generous: the check runs every SWEEP_SECONDS
            await page.ws.wait_closed()
        assert page.ws.close_code == CLOSE_SIGNED_OUT
    finally:
        await page.close()


# ----- 7. login throttling cannot lock others out --------------------------------------------------


def client_from(app, address: str, **headers: str) -> TestClient:
    """A browser-like client whose connections come from ``address``."""
    client = TestClient(app, base_url="http://127.0.0.1", client=(address, 40000), headers=headers)
    client.headers["X-CSRF-Token"] = client.get("/api/auth/state").json()["csrf_token"]
    return client


def log_in(client: TestClient, username: str, password: str) -> httpx.Response:
    return client.post("/api/auth/login", json={"username": username, "password": password})


def exhaust(client: TestClient, username: str, attempts: int) -> httpx.Response:
    """Wrong passwords until the hub says wait; returns that answer."""
    for _ in range(attempts + 1):
        r = log_in(client, username, "wrong password!")
        if r.status_code == 429:
            return r
        assert r.status_code == 401, r.text
    raise AssertionError(f"{attempts + 1} wrong passwords were never throttled")


def test_wrong_passwords_from_one_address_do_not_lock_bob_or_alice_from_elsewhere_out(app, alice, bob):
    attempts = app.state.hub.settings.login_attempts
    kernel = client_from(app, "127.0.0.1")  # e.g. a cell hammering the login endpoint
    throttled = exhaust(kernel, "alice", attempts)
    wait = int(throttled.headers["Retry-After"])
    assert wait >= 1 and f"Try again in {wait} second" in throttled.json()["detail"]
    assert log_in(kernel, "alice", PASSWORD).status_code == 429, "even the right password waits its turn"

    assert log_in(client_from(app, "127.0.0.1"), "bob", PASSWORD).status_code == 200
    assert log_in(client_from(app, "192.0.2.10"), "alice", PASSWORD).status_code == 200


def test_each_further_wrong_password_doubles_the_wait():
    now = [1000.0]
    limiter = LoginRateLimiter(attempts=3, window_seconds=60, clock=lambda: now[0])
    waits = []
    for _ in range(10):
        now[0] += limiter.retry_after("alice", "203.0.113.5")  # wait as told, then fail again
        limiter.record_failure("alice", "203.0.113.5")
        waits.append(limiter.retry_after("alice", "203.0.113.5"))
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
    assert limiter.retry_after("bob", "203.0.113.5") == 0
    assert limiter.retry_after("alice", "203.0.113.6") == 0
    now[0] += 60 + 60  # the wait, then a whole window without a failure: forgiven, counting starts over
    limiter.record_failure("alice", "203.0.113.5")
    assert limiter.retry_after("alice", "203.0.113.5") == 0


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(make_settings):
    app = create_app(make_settings(trusted_proxies=("10.0.0.1",), login_attempts=3))
    try:
        admin = csrf_client(app)
        assert admin.post("/api/auth/setup", json={"username": "alice", "password": PASSWORD}).status_code == 200
        attempts = app.state.hub.settings.login_attempts

        # Not a proxy of ours: a new X-Forwarded-For per try does not make a new client.
        direct = client_from(app, "198.51.100.66")
        for n in range(attempts):
            direct.headers["X-Forwarded-For"] = f"203.0.113.{n}"
            assert log_in(direct, "alice", "wrong password!").status_code == 401
        direct.headers["X-Forwarded-For"] = "203.0.113.200"
        assert log_in(direct, "alice", PASSWORD).status_code == 429

        # Through the proxy: the right-most address the proxy did not add is the client.
        def via_proxy(forwarded_for: str) -> TestClient:
            return client_from(app, "10.0.0.1", **{"X-Forwarded-For": forwarded_for})

        exhaust(via_proxy("198.51.100.7"), "alice", attempts)
        # The same person, prepending a made-up address, is still the same person...
        assert log_in(via_proxy("1.2.3.4, 198.51.100.7"), "alice", PASSWORD).status_code == 429
        # ...and someone else behind the same proxy is not them.
        assert log_in(via_proxy("198.51.100.8"), "alice", PASSWORD).status_code == 200
    finally:
        app.state.hub.db.dispose()


# ----- 8. first-run setup is atomic -----------------------------------------------------------------


def _all_at_once(count: int, job) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = job(i)
        except Exception as e:  # noqa: BLE001 - reported in the assertion below
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_six_simultaneous_setups_make_one_admin(app, live):
    # Six browsers on a fresh hub press "Create account" at the same moment.
    def browser_setup(i: int) -> int:
        with httpx.Client(base_url=live.origin, timeout=60) as client:
            client.headers["X-CSRF-Token"] = client.get("/api/auth/state").json()["csrf_token"]
            r = client.post("/api/auth/setup", json={"username": f"boss{i}", "password": PASSWORD})
            return r.status_code

    codes = _all_at_once(6, browser_setup)
    assert sorted(codes) == [200, 409, 409, 409, 409, 409], codes
    with app.state.hub.db.session() as db:
        assert db.scalar(select(func.count()).select_from(User)) == 1
        assert db.scalar(select(func.count()).select_from(User).where(User.is_admin)) == 1


def test_six_hub_processes_racing_setup_on_one_database_make_one_admin(settings):
    # Two hub processes behind one database are two engines: no lock in Python can help.
    create_app(settings).state.hub.db.dispose()  # the schema, as the first hub start makes it
    engines = [Database(settings.sqlalchemy_url) for _ in range(6)]
    try:
        results = _all_at_once(6, lambda i: create_first_admin(engines[i], f"chief{i}", PASSWORD,
                                                                quota_bytes=1 << 20).username)
        made = [r for r in results if isinstance(r, str)]
        refused = [r for r in results if getattr(r, "code", None) == "already_set_up"]
        assert len(made) == 1 and len(refused) == 5, results
        with engines[0].session() as db:
            assert db.scalar(select(func.count()).select_from(User).where(User.is_admin)) == 1
    finally:
        for engine in engines:
            engine.dispose()


# ----- 9. secrets never reach logs --------------------------------------------------------------------

PORT_TOKEN = "Pq7" + "x" * 37 + "Z9k"  # the shape of a port-link token (43 url-safe characters)
SECRET_PASSWORD = "hunter2-is-my-password"


def test_a_secret_in_any_log_record_is_redacted(app, caplog):
    # Any logger, any argument: a URL with a port-link token, a request dump with headers and JSON.
    api_token = "nbc_" + "A1b2" * 10
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("nbcloud.ports").warning("upstream failed for %s", f"/api/runtimes/proxy/{PORT_TOKEN}/x?y=1")
        logging.getLogger("some.library").info(
            "request headers=%r body=%s", {"authorization": f"Bearer {api_token}", "cookie": "nbcloud_session=s3cr3t"},
            json.dumps({"username": "alice", "password": SECRET_PASSWORD}),
        )
        logging.getLogger("uvicorn.error").error("query %s", f"/api/x?token={PORT_TOKEN}&password={SECRET_PASSWORD}")
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    for secret in (PORT_TOKEN, SECRET_PASSWORD, api_token, "s3cr3t"):
        assert secret not in text
    assert "[redacted]" in text and "alice" in text  # what is not secret stays readable


def _serve_with_access_log(data_dir: Path) -> tuple[subprocess.Popen, str, Path]:
    """`nbcloud serve` as an administrator starts it: uvicorn's access log on."""
    from tests.e2e.helpers import _free_port, _nbcloud_command

    port = _free_port()
    log = data_dir.parent / "hub.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NBCLOUD_")}
    env["NBCLOUD_RUNTIME_POOL_SIZE"] = "0"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*_nbcloud_command(), "serve", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "debug"],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[2],
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            if httpx.get(f"{url}/api/auth/state", timeout=2).status_code == 200:
                return process, url, log
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the hub did not start:\n" + log.read_text(errors="replace")
        time.sleep(0.2)


def test_a_port_link_token_a_password_a_cookie_and_an_api_token_never_appear_in_the_log(tmp_path):
    process, url, log = _serve_with_access_log(tmp_path / "data")
    try:
        with closing(httpx.Client(base_url=url, timeout=30)) as browser:
            browser.headers["X-CSRF-Token"] = browser.get("/api/auth/state").json()["csrf_token"]
            browser.post("/api/auth/setup", json={"username": "alice", "password": SECRET_PASSWORD}).raise_for_status()
            browser.headers["X-CSRF-Token"] = browser.cookies["nbcloud_csrf"]
            session = browser.cookies["nbcloud_session"]
            api_token = browser.post("/api/auth/tokens", json={"name": "ci"}).json()["token"]
            # Secrets where a log line can see them: the path, the query string, headers.
            browser.get(f"/api/runtimes/proxy/{PORT_TOKEN}/index.html?token={PORT_TOKEN}")
            browser.get(f"/api/drive/items?password={SECRET_PASSWORD}&access_token={api_token}")
            httpx.get(f"{url}/api/drive/items", headers={"Authorization": f"Bearer {api_token}"})
            browser.post("/api/auth/login", json={"username": "alice", "password": SECRET_PASSWORD})
    finally:
        process.terminate()
        process.wait(20)
    text = log.read_text(errors="replace")
    assert "GET /api/runtimes/proxy/[redacted]" in text, "the access log is on and redacted:\n" + text
    for secret in (PORT_TOKEN, SECRET_PASSWORD, session, api_token, api_token[4:]):
        assert secret not in text, f"{secret[:6]}... is in the log:\n{text}"


def test_redaction_keeps_ordinary_lines_whole():
    line = '127.0.0.1:5000 - "GET /api/drive/items?parent=abc HTTP/1.1" 200'
    assert redact(line) == line
    assert redact("POST /api/auth/login?next=/drive") == "POST /api/auth/login?next=/drive"


# ----- 10. the output frame is sandboxed by its own headers ----------------------------------------------


def test_output_frame_carries_a_csp_sandbox_without_allow_same_origin(anonymous: TestClient):
    r = anonymous.get("/output-frame.html")
    assert r.status_code == 200, "the web app is not built: run `make web` (make test does)"
    csp = r.headers["content-security-policy"]
    sandbox = next(d.strip() for d in csp.split(";") if d.strip().startswith("sandbox"))
    assert set(sandbox.split()[1:]) == {"allow-scripts", "allow-forms", "allow-popups"}
    assert "allow-same-origin" not in csp
    assert re.search(r"frame-ancestors 'self'", csp)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
