"""Every open WebSocket of a signed-in principal, so that ending a session closes its sockets.

A socket is checked once, at its handshake; without this a socket opened before sign-out (or
before a password change, or before an administrator disabled the account) would keep working:
a cell could still be run. ``websocket_principal`` adds each socket it lets through; sign-out,
a password change and account administration close the matching ones with 4401, which the page
reads as "signed out" and answers by going to the sign-in page.

Sockets are held weakly and dropped once closed, so a handler needs no code to leave the registry.
Closing may be asked from a worker thread (the auth routes are sync): each socket is closed on
the event loop that serves it.

Sessions can also end where this process does not see it: ``nbcloud user disable`` in a shell,
another hub process behind the same database, a session running out. While sockets are open, a
watcher asks the database every ``SWEEP_SECONDS`` which of their sessions and accounts are still
signed in, and closes the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

log = logging.getLogger("nbcloud.auth")

# The close code a page reads as "signed out" (it goes to the sign-in page), not a network failure.
CLOSE_SIGNED_OUT = 4401


class SignedInSocket(Protocol):
    """What the registry needs of a socket: a Starlette ``WebSocket`` has it. Its states are
    compared by name (CONNECTING, CONNECTED, DISCONNECTED), so that accounts need no web framework."""

    @property
    def application_state(self) -> Enum: ...

    @property
    def client_state(self) -> Enum: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


def close_reason(text: str) -> str:
    """A close reason is at most 123 bytes of UTF-8."""
    data = text.encode("utf-8")
    if len(data) <= 123:
        return text
    return data[:120].decode("utf-8", "ignore") + "..."

# How often open sockets are checked against the database (as often as the principal cache
# forgets, so a change made elsewhere reaches sockets and requests alike).
SWEEP_SECONDS = 5.0
SIGNED_OUT_ELSEWHERE = "This session ended (signed out elsewhere, or the account changed). Sign in again."

# (session digests, user ids of bearer sockets) -> the ones still signed in.
StillSignedIn = Callable[[set[str], set[int]], tuple[set[str], set[int]]]

# How long a socket still in its handshake (the handler is loading the notebook) may take to be
# accepted before it is closed anyway; then the close refuses the handshake.
HANDSHAKE_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class _Entry:
    socket: weakref.ReferenceType[SignedInSocket]
    loop: asyncio.AbstractEventLoop
    user_id: int
    session_digest: str | None  # the session row's token hash; None for a bearer-token socket


class SignedInSockets:
    def __init__(self) -> None:
        self._entries: dict[int, _Entry] = {}
        self._lock = threading.Lock()
        self._watchers: dict[asyncio.AbstractEventLoop, asyncio.Task[None]] = {}

    def add(self, websocket: SignedInSocket, user_id: int, session_digest: str | None,
            still_signed_in: StillSignedIn | None = None) -> None:
        """Remember a socket that was just authenticated (call on its event loop). With
        ``still_signed_in``, a watcher on this loop also closes it once the database says its
        session or account ended."""
        loop = asyncio.get_running_loop()
        entry = _Entry(weakref.ref(websocket), loop, user_id, session_digest)
        with self._lock:
            # Forget sockets that have closed since (no weakref callback: one could run inside
            # this lock during a garbage collection).
            for key in [k for k, e in self._entries.items() if not _is_open(e.socket())]:
                del self._entries[key]
            self._entries[id(websocket)] = entry
        if still_signed_in is not None:
            watcher = self._watchers.get(loop)
            if watcher is None or watcher.done():
                self._watchers[loop] = loop.create_task(self._watch(loop, still_signed_in))

    async def stop(self) -> None:
        """Stop the watcher of the running loop (the hub is shutting down)."""
        watcher = self._watchers.pop(asyncio.get_running_loop(), None)
        if watcher is not None and not watcher.done():
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    def _open_on(self, loop: asyncio.AbstractEventLoop) -> list[_Entry]:
        with self._lock:
            return [e for e in self._entries.values() if e.loop is loop and _is_open(e.socket())]

    async def _watch(self, loop: asyncio.AbstractEventLoop, still_signed_in: StillSignedIn) -> None:
        """Until this loop has no open socket: close those whose session ended elsewhere."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            entries = self._open_on(loop)
            if not entries:
                return
            digests = {e.session_digest for e in entries if e.session_digest is not None}
            bearers = {e.user_id for e in entries if e.session_digest is None}
            try:
                live_digests, live_users = await asyncio.to_thread(still_signed_in, digests, bearers)
            except Exception:  # the database is briefly away: ask again next time
                log.warning("could not check open sockets against the database", exc_info=True)
                continue
            ended = {id(e.socket()) for e in entries if (
                e.session_digest not in live_digests if e.session_digest is not None else e.user_id not in live_users
            )}
            if ended:
                self._close(_socket_in(ended), SIGNED_OUT_ELSEWHERE)

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

    def _close(self, matches: Callable[[_Entry], bool], reason: str) -> int:
        with self._lock:
            chosen = [(key, e) for key, e in self._entries.items() if matches(e)]
            for key, _e in chosen:
                del self._entries[key]
        closed = 0
        for _key, entry in chosen:
            websocket = entry.socket()
            if websocket is None or not _is_open(websocket):
                continue
            closed += 1
            with contextlib.suppress(RuntimeError):  # the loop already stopped: the socket is gone too
                entry.loop.call_soon_threadsafe(_schedule_close, websocket, reason)
        return closed


def _socket_in(ids: set[int]) -> Callable[[_Entry], bool]:
    return lambda e: id(e.socket()) in ids


def _is_open(websocket: SignedInSocket | None) -> bool:
    return websocket is not None and websocket.application_state.name != "DISCONNECTED" and (
        websocket.client_state.name != "DISCONNECTED"
    )


# Closes in flight, held until done: the event loop keeps only weak references to tasks.
_closing: set[asyncio.Task[None]] = set()


def _schedule_close(websocket: SignedInSocket, reason: str) -> None:
    task = asyncio.ensure_future(_close_signed_out(websocket, reason))
    _closing.add(task)
    task.add_done_callback(_closing.discard)


async def _close_signed_out(websocket: SignedInSocket, reason: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HANDSHAKE_GRACE_SECONDS
    while websocket.application_state.name == "CONNECTING" and loop.time() < deadline:
        await asyncio.sleep(0.05)  # its handler is still opening the notebook; close once accepted
    if not _is_open(websocket):
        return
    with contextlib.suppress(Exception):  # the peer left at the same moment: nothing to close
        await websocket.close(code=CLOSE_SIGNED_OUT, reason=close_reason(reason))
