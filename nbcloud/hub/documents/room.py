"""One live notebook: a YNotebook (JupyterLab's schema on pycrdt), the sockets syncing it, autosave.

Everything here runs on the hub's event loop; call a ``LiveDocument`` only from there.

Wire protocol (y-websocket, binary frames only; every message is one frame):

    [0, 0, varUint8Array(state vector)]   sync step 1  "here is what I have"
    [0, 1, varUint8Array(update)]         sync step 2  "here is what you lack"
    [0, 2, varUint8Array(update)]         update       an incremental change
    [1, varUint8Array(awareness update)]  awareness    cursors, selections, user names
    [3]                                   query awareness: the hub answers with every state
    [100, varString(JSON)]                the hub's own messages (hub_messages.py): the room's
                                          epoch, save status, a refused update

On connect the hub sends its hello (the epoch), its sync step 1 and the awareness states it knows;
the client sends its own sync step 1 (the hub answers step 2) and answers the hub's step 1 with
step 2. After that both sides send updates. A frame that cannot be parsed or applied closes that
socket (1007); text frames close it with 1003. Neither affects the room or the other sockets.

Two checks keep the document whole (see guard.py): an update that would make the notebook
unsavable is refused (RejectedUpdate; the socket is closed with 4400), and a client whose sync
step 1 shows a document from an earlier load of this notebook (its state lacks what this load
wrote) is refused before it can merge its old cells back in (StaleDocument; closed with 4409).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import datetime as dt
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jupyter_ydoc import YNotebook
from jupyter_ydoc.utils import cast_all
from nbcloud.hub.documents.guard import RejectedUpdate, UpdateGuard
from nbcloud.hub.documents.hub_messages import describe_save_error, hub_message
from nbcloud.hub.documents.kept_text import KEY as KEPT_KEY
from nbcloud.hub.documents.kept_text import KeptText
from nbcloud.hub.documents.state_vector import decode_state_vector
from pycrdt import (
    Array,
    Awareness,
    Decoder,
    Doc,
    Map,
    Text,
    TransactionEvent,
    YMessageType,
    YSyncMessageType,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    handle_sync_message,
    read_message,
)

log = logging.getLogger("nbcloud.documents")

MESSAGE_QUERY_AWARENESS = 3
# Close codes the browser sees (after the socket was accepted).
CLOSE_GOING_AWAY = 1001
CLOSE_TEXT_FRAME = 1003
CLOSE_BAD_MESSAGE = 1007
CLOSE_TOO_SLOW = 1013
# A client that falls this many messages behind is disconnected (it resyncs on reconnect).
MAX_QUEUED_MESSAGES = 20_000
MAX_AWARENESS_BYTES = 64 * 1024


class ProtocolError(Exception):
    """A frame that is not a y-websocket message this hub accepts."""


class StaleDocument(Exception):
    """A client holds the document of an earlier load (before a hub restart or a reopen)."""


__all__ = ["RejectedUpdate", "StaleDocument"]


class CellNotFound(KeyError):
    pass


class DocumentClosed(RuntimeError):
    pass


@dataclass(eq=False)
class Connection:
    """One socket in a room. ``read_only`` connections receive but cannot change the notebook."""

    user_id: int
    read_only: bool = False
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
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


class LiveDocument:
    """An open notebook. Browsers edit it through sockets; the hub through the methods below.

    Every change, from either side, reaches every connected socket and is autosaved.
    """

    def __init__(
        self,
        item_id: str,
        owner_id: int,
        content: dict[str, Any],
        save: Callable[["LiveDocument", dict[str, Any]], Awaitable[bool]],
        *,
        autosave_delay: float = 1.0,
        autosave_max_delay: float = 5.0,
        retry_min_delay: float = 1.0,
        retry_max_delay: float = 30.0,
        before_save: Callable[["LiveDocument", dict[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        self.item_id = item_id
        self.owner_id = owner_id
        self.doc = Doc()
        self.awareness = Awareness(self.doc)
        self.awareness.set_local_state(None)  # the hub itself is not a collaborator
        self.notebook = YNotebook(self.doc, self.awareness)
        # Long stream texts stay beside the document (see kept_text.py).
        self.kept = KeptText()
        self.notebook.set(self.kept.keep_all(content))
        # This load of the notebook: pages learn it on connect (see hub_messages.py). A page's
        # document that lacks what this load wrote comes from an earlier load.
        self.epoch = secrets.token_urlsafe(12)
        self._load_client = self.doc.client_id
        self._load_clock = decode_state_vector(self.doc.get_state()).get(self._load_client, 0)
        self.guard = UpdateGuard(self.doc)
        self.connections: set[Connection] = set()
        self.holds = 0
        self.closed = False
        self.last_save_error: str | None = None
        self.last_saved_at: float | None = None
        self._saved_state: dict[int, int] = decode_state_vector(self.doc.get_state())
        self._retry_min_delay = retry_min_delay
        self._retry_max_delay = retry_max_delay
        self.retry_delay: float | None = None  # set while saves fail: the wait before the next try
        self._save_fn = save
        # Called with the content about to be saved; may change the document (the hub's own
        # metadata, such as the widget state) and returns the content to save.
        self._before_save = before_save
        self._save_lock = asyncio.Lock()
        self._autosave_delay = autosave_delay
        self._autosave_max_delay = autosave_max_delay
        self._changed = asyncio.Event()
        self._updated: list[asyncio.Future] = []  # wait_for_state() callers
        self._dirty_since: float | None = None
        self._last_change = 0.0
        self._applying_from: Connection | None = None
        self._subscription = self.doc.observe(self._on_transaction)
        self._saver = asyncio.get_running_loop().create_task(self._autosave_loop(), name=f"autosave {item_id}")

    # ----- changes -----------------------------------------------------------------------------

    def _on_transaction(self, event: TransactionEvent) -> None:
        update = event.update
        if not update or update == b"\x00\x00":
            return
        message = create_update_message(update)
        origin = self._applying_from
        if origin is None:
            self.guard.mirror(update)  # the hub's own change (a page's was checked on the shadow)
        for conn in self.connections:
            if conn is not origin:
                conn.push(message)
        now = time.monotonic()
        self._last_change = now
        if self._dirty_since is None:
            self._dirty_since = now
        self._changed.set()
        waiting, self._updated = self._updated, []
        for future in waiting:
            if not future.done():
                future.set_result(None)

    def has_state(self, state_vector: bytes) -> bool:
        """Whether this document holds every change that ``state_vector`` (a Y state vector, as
        ``Y.encodeStateVector`` gives it) has seen."""
        mine = decode_state_vector(self.doc.get_state())
        return all(mine.get(client, 0) >= clock for client, clock in decode_state_vector(state_vector).items())

    async def wait_for_state(self, state_vector: bytes, timeout: float = 10.0) -> bool:
        """Until this document holds what a page had when it sent ``state_vector`` (its changes
        travel on the document's own socket, possibly behind a request on another socket).
        False after ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.has_state(state_vector):
            remaining = deadline - loop.time()
            if remaining <= 0 or self.closed:
                return False
            future = loop.create_future()
            self._updated.append(future)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(future, remaining)
        return True

    @property
    def dirty(self) -> bool:
        return self._dirty_since is not None

    async def _autosave_loop(self) -> None:
        while True:
            await self._changed.wait()
            # Wait until edits pause for autosave_delay, but never longer than autosave_max_delay.
            while True:
                first = self._dirty_since if self._dirty_since is not None else time.monotonic()
                deadline = min(self._last_change + self._autosave_delay, first + self._autosave_max_delay)
                wait = deadline - time.monotonic()
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self._changed.clear()
            try:
                await self.save()
            except Exception as e:  # never let the loop die: retried below, with back-off
                log.error("autosave of document %s failed: %s", self.item_id, e)
            # A failed save keeps the edits (the document stays dirty) and is tried again, later
            # each time, until it works; every page shows "Not saved" meanwhile.
            while self.last_save_error is not None and self.dirty and self.retry_delay is not None:
                await asyncio.sleep(self.retry_delay)
                try:
                    await self.save()
                except Exception as e:
                    log.error("autosave of document %s failed again: %s", self.item_id, e)

    async def save(self) -> bool:
        """Write the notebook to its file now if it changed. True when the file was written."""
        async with self._save_lock:
            if self._dirty_since is None:
                return False
            content = self.kept.restore(self.notebook.get(), forget_unused=True)
            if self._before_save is not None:
                try:
                    content = self._before_save(self, content)
                except Exception:  # the notebook itself must still be saved
                    log.exception("preparing document %s for saving failed", self.item_id)
            # After before_save: what it changed in the document is part of this save.
            self._dirty_since = None
            saving_state = decode_state_vector(self.doc.get_state())
            self._broadcast_save("saving")
            try:
                written = await self._save_fn(self, content)
            except BaseException as e:
                # Keep it dirty so a later change, the retry or the final flush tries again.
                if self._dirty_since is None:
                    self._dirty_since = time.monotonic()
                self.last_save_error = describe_save_error(e)
                self.retry_delay = (
                    self._retry_min_delay
                    if self.retry_delay is None
                    else min(self.retry_delay * 2, self._retry_max_delay)
                )
                self._broadcast_save("failed")
                raise
            self.last_save_error = None
            self.retry_delay = None
            self.last_saved_at = time.time()
            self._saved_state = saving_state
            self._broadcast_save("saved")
            return written

    def save_status(self, state: str | None = None) -> bytes:
        """The save-status message (hub_messages.py) as things stand."""
        if state is None:
            state = "failed" if self.last_save_error is not None else "saving" if self.dirty else "saved"
        return hub_message({
            "type": "save",
            "state": state,
            "error": self.last_save_error if state == "failed" else None,
            "retry_in": self.retry_delay if state == "failed" else None,
            "saved": {str(client): clock for client, clock in self._saved_state.items()},
        })

    def _broadcast_save(self, state: str) -> None:
        message = self.save_status(state)
        for conn in self.connections:
            conn.push(message)

    def request_save(self) -> None:
        """Save soon (as after an edit) although the document itself did not change: something the
        hub adds at save time (the widget state) did."""
        if self.closed:
            return
        now = time.monotonic()
        self._last_change = now
        if self._dirty_since is None:
            self._dirty_since = now
        self._changed.set()

    # ----- sockets -----------------------------------------------------------------------------

    def join(self, conn: Connection) -> None:
        if self.closed:
            raise DocumentClosed(self.item_id)
        self.connections.add(conn)
        conn.push(hub_message({"type": "hello", "epoch": self.epoch}))
        conn.push(self.save_status())
        conn.push(create_sync_message(self.doc))
        states = list(self.awareness.states)
        if states:
            conn.push(create_awareness_message(self.awareness.encode_awareness_update(states)))

    def leave(self, conn: Connection) -> None:
        self.connections.discard(conn)
        gone = [cid for cid in conn.awareness_ids if cid in self.awareness.states]
        conn.awareness_ids.clear()
        if gone:
            # Mark them removed (state null, clock + 1) so every other client drops the cursors.
            for cid in gone:
                self.awareness.meta[cid]["clock"] += 1
            self.awareness.remove_awareness_states(gone, "disconnect")
            message = create_awareness_message(self._encode_removal(gone))
            for other in self.connections:
                other.push(message)

    def _encode_removal(self, client_ids: list[int]) -> bytes:
        from pycrdt import Encoder

        enc = Encoder()
        enc.write_var_uint(len(client_ids))
        for cid in client_ids:
            enc.write_var_uint(cid)
            enc.write_var_uint(self.awareness.meta.get(cid, {}).get("clock", 0))
            enc.write_var_string("null")
        return enc.to_bytes()

    def handle_message(self, conn: Connection, message: bytes) -> None:
        """Apply one frame from ``conn``. Raises ProtocolError for anything malformed."""
        if self.closed:
            raise DocumentClosed(self.item_id)
        if not message:
            raise ProtocolError("empty frame")
        kind = message[0]
        try:
            if kind == YMessageType.SYNC:
                self._handle_sync(conn, message[1:])
            elif kind == YMessageType.AWARENESS:
                self._handle_awareness(conn, message)
            elif kind == MESSAGE_QUERY_AWARENESS:
                states = list(self.awareness.states)
                if states:
                    conn.push(create_awareness_message(self.awareness.encode_awareness_update(states)))
            else:
                raise ProtocolError(f"unknown message type {kind}")
        except (ProtocolError, RejectedUpdate, StaleDocument):
            raise
        except Exception as e:  # pycrdt raises ValueError, IndexError, ... on garbage
            raise ProtocolError(f"{type(e).__name__}: {e}") from e

    def _handle_sync(self, conn: Connection, body: bytes) -> None:
        if len(body) < 2:
            raise ProtocolError("truncated sync message")
        sub = body[0]
        if sub not in (YSyncMessageType.SYNC_STEP1, YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
            raise ProtocolError(f"unknown sync message type {sub}")
        payload = _read_exact(body[1:])
        if sub == YSyncMessageType.SYNC_STEP1:
            self._check_epoch(payload)
            reply = handle_sync_message(body, self.doc)
            if reply is not None:
                conn.push(reply)
            return
        if conn.read_only:
            return  # viewers may sync but their changes are dropped
        if payload == b"\x00\x00":
            return
        self.guard.check(payload)  # raises RejectedUpdate; the live document is not touched
        self._applying_from = conn
        try:
            self.doc.apply_update(payload)
        finally:
            self._applying_from = None

    def _check_epoch(self, state_vector: bytes) -> None:
        """Refuse a client whose document has content but not what this load wrote: it was
        synced with an earlier load, and syncing it would add every cell a second time."""
        theirs = decode_state_vector(state_vector)
        if theirs and theirs.get(self._load_client, 0) < self._load_clock:
            raise StaleDocument(self.item_id)

    def _handle_awareness(self, conn: Connection, message: bytes) -> None:
        payload = _read_exact(message[1:])
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
        for other in self.connections:
            if other is not conn:
                other.push(message)

    # ----- the hub's own edits (used by execution) -------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several changes into one update (one message to every browser)."""
        with self.doc.transaction(origin="hub"):
            yield

    def content(self) -> dict[str, Any]:
        """The notebook as an nbformat dict, as it is now (every output whole)."""
        return self.kept.restore(self.notebook.get())

    def cell_ids(self) -> list[str]:
        return [str(c.get("id")) for c in self.notebook.ycells]

    def _ycell(self, cell_id: str) -> Map:
        if self.closed:
            raise DocumentClosed(self.item_id)
        for ycell in self.notebook.ycells:
            if ycell.get("id") == cell_id:
                return ycell
        raise CellNotFound(cell_id)

    def get_cell(self, cell_id: str) -> dict[str, Any]:
        ycell = self._ycell(cell_id)
        return self.notebook._cell_to_py(ycell)

    def cell_type(self, cell_id: str) -> str:
        """The cell's type, without copying its outputs (which may be megabytes)."""
        return str(self._ycell(cell_id).get("cell_type"))

    def cell_source(self, cell_id: str) -> str:
        return str(self._ycell(cell_id)["source"])

    def append_output(self, cell_id: str, output: dict[str, Any]) -> bool:
        """Add one nbformat output to a code cell. Consecutive stream text of the same name is
        merged into one output, as Jupyter does, except into or out of a kept text (too long to
        show, see kept_text.py). True when it became an output of its own."""
        ycell = self._ycell(cell_id)
        output = self.kept.keep(output)
        with self.transaction():
            youtputs = ycell.get("outputs")
            if not isinstance(youtputs, Array):
                youtputs = Array()
                ycell["outputs"] = youtputs
            if output.get("output_type") == "stream" and len(youtputs) > 0:
                last = youtputs[len(youtputs) - 1]
                if (
                    isinstance(last, Map)
                    and last.get("output_type") == "stream"
                    and last.get("name") == output.get("name")
                    and isinstance(last.get("text"), Text)
                    and KEPT_KEY not in last
                    and KEPT_KEY not in output
                ):
                    text = output.get("text", "")
                    ytext: Text = last["text"]
                    ytext.insert(len(ytext), text if isinstance(text, str) else "".join(text))
                    return False
            youtputs.append(self.notebook._create_youtputs([output])[0])
            return True

    def set_outputs(self, cell_id: str, outputs: list[dict[str, Any]]) -> None:
        """Replace a cell's outputs (``[]`` clears them)."""
        ycell = self._ycell(cell_id)
        with self.transaction():
            self.notebook._set_ycell_outputs(ycell, [self.kept.keep(output) for output in outputs])

    def clear_outputs(self, cell_id: str) -> None:
        self.set_outputs(cell_id, [])

    def set_execution_count(self, cell_id: str, count: int | None) -> None:
        ycell = self._ycell(cell_id)
        with self.transaction():
            ycell["execution_count"] = count

    def set_execution_state(self, cell_id: str, state: str) -> None:
        """JupyterLab's transient per-cell state: "idle", "busy" or "running". Not saved."""
        ycell = self._ycell(cell_id)
        with self.transaction():
            ycell["execution_state"] = state

    def set_cell_metadata(self, cell_id: str, key: str, value: Any) -> None:
        """Set (or with ``value=None`` remove) one key of a cell's metadata."""
        ycell = self._ycell(cell_id)
        with self.transaction():
            meta = ycell.get("metadata")
            if not isinstance(meta, Map):
                meta = Map({})
                ycell["metadata"] = meta
            if value is None:
                if key in meta:
                    del meta[key]
            else:
                meta[key] = value

    def set_notebook_metadata(self, key: str, value: Any) -> None:
        """Set (or with ``value=None`` remove) one key of the notebook's metadata."""
        if self.closed:
            raise DocumentClosed(self.item_id)
        meta = self.notebook._ymeta.get("metadata")
        with self.transaction():
            if not isinstance(meta, Map):
                meta = Map({})
                self.notebook._ymeta["metadata"] = meta
            if value is None:
                if key in meta:
                    del meta[key]
            else:
                # Yjs has only floating-point numbers (what YNotebook.set does too).
                meta[key] = cast_all(copy.deepcopy(value), int, float) if isinstance(value, (dict, list)) else value

    def append_cell(self, cell: dict[str, Any]) -> str:
        """Add a cell at the end; returns its id."""
        with self.transaction():
            ycell = self.notebook.create_ycell(cell)
            self.notebook.ycells.append(ycell)
        return str(ycell["id"])

    # ----- closing -----------------------------------------------------------------------------

    async def close(self) -> None:
        """Stop autosave, write what is unsaved. Sockets are closed by their handlers."""
        if self.closed:
            return
        self._saver.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._saver
        try:
            await self.save()
        finally:
            self.closed = True
            self.doc.unobserve(self._subscription)
            for conn in list(self.connections):
                conn.queue.put_nowait(None)


def _read_exact(data: bytes) -> bytes:
    """One varUint8Array that must fill ``data`` exactly."""
    dec = Decoder(data)
    payload = dec.read_message()
    if payload is None:
        raise ProtocolError("missing payload")
    if dec.length != 0:
        raise ProtocolError("trailing bytes after payload")
    return payload


def utc_stamp(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%S.%fZ")
