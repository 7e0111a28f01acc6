"""A browser stand-in for live documents: a pycrdt Doc synced over the y-websocket protocol."""

from __future__ import annotations

import asyncio

from jupyter_ydoc import YNotebook
from pycrdt import Doc, create_sync_message, create_update_message, handle_sync_message
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin


class YClient:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.doc: Doc = Doc()
        self.nb = YNotebook(self.doc)
        self.synced = asyncio.Event()
        self.received: list[bytes] = []
        self._remote = False
        self._outbox: asyncio.Queue = asyncio.Queue()
        self._changed = asyncio.Event()
        self.doc.observe(self._on_update)
        self._tasks = [asyncio.create_task(self._read()), asyncio.create_task(self._write())]

    @classmethod
    async def connect(cls, url: str, *, origin: str | None, cookie: str | None = None, token: str | None = None):
        headers = {}
        if cookie:
            headers["Cookie"] = cookie
        if token:
            headers["Authorization"] = f"Bearer {token}"
        # No size cap: a browser takes a 50 MB output in one update too.
        ws = await ws_connect(url, origin=Origin(origin) if origin else None, additional_headers=headers, open_timeout=10, max_size=None)
        client = cls(ws)
        try:
            await ws.send(create_sync_message(client.doc))
        except ConnectionClosed:
            pass  # refused right away; closed_with() tells why
        return client

    async def wait_synced(self) -> YClient:
        await asyncio.wait_for(self.synced.wait(), 10)
        return self

    def _on_update(self, event) -> None:
        if not self._remote:
            self._outbox.put_nowait(create_update_message(event.update))

    async def _write(self) -> None:
        while True:
            message = await self._outbox.get()
            try:
                await self.ws.send(message)
            except ConnectionClosed:
                return

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                self.received.append(message)
                if message[0] == 0:
                    self._remote = True
                    try:
                        reply = handle_sync_message(message[1:], self.doc)
                    finally:
                        self._remote = False
                    if reply is not None:
                        await self.ws.send(reply)
                    if message[1] == 1:
                        self.synced.set()
                self._changed.set()
        except ConnectionClosed:
            pass

    async def wait_until(self, predicate, timeout: float = 300) -> None:
        """Waits, without polling, until a message from the hub makes ``predicate()`` true."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    async def closed_with(self) -> int | None:
        await asyncio.wait_for(self.ws.wait_closed(), 10)
        return self.ws.close_code

    async def close(self) -> None:
        for t in self._tasks:
            t.cancel()
        await self.ws.close()
