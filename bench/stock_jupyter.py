"""The plain Jupyter stack for comparison: a stock `jupyter server`, driven as JupyterLab does.

Starts `jupyter server` with its defaults (a token, no browser) in a subprocess, creates kernels
with POST /api/kernels and talks to them over /api/kernels/{id}/channels (the JSON WebSocket
protocol JupyterLab uses).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable

import httpx
from websockets.asyncio.client import connect as ws_connect


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StockJupyterServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.root = tempfile.mkdtemp(prefix="nbcloud-bench-jupyter-")
        self.process: subprocess.Popen | None = None
        self.http = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{self.port}", headers={"Authorization": f"token {self.token}"}, timeout=120
        )

    async def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--ServerApp.port={self.port}", "--ServerApp.ip=127.0.0.1",
             f"--IdentityProvider.token={self.token}", "--ServerApp.open_browser=False",
             f"--ServerApp.root_dir={self.root}", "--allow-root"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "JUPYTER_NO_CONFIG": "1"},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if (await self.http.get("/api/status")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
        raise RuntimeError("jupyter server did not start")

    async def stop(self) -> None:
        await self.http.aclose()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    async def new_kernel(self, name: str = "python3") -> StockKernel:
        response = await self.http.post("/api/kernels", json={"name": name})
        response.raise_for_status()
        kernel_id = response.json()["id"]
        ws = await ws_connect(
            f"ws://127.0.0.1:{self.port}/api/kernels/{kernel_id}/channels?token={self.token}",
            max_size=None, open_timeout=60,
        )
        return StockKernel(self, kernel_id, ws)


class StockKernel:
    def __init__(self, server: StockJupyterServer, kernel_id: str, ws) -> None:
        self.server = server
        self.id = kernel_id
        self.ws = ws
        self.session = uuid.uuid4().hex

    async def execute(self, code: str, on_output: Callable[[dict], None] | None = None, timeout: float = 300) -> dict:
        """Sends an execute_request and returns its execute_reply once the kernel is idle again."""
        msg_id = uuid.uuid4().hex
        await self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "bench", "session": self.session, "msg_type": "execute_request",
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        reply: dict | None = None
        idle = False
        deadline = time.monotonic() + timeout
        while reply is None or not idle:
            raw = await asyncio.wait_for(self.ws.recv(), max(0.1, deadline - time.monotonic()))
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if msg["channel"] == "shell" and kind == "execute_reply":
                reply = msg
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif on_output is not None and msg["channel"] == "iopub":
                on_output(msg)
        return reply

    async def request(self, msg_type: str, content: dict, timeout: float = 60) -> dict:
        """Sends one shell request (complete_request, inspect_request, ...) and returns its reply."""
        msg_id = uuid.uuid4().hex
        await self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "bench", "session": self.session, "msg_type": msg_type,
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "content": content,
        }))
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(await asyncio.wait_for(self.ws.recv(), max(0.1, deadline - time.monotonic())))
            if msg["channel"] == "shell" and msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg

    async def close(self) -> None:
        await self.ws.close()
        await self.server.http.delete(f"/api/kernels/{self.id}")
