"""One live notebook: a YNotebook (JupyterLab's schema on pycrdt), the sockets syncing it, autosave.

``LiveDocument`` is the one entry point; it composes the parts, each a module with one job:

    protocol.py     the sockets: y-websocket sync and awareness, the hub's own [100, JSON] messages
    guard.py        no update from a page may make the notebook unsavable (RejectedUpdate)
    epoch.py        no page may sync a document from an earlier load (StaleDocument)
    persistence.py  debounced autosave with retry and back-off, and the save status pages show
    editing.py      the hub's own edits (outputs, execution counts) for the execution layer
    kept_text.py    long stream texts kept beside the document

What the room itself does is wire every change of the document, from a page or from the hub,
to the parts: each other socket gets it, the guard's shadow mirrors the hub's own, autosave is
told, and ``wait_for_state`` callers wake.

Everything here runs on the hub's event loop; call a ``LiveDocument`` only from there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from jupyter_ydoc import YNotebook
from pycrdt import Awareness, Doc, TransactionEvent, create_update_message

from nbcloud.hub.documents import hub_messages
from nbcloud.hub.documents.editing import CellNotFound, DocumentClosed, NotebookEditor
from nbcloud.hub.documents.epoch import LoadEpoch, StaleDocument
from nbcloud.hub.documents.guard import RejectedUpdate, UpdateGuard
from nbcloud.hub.documents.kept_text import KeptText
from nbcloud.hub.documents.persistence import Autosave
from nbcloud.hub.documents.protocol import EMPTY_UPDATE, Connection, ProtocolError, SyncProtocol
from nbcloud.hub.documents.state_vector import decode_state_vector

log = logging.getLogger("nbcloud.documents")

# Callers (execution, tests) import these from here: the room is the package's entry point.
__all__ = ["CellNotFound", "Connection", "DocumentClosed", "LiveDocument", "ProtocolError", "RejectedUpdate",
           "StaleDocument"]

# Writes a room's notebook (the content given) to its file; True when the file changed.
SaveFn = Callable[["LiveDocument", dict[str, Any]], Awaitable[bool]]
# Called with the content about to be saved; may change the document (the hub's own metadata,
# such as the widget state) and returns the content to save.
BeforeSave = Callable[["LiveDocument", dict[str, Any]], dict[str, Any]]


class LiveDocument:
    """An open notebook. Browsers edit it through sockets; the hub through the methods below.

    Every change, from either side, reaches every connected socket and is autosaved.
    """

    def __init__(
        self,
        item_id: str,
        owner_id: int,
        content: dict[str, Any],
        save: SaveFn,
        *,
        autosave_delay: float = 1.0,
        autosave_max_delay: float = 5.0,
        retry_min_delay: float = 1.0,
        retry_max_delay: float = 30.0,
        before_save: BeforeSave | None = None,
    ) -> None:
        self.item_id = item_id
        self.owner_id = owner_id
        self.doc: Doc[Any] = Doc()
        self.awareness = Awareness(self.doc)
        self.awareness.set_local_state(None)  # the hub itself is not a collaborator
        self.notebook = YNotebook(self.doc, self.awareness)
        # Long stream texts stay beside the document (see kept_text.py).
        self.kept = KeptText()
        self.notebook.set(self.kept.keep_all(content))
        # This load of the notebook: pages learn it on connect (see epoch.py).
        self.epoch = LoadEpoch(self.doc)
        self.guard = UpdateGuard(self.doc)
        self.sockets = SyncProtocol(item_id, self.doc, self.awareness, self.guard, self.epoch)
        self.editor = NotebookEditor(item_id, self.notebook, self.kept)
        self.holds = 0
        self.closed = False
        self._save_fn = save
        self._before_save = before_save
        self._state_waiters: list[asyncio.Future[None]] = []  # wait_for_state() callers
        self.autosave = Autosave(
            item_id,
            prepare=self._content_to_save,
            write=self._write,
            state=self._state_vector,
            announce=self.sockets.broadcast,
            delay=autosave_delay,
            max_delay=autosave_max_delay,
            retry_min_delay=retry_min_delay,
            retry_max_delay=retry_max_delay,
        )
        self._subscription = self.doc.observe(self._on_transaction)

    # ----- changes -----------------------------------------------------------------------------

    def _on_transaction(self, event: TransactionEvent) -> None:
        update = event.update
        if not update or update == EMPTY_UPDATE:
            return
        origin = self.sockets.applying_from
        if origin is None:
            self.guard.mirror(update)  # the hub's own change (a page's was checked on the shadow)
        self.sockets.broadcast(create_update_message(update), skip=origin)
        self.autosave.changed()
        waiting, self._state_waiters = self._state_waiters, []
        for future in waiting:
            if not future.done():
                future.set_result(None)

    def _state_vector(self) -> dict[int, int]:
        return decode_state_vector(self.doc.get_state())

    def has_state(self, state_vector: bytes) -> bool:
        """Whether this document holds every change that ``state_vector`` (a Y state vector, as
        ``Y.encodeStateVector`` gives it) has seen."""
        mine = self._state_vector()
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
            future: asyncio.Future[None] = loop.create_future()
            self._state_waiters.append(future)
            try:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(future, remaining)
            finally:
                # Timed out or cancelled: do not leave it behind for the next change to find.
                with contextlib.suppress(ValueError):
                    self._state_waiters.remove(future)
        return True

    # ----- saving (see persistence.py) ---------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.autosave.dirty

    @property
    def last_save_error(self) -> str | None:
        return self.autosave.last_save_error

    @property
    def retry_delay(self) -> float | None:
        return self.autosave.retry_delay

    async def save(self) -> bool:
        """Write the notebook to its file now if it changed. True when the file was written."""
        return await self.autosave.save()

    def save_status(self, state: str | None = None) -> bytes:
        """The save-status message (hub_messages.py) as things stand."""
        return self.autosave.status(state)

    def request_save(self) -> None:
        """Save soon (as after an edit) although the document itself did not change: something the
        hub adds at save time (the widget state) did."""
        if self.closed:
            return
        self.autosave.changed()

    def _content_to_save(self) -> dict[str, Any]:
        content = self.kept.restore(self.notebook.get(), forget_unused=True)
        if self._before_save is not None:
            try:
                content = self._before_save(self, content)
            except Exception:  # the notebook itself must still be saved
                log.exception("preparing document %s for saving failed", self.item_id)
        return content

    async def _write(self, content: dict[str, Any]) -> bool:
        return await self._save_fn(self, content)

    # ----- sockets (see protocol.py) -----------------------------------------------------------

    @property
    def connections(self) -> set[Connection]:
        return self.sockets.connections

    def join(self, conn: Connection) -> None:
        if self.closed:
            raise DocumentClosed(self.item_id)
        self.sockets.join(conn, [hub_messages.hello(self.epoch.token), self.save_status()])

    def leave(self, conn: Connection) -> None:
        self.sockets.leave(conn)

    def handle_message(self, conn: Connection, message: bytes) -> None:
        """Apply one frame from ``conn``. Raises ProtocolError for anything malformed."""
        if self.closed:
            raise DocumentClosed(self.item_id)
        self.sockets.handle_message(conn, message)

    # ----- the hub's own edits (see editing.py; used by execution) -----------------------------

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Group several changes into one update (one message to every browser)."""
        return self.editor.transaction()

    def content(self) -> dict[str, Any]:
        """The notebook as an nbformat dict, as it is now (every output whole)."""
        return self.editor.content()

    def cell_ids(self) -> list[str]:
        return self.editor.cell_ids()

    def get_cell(self, cell_id: str) -> dict[str, Any]:
        return self.editor.get_cell(cell_id)

    def cell_type(self, cell_id: str) -> str:
        return self.editor.cell_type(cell_id)

    def cell_source(self, cell_id: str) -> str:
        return self.editor.cell_source(cell_id)

    def append_output(self, cell_id: str, output: dict[str, Any]) -> bool:
        return self.editor.append_output(cell_id, output)

    def set_outputs(self, cell_id: str, outputs: list[dict[str, Any]]) -> None:
        self.editor.set_outputs(cell_id, outputs)

    def clear_outputs(self, cell_id: str) -> None:
        self.editor.clear_outputs(cell_id)

    def replace_outputs(self, cell_id: str, matches: Callable[[dict[str, Any]], bool],
                        output: dict[str, Any]) -> int:
        return self.editor.replace_outputs(cell_id, matches, output)

    def set_execution_count(self, cell_id: str, count: int | None) -> None:
        self.editor.set_execution_count(cell_id, count)

    def set_execution_state(self, cell_id: str, state: str) -> None:
        self.editor.set_execution_state(cell_id, state)

    def set_cell_metadata(self, cell_id: str, key: str, value: Any) -> None:
        self.editor.set_cell_metadata(cell_id, key, value)

    def set_notebook_metadata(self, key: str, value: Any) -> None:
        self.editor.set_notebook_metadata(key, value)

    # ----- closing -----------------------------------------------------------------------------

    async def close(self) -> None:
        """Stop autosave, write what is unsaved. Sockets are closed by their handlers."""
        if self.closed:
            return
        await self.autosave.stop()
        try:
            await self.save()
        finally:
            self.closed = True
            self.editor.closed = True
            self.doc.unobserve(self._subscription)
            waiting, self._state_waiters = self._state_waiters, []
            for future in waiting:  # they see ``closed`` and give up
                if not future.done():
                    future.set_result(None)
            self.sockets.close_all()
