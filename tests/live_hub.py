"""A hub in a real uvicorn server on a free port, in a thread: one event loop, as in production."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import uvicorn


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
