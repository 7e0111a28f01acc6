"""The y-websocket side of a room: its sockets, and the messages between them and the document.

Wire protocol (binary frames only; every message is one frame):

    [0, 0, varUint8Array(state vector)]   sync step 1  "here is what I have"
    [0, 1, varUint8Array(update)]         sync step 2  "here is what you lack"
    [0, 2, varUint8Array(update)]         update       an incremental change
    [1, varUint8Array(awareness update)]  awareness    cursors, selections, user names
    [3]                                   query awareness: the hub answers with every state
    [100, varString(JSON)]                the hub's own messages (hub_messages.py): the room's
                                          epoch, save status, a refused update

On connect the hub sends its hello (the epoch), the save status, its sync step 1 and the
awareness states it knows; the client sends its own sync step 1 (the hub answers step 2) and
answers the hub's step 1 with step 2. After that both sides send updates. A frame that cannot be
parsed or applied raises ProtocolError (the socket handler closes that socket with 1007); text
frames are closed with 1003 by the handler. Neither affects the room or the other sockets.

A page's update is checked before it touches the live document (guard.py: RejectedUpdate), and a
page's sync step 1 from an earlier load of the notebook is refused (epoch.py: StaleDocument).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from pycrdt import (
    Awareness,
    Decoder,
    Doc,
    Encoder,
    YMessageType,
    YSyncMessageType,
    create_awareness_message,
    create_sync_message,
    handle_sync_message,
)

from nbcloud.hub.documents.epoch import LoadEpoch, StaleDocument
from nbcloud.hub.documents.guard import RejectedUpdate, UpdateGuard

MESSAGE_QUERY_AWARENESS = 3
# Close codes the browser sees (after the socket was accepted).
CLOSE_GOING_AWAY = 1001
CLOSE_TEXT_FRAME = 1003
CLOSE_BAD_MESSAGE = 1007
CLOSE_TOO_SLOW = 1013
# A client that falls this many messages behind is disconnected (it resyncs on reconnect).
MAX_QUEUED_MESSAGES = 20_000
MAX_AWARENESS_BYTES = 64 * 1024
# An update that changes nothing (an empty Y update: no structs, no deletes).
EMPTY_UPDATE = b"\x00\x00"


class ProtocolError(Exception):
    """A frame that is not a y-websocket message this hub accepts."""


@dataclass(eq=False)
class Connection:
    """One socket in a room. ``read_only`` connections receive but cannot change the notebook.

    The socket's sender task drains ``queue``; ``None`` in it means "close this socket"."""

    user_id: int
    read_only: bool = False
    queue: asyncio.Queue[bytes | None] = field(default_factory=asyncio.Queue)
    awareness_ids: set[int] = field(default_factory=set)
    overflowed: bool = False

    def push(self, message: bytes) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= MAX_QUEUED_MESSAGES:
            self.overflowed = True
            self.queue.put_nowait(None)  # the sender sees it and closes the socket
            return
        self.queue.put_nowait(message)


class SyncProtocol:
    """The sockets of one room: y-websocket sync and awareness, and the fan-out of messages."""

    def __init__(self, item_id: str, doc: Doc[Any], awareness: Awareness, guard: UpdateGuard,
                 epoch: LoadEpoch) -> None:
        self.item_id = item_id
        self.doc = doc
        self.awareness = awareness
        self.guard = guard
        self.epoch = epoch
        self.connections: set[Connection] = set()
        # The socket whose update is being applied now: the change is not echoed back to it.
        self.applying_from: Connection | None = None

    def broadcast(self, message: bytes, *, skip: Connection | None = None) -> None:
        for conn in self.connections:
            if conn is not skip:
                conn.push(message)

    def join(self, conn: Connection, greeting: list[bytes]) -> None:
        """Add a socket: it gets ``greeting`` (the hub's own messages), then the hub's sync step 1
        and every awareness state the room knows."""
        self.connections.add(conn)
        for message in greeting:
            conn.push(message)
        conn.push(create_sync_message(self.doc))
        self._send_awareness(conn)

    def leave(self, conn: Connection) -> None:
        self.connections.discard(conn)
        gone = [cid for cid in conn.awareness_ids if cid in self.awareness.states]
        conn.awareness_ids.clear()
        if gone:
            # Mark them removed (state null, clock + 1) so every other client drops the cursors.
            for cid in gone:
                self.awareness.meta[cid]["clock"] += 1
            self.awareness.remove_awareness_states(gone, "disconnect")
            self.broadcast(create_awareness_message(self._encode_removal(gone)))

    def close_all(self) -> None:
        """Ask every socket's sender to close it (the room is closing)."""
        for conn in list(self.connections):
            conn.queue.put_nowait(None)

    def handle_message(self, conn: Connection, message: bytes) -> None:
        """Apply one frame from ``conn``. Raises ProtocolError for anything malformed,
        RejectedUpdate for an update that would make the notebook unsavable and StaleDocument
        for a document of an earlier load."""
        if not message:
            raise ProtocolError("empty frame")
        kind = message[0]
        try:
            if kind == YMessageType.SYNC:
                self._handle_sync(conn, message[1:])
            elif kind == YMessageType.AWARENESS:
                self._handle_awareness(conn, message)
            elif kind == MESSAGE_QUERY_AWARENESS:
                self._send_awareness(conn)
            else:
                raise ProtocolError(f"unknown message type {kind}")
        except (ProtocolError, RejectedUpdate, StaleDocument):
            raise
        except Exception as e:  # pycrdt raises ValueError, IndexError, ... on garbage
            raise ProtocolError(f"{type(e).__name__}: {e}") from e

    def _send_awareness(self, conn: Connection) -> None:
        states = list(self.awareness.states)
        if states:
            conn.push(create_awareness_message(self.awareness.encode_awareness_update(states)))

    def _handle_sync(self, conn: Connection, body: bytes) -> None:
        if len(body) < 2:
            raise ProtocolError("truncated sync message")
        sub = body[0]
        if sub not in (YSyncMessageType.SYNC_STEP1, YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
            raise ProtocolError(f"unknown sync message type {sub}")
        payload = read_exact(body[1:])
        if sub == YSyncMessageType.SYNC_STEP1:
            self.epoch.check(payload, self.item_id)
            reply = handle_sync_message(body, self.doc)
            if reply is not None:
                conn.push(reply)
            return
        if conn.read_only:
            return  # viewers may sync but their changes are dropped
        if payload == EMPTY_UPDATE:
            return
        self.guard.check(payload)  # raises RejectedUpdate; the live document is not touched
        self.applying_from = conn
        try:
            self.doc.apply_update(payload)
        finally:
            self.applying_from = None

    def _handle_awareness(self, conn: Connection, message: bytes) -> None:
        payload = read_exact(message[1:])
        if len(payload) > MAX_AWARENESS_BYTES:
            raise ProtocolError("awareness update too large")
        # Parse fully before applying, so garbage never reaches the shared state.
        dec = Decoder(payload)
        entries = []
        for _ in range(dec.read_var_uint()):
            cid = dec.read_var_uint()
            clock = dec.read_var_uint()
            raw = dec.read_var_string()
            state = json.loads(raw) if raw else None
            if state is not None and not isinstance(state, dict):
                raise ProtocolError("awareness state must be an object or null")
            entries.append((cid, clock, state))
        if dec.length != 0:
            raise ProtocolError("trailing bytes after awareness update")
        self.awareness.apply_awareness_update(payload, conn)
        for cid, _clock, state in entries:
            if state is None:
                conn.awareness_ids.discard(cid)
            else:
                conn.awareness_ids.add(cid)
        self.broadcast(message, skip=conn)

    def _encode_removal(self, client_ids: list[int]) -> bytes:
        enc = Encoder()
        enc.write_var_uint(len(client_ids))
        for cid in client_ids:
            enc.write_var_uint(cid)
            enc.write_var_uint(self.awareness.meta.get(cid, {}).get("clock", 0))
            enc.write_var_string("null")
        return enc.to_bytes()


def read_exact(data: bytes) -> bytes:
    """One varUint8Array that must fill ``data`` exactly."""
    dec = Decoder(data)
    payload = dec.read_message()
    if payload is None:
        raise ProtocolError("missing payload")
    if dec.length != 0:
        raise ProtocolError("trailing bytes after payload")
    return payload
