"""A hub in a real uvicorn server on a free port, in a thread: one event loop, as in production;
and what stories on such a hub share: its people, signed in as a browser would be, their
notebooks, running cells and waiting for outputs.

A test module makes its own ``live`` fixture with :func:`live_hub` (its settings: the ``fake``
runtime backend unless its story is the sandbox, then :data:`SANDBOXED`), or with
:func:`hub_with_people` where it does more, and takes ``alice`` and ``bob`` from its people from
here: ``alice = live_person("alice")``.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import nbformat
import pytest
import uvicorn
from websockets.sync.client import connect as ws_connect
from websockets.typing import Origin

from nbcloud.config import load_settings
from nbcloud.hub.app import create_app
from tests.conftest import PASSWORD


class LiveHub:
    def __init__(self, app) -> None:
        self.app = app
        self.hub = app.state.hub
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self.server.serve(),), daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(20)

    def ws_url(self, item_id: str) -> str:
        return f"ws://127.0.0.1:{self.port}/api/documents/{item_id}/ws"

    async def on_hub(self, coro):
        """Run a coroutine on the hub's own event loop (where documents live)."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def call(self, coro, timeout: float = 60):
        """The same from a plain test: wait for a coroutine run on the hub's event loop."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


class BrowserLike(httpx.Client):
    """An HTTP client that echoes the CSRF cookie, as the web app does."""

    def request(self, method, url, **kw):
        headers = dict(kw.pop("headers", None) or {})
        headers.setdefault("X-CSRF-Token", self.cookies.get("nbcloud_csrf") or "")
        return super().request(method, url, headers=headers, **kw)


@contextmanager
def hub_with_people(data_dir: Path, people: tuple[str, ...] = ("alice", "bob"), **settings) -> Iterator[LiveHub]:
    """A live hub with real runtimes, an administrator and these accounts (password PASSWORD).
    Test modules share one for all their stories: kernels are costly. Their people open many
    notebooks, each keeping its runtime: the per-user limit is off unless a story sets it."""
    settings.setdefault("runtime_max_per_user", 0)
    server = LiveHub(create_app(load_settings(environ={}, data_dir=data_dir, runtime_pool_size=1, **settings)))
    server.start()
    try:
        admin = BrowserLike(base_url=server.origin)
        admin.get("/api/auth/state")
        assert admin.post("/api/auth/setup", json={"username": "admin", "password": PASSWORD}).status_code == 200
        for name in people:
            assert admin.post("/api/admin/users", json={"username": name, "password": PASSWORD}).status_code == 201
        yield server
    finally:
        server.stop()


# Real sandboxed runtimes, with room for what Colab's notebooks import.
SANDBOXED: dict[str, Any] = {"runtime_memory_bytes": 768 * 1024**2, "runtime_sandbox": "bwrap"}


def live_hub(folder: str, people: tuple[str, ...] = ("alice", "bob"), **settings) -> Any:
    """A module's ``live`` fixture: :func:`hub_with_people` on a temporary ``folder``, for all its
    stories. In a module: ``live = live_hub("shell", **SANDBOXED)``."""

    @pytest.fixture(scope="module", name="live")
    def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHub]:
        with hub_with_people(tmp_path_factory.mktemp(folder) / "data", people, **settings) as server:
            yield server

    return live


def signed_in(live: LiveHub, username: str, timeout: float = 60) -> BrowserLike:
    client = BrowserLike(base_url=live.origin, timeout=timeout)
    client.get("/api/auth/state")
    assert client.post("/api/auth/login", json={"username": username, "password": PASSWORD}).status_code == 200
    return client


def live_person(name: str) -> Any:
    """A module-scoped fixture ``name``: that person signed in on the module's ``live`` hub.
    In a module: ``alice = live_person("alice")``."""

    @pytest.fixture(scope="module", name=name)
    def person(live: LiveHub) -> BrowserLike:
        return signed_in(live, name)

    return person


def put_file(client: BrowserLike, name: str, data: bytes, parent: str = "", overwrite: bool = False) -> str:
    """Upload a file into the person's Drive in one piece, as the web app does; returns its id."""
    up = client.post("/api/drive/uploads", json={"parent": parent, "name": name, "size": len(data), "overwrite": overwrite})
    assert up.status_code == 201, up.text
    done = client.patch(
        f"/api/drive/uploads/{up.json()['id']}", content=data,
        headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert done.status_code in (200, 201), done.text
    return done.json()["item"]["id"]


def notebook_with(client: BrowserLike, *sources: str, name: str) -> tuple[str, list[str]]:
    """A notebook in the person's Drive with these code cells; returns its id and the cell ids."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    item_id = put_file(client, name, nbformat.writes(nb).encode())
    # Its person wrote it elsewhere and trusts it, as "Run anyway" does (tests/security/test_trust.py).
    assert client.post(f"/api/trust/{item_id}").status_code == 200
    return item_id, [c.id for c in nb.cells]


def run(client: BrowserLike, item_id: str, cell_ids: list[str]) -> None:
    r = client.post(f"/api/notebooks/{item_id}/execute", json={"cell_ids": cell_ids})
    assert r.status_code == 202, r.text


def wait_for_cell(client: BrowserLike, item_id: str, cell_id: str, done, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        nb = client.get(f"/api/documents/{item_id}").json()
        cell = next(c for c in nb["cells"] if c["id"] == cell_id)
        if done(cell):
            return cell
        if time.monotonic() > deadline:
            raise AssertionError(f"cell never got there: {cell}")
        time.sleep(0.05)


def finished(cell: dict) -> bool:
    """The cell ran to its end: it has its count and the kernel's reply time."""
    return bool(cell["execution_count"]) and bool(cell.get("metadata", {}).get("execution", {}).get("shell.execute_reply"))


def execution_count(client: BrowserLike, item_id: str, cell_id: str) -> int:
    """The cell's count in the document now (0 before its first run)."""
    return wait_for_cell(client, item_id, cell_id, lambda c: True)["execution_count"] or 0


def ran_after(count: int):
    """For wait_for_cell: the cell finished a run that began when its count was ``count``."""
    return lambda c: finished(c) and (c["execution_count"] or 0) > count


def run_one(client: BrowserLike, item_id: str, cell_id: str, timeout: float = 180) -> dict:
    """Run one cell and wait for the end of that run (its count goes up and the kernel's reply is
    in), whether or not it ran before."""
    before = execution_count(client, item_id, cell_id)
    run(client, item_id, [cell_id])
    return wait_for_cell(client, item_id, cell_id, ran_after(before), timeout=timeout)


def outputs_after_run(client: BrowserLike, item_id: str, cell_id: str) -> dict:
    """The cell once it has finished (a sandboxed kernel's first start is slow on a busy machine)."""
    return wait_for_cell(client, item_id, cell_id, finished, timeout=120)


def error_of(cell: dict) -> dict:
    errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
    assert errors, f"expected an error, got {cell['outputs']}"
    return errors[0]


def text_of(cell: dict) -> str:
    return "".join(
        "".join(o.get("text", "")) if o["output_type"] == "stream" else "".join(o.get("data", {}).get("text/plain", ""))
        for o in cell["outputs"]
    )


def html_of(cell: dict) -> str:
    """The HTML of a cell's outputs, joined."""
    return "".join("".join(o.get("data", {}).get("text/html", "")) for o in cell["outputs"] if "data" in o)


def panels(html: str) -> dict[str, str]:
    """google.colab.widgets' tab panels in an output's HTML: {label: inner HTML}."""
    return dict(re.findall(r'<div role="tabpanel" aria-label="([^"]*)"[^>]*>(.*?)</div>', html, re.S))


def events_socket(live: LiveHub, client: BrowserLike, item_id: str):
    return ws_connect(
        f"ws://127.0.0.1:{live.port}/api/notebooks/{item_id}/events", origin=Origin(live.origin),
        additional_headers={"Cookie": f"nbcloud_session={client.cookies['nbcloud_session']}"},
    )


def next_event(ws, kind: str, timeout: float = 90) -> dict:
    """The next message of this type on a notebook's events socket (others are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        event = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if event["type"] == kind:
            return event


def consent_to_drive(ws) -> dict:
    """Say yes to the next request on the events socket (as a person clicks "Connect to Google
    Drive"); returns that request."""
    asked = next_event(ws, "colab_request")
    ws.send(json.dumps({"type": "colab_reply", "request_id": asked["request_id"], "reply": {"consent": True}}))
    return asked
