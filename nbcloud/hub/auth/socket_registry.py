"""Every open WebSocket of a signed-in principal, so that ending a session closes its sockets.

A socket is checked once, at its handshake; without this a socket opened before sign-out (or
before a password change, or before an administrator disabled the account) would keep working:
a cell could still be run. ``websocket_principal`` adds each socket it lets through; sign-out,
a password change and account administration close the matching ones with 4401, which the page
reads as "signed out" and answers by going to the sign-in page.

Sockets are held weakly and dropped once closed, so a handler needs no code to leave the registry.
Closing may be asked from a worker thread (the auth routes are sync): each socket is closed on
the event loop that serves it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from dataclasses import dataclass

from starlette.websockets import WebSocket, WebSocketState

# How long a socket still in its handshake (the handler is loading the notebook) may take to be
# accepted before it is closed anyway; then the close refuses the handshake.
HANDSHAKE_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class _Entry:
    socket: weakref.ReferenceType[WebSocket]
    loop: asyncio.AbstractEventLoop
    user_id: int
    session_digest: str | None  # the session row's token hash; None for a bearer-token socket


class SignedInSockets:
    def __init__(self) -> None:
        self._entries: dict[int, _Entry] = {}
        self._lock = threading.Lock()

    def add(self, websocket: WebSocket, user_id: int, session_digest: str | None) -> None:
        """Remember a socket that was just authenticated (call on its event loop)."""
        entry = _Entry(weakref.ref(websocket), asyncio.get_running_loop(), user_id, session_digest)
        with self._lock:
            # Forget sockets that have closed since (no weakref callback: one could run inside
            # this lock during a garbage collection).
            for key in [k for k, e in self._entries.items() if not _is_open(e.socket())]:
                del self._entries[key]
            self._entries[id(websocket)] = entry

    def count(self) -> int:
        with self._lock:
            return sum(1 for e in self._entries.values() if _is_open(e.socket()))

    def close_session(self, session_digest: str, reason: str) -> int:
        """Close every socket of one browser session (sign-out). Returns how many."""
        return self._close(lambda e: e.session_digest == session_digest, reason)

    def close_account(self, user_id: int, reason: str, *, keep_session: str | None = None,
                      browser_only: bool = False) -> int:
        """Close every socket of an account, except those of ``keep_session`` (the session that
        changed its own password stays signed in) and, with ``browser_only``, those of API
        tokens (a new password leaves tokens valid). Returns how many."""

        def matches(e: _Entry) -> bool:
            if e.user_id != user_id or (browser_only and e.session_digest is None):
                return False
            return keep_session is None or e.session_digest != keep_session

        return self._close(matches, reason)

    def _close(self, matches, reason: str) -> int:
        with self._lock:
            chosen = [(key, e) for key, e in self._entries.items() if matches(e)]
            for key, _e in chosen:
                del self._entries[key]
        closed = 0
        for _key, entry in chosen:
            websocket = entry.socket()
            if not _is_open(websocket):
                continue
            closed += 1
            with contextlib.suppress(RuntimeError):  # the loop already stopped: the socket is gone too
                entry.loop.call_soon_threadsafe(_schedule_close, websocket, reason)
        return closed


def _is_open(websocket: WebSocket | None) -> bool:
    return websocket is not None and websocket.application_state != WebSocketState.DISCONNECTED and (
        websocket.client_state != WebSocketState.DISCONNECTED
    )


def _schedule_close(websocket: WebSocket, reason: str) -> None:
    asyncio.ensure_future(_close_signed_out(websocket, reason))


async def _close_signed_out(websocket: WebSocket, reason: str) -> None:
    # Imported here: websocket.py imports this module for the registry's type.
    from nbcloud.hub.auth.websocket import CLOSE_SIGNED_OUT, close_reason

    loop = asyncio.get_running_loop()
    deadline = loop.time() + HANDSHAKE_GRACE_SECONDS
    while websocket.application_state == WebSocketState.CONNECTING and loop.time() < deadline:
        await asyncio.sleep(0.05)  # its handler is still opening the notebook; close once accepted
    if not _is_open(websocket):
        return
    with contextlib.suppress(Exception):  # the peer left at the same moment: nothing to close
        await websocket.close(code=CLOSE_SIGNED_OUT, reason=close_reason(reason))
