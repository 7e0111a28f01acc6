"""The documents service: which notebooks are open (one LiveDocument each, see room.py), opening
them from Drive and closing them when nobody uses them (the files themselves: notebook_store.py).

    documents = hub.documents
    doc = await documents.open(item_id, owner_id)      # LiveDocument (opens it if needed)
    async with documents.hold(item_id, owner_id) as doc:  # kept open while held
        doc.append_output(cell_id, {...})

Call it from the hub's event loop only.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_ydoc.utils import cast_all

from nbcloud.config import Settings
from nbcloud.hub.db import Database
from nbcloud.hub.documents.notebook_io import BadNotebook
from nbcloud.hub.documents.notebook_store import DocumentNotFound, NotANotebook, NotebookStore, SaveHook
from nbcloud.hub.documents.room import LiveDocument
from nbcloud.hub.documents.widget_state import widget_state, with_widget_state

if TYPE_CHECKING:
    from nbcloud.hub.drive.store import DriveStore

log = logging.getLogger("nbcloud.documents")


class DocumentService:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        drive: DriveStore,
        *,
        autosave_delay: float = 1.0,
        autosave_max_delay: float = 5.0,
        revision_interval_seconds: float = 10 * 60,
        max_revisions: int = 100,
        idle_close_seconds: float = 30.0,
        save_retry_min_delay: float = 1.0,
        save_retry_max_delay: float = 30.0,
    ) -> None:
        self.settings = settings
        self.db = db
        self.drive = drive
        self.files = NotebookStore(
            db, drive, settings.data_dir / "revisions",
            revision_interval_seconds=revision_interval_seconds, max_revisions=max_revisions,
        )
        # Read at each open (tests shorten them on a running hub).
        self.autosave_delay = autosave_delay
        self.autosave_max_delay = autosave_max_delay
        self.idle_close_seconds = idle_close_seconds
        # A failed autosave is tried again after min, then twice as long each time, up to max.
        self.save_retry_min_delay = save_retry_min_delay
        self.save_retry_max_delay = save_retry_max_delay
        self._rooms: dict[str, LiveDocument] = {}
        self._opening: dict[str, asyncio.Future[None]] = {}
        # Per room, the task that closes it once nobody uses it (owned: cancelled at shutdown).
        self._closers: dict[str, asyncio.Task[None]] = {}
        self._shutting_down = False
        # Per notebook, where its live widget models are (the execution session registers it):
        # model id -> the model as saved widget state, or None when it is not live.
        self.live_widgets: dict[str, Callable[[str], dict[str, Any] | None]] = {}

    @property
    def save_hooks(self) -> list[SaveHook]:
        """Called (in a worker thread) before a save replaces the file: (item id, owner id, the
        file's bytes before or None, the content saved). Trust re-signs its owner's own changes."""
        return self.files.save_hooks

    def revisions(self, item_id: str) -> list[Path]:
        """The kept earlier copies of a notebook's file, oldest first."""
        return self.files.revisions(item_id)

    # ----- finding and opening ---------------------------------------------------------------

    def get_open(self, item_id: str) -> LiveDocument | None:
        return self._rooms.get(item_id)

    async def check_access(self, item_id: str, user_id: int) -> None:
        """Raise DocumentNotFound unless ``user_id`` may open ``item_id`` (today: owns it)."""
        room = self._rooms.get(item_id)
        if room is not None and not room.closed and room.owner_id == user_id:
            return  # checked when it was opened; each run of a cell need not ask the database again
        await asyncio.to_thread(self.files.lookup, item_id, user_id)

    async def open(self, item_id: str, owner_id: int) -> LiveDocument:
        """The live document of a notebook, loaded from Drive if it is not open yet.

        Raises DocumentNotFound (no such item, not a file, or not ``owner_id``'s), NotANotebook,
        or BadNotebook (the file is not valid nbformat; it is left as it is).
        """
        if self._shutting_down:
            raise DocumentNotFound(item_id)
        pending = self._opening.get(item_id)
        if pending is not None:
            await asyncio.shield(pending)
            return await self.open(item_id, owner_id)
        room = self._rooms.get(item_id)
        if room is not None and not room.closed:
            if owner_id != room.owner_id:  # sharing will widen this check
                raise DocumentNotFound(item_id)
            self._cancel_close(item_id)
            return room
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._opening[item_id] = future
        try:
            item, content = await asyncio.to_thread(self.files.load, item_id, owner_id)
            room = LiveDocument(
                item.id,
                item.owner_id,
                content,
                self._save,
                autosave_delay=self.autosave_delay,
                autosave_max_delay=self.autosave_max_delay,
                retry_min_delay=self.save_retry_min_delay,
                retry_max_delay=self.save_retry_max_delay,
                before_save=self._with_widget_state,
            )
            self._rooms[item_id] = room
            log.info("opened document %s", item_id)
            return room
        finally:
            del self._opening[item_id]
            future.set_result(None)

    @contextlib.asynccontextmanager
    async def hold(self, item_id: str, owner_id: int) -> AsyncIterator[LiveDocument]:
        """Open a document and keep it open (even with no browser on it) until the block ends."""
        room = await self.open(item_id, owner_id)
        room.holds += 1
        try:
            yield room
        finally:
            room.holds -= 1
            self.maybe_idle(room)

    async def snapshot(self, item_id: str, user_id: int) -> dict[str, Any]:
        """The notebook as now in the live document, or as on disk when it is not open."""
        room = self._rooms.get(item_id)
        if room is not None and not room.closed:
            await self.check_access(item_id, user_id)
            return room.content()
        _item, content = await asyncio.to_thread(self.files.load, item_id, user_id)
        return content

    # ----- closing -----------------------------------------------------------------------------

    def maybe_idle(self, room: LiveDocument) -> None:
        """Called when a socket leaves or a hold ends: save now, close after a grace period."""
        if room.connections or room.holds or room.closed:
            return
        self._cancel_close(room.item_id)
        self._closers[room.item_id] = asyncio.get_running_loop().create_task(
            self._close_later(room), name=f"close document {room.item_id}")

    def _cancel_close(self, item_id: str) -> None:
        task = self._closers.pop(item_id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _close_later(self, room: LiveDocument) -> None:
        try:
            await self._close_when_unused(room)
        finally:
            # Done, given up (someone came back) or cancelled: it no longer closes this room.
            if self._closers.get(room.item_id) is asyncio.current_task():
                del self._closers[room.item_id]

    async def _close_when_unused(self, room: LiveDocument) -> None:
        try:
            await room.save()
        except Exception:
            log.exception("saving document %s after its last client left failed", room.item_id)
        await asyncio.sleep(self.idle_close_seconds)
        # Saves are failing (disk full, I/O error): closing would drop the unsaved edits. The room
        # stays open and keeps retrying; closing waits until a save works.
        while room.dirty and room.last_save_error is not None and not room.closed:
            if room.connections or room.holds:
                return
            await asyncio.sleep(self.idle_close_seconds)
        if room.connections or room.holds:
            return
        self._closers.pop(room.item_id, None)
        await self._close_room(room)

    async def _close_room(self, room: LiveDocument) -> None:
        # An open() meanwhile waits for this (so it reads the file after the final save).
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._opening.setdefault(room.item_id, future)
        try:
            await room.close()
        except Exception:
            log.exception("final save of document %s failed", room.item_id)
        finally:
            if self._rooms.get(room.item_id) is room:
                del self._rooms[room.item_id]
            if self._opening.get(room.item_id) is future:
                del self._opening[room.item_id]
            future.set_result(None)
        log.info("closed document %s", room.item_id)

    async def shutdown(self) -> None:
        """Hub shutdown: save and close everything; sockets get 1001."""
        self._shutting_down = True
        closers = list(self._closers.values())
        self._closers.clear()
        for task in closers:
            task.cancel()
        await asyncio.gather(*closers, return_exceptions=True)
        for room in list(self._rooms.values()):
            await self._close_room(room)

    # ----- widget state (see widget_state.py) ---------------------------------------------------

    def _with_widget_state(self, room: LiveDocument, content: dict[str, Any]) -> dict[str, Any]:
        """Before a save: the widget models the outputs show go into the document's metadata."""
        metadata = content.setdefault("metadata", {})
        state = widget_state(content, self.live_widgets.get(room.item_id))
        widgets = with_widget_state(metadata, state)
        if widgets != metadata.get("widgets"):
            room.set_notebook_metadata("widgets", widgets)
            if widgets is None:
                metadata.pop("widgets", None)
            else:
                # As the document gives it back (integral floats as ints), so the file written now
                # is the one the next save would write.
                metadata["widgets"] = cast_all(cast_all(copy.deepcopy(widgets), int, float), float, int)
        return content

    def keep_widget_state(self, item_id: str) -> None:
        """The runtime's widgets are about to go (restart, crash): put their last state into the
        open document now, so its next save keeps it."""
        room = self._rooms.get(item_id)
        if room is None or room.closed:
            return
        # A change to the metadata is a change to the document: autosave writes it.
        self._with_widget_state(room, room.content())

    # ----- saving (see notebook_store.py) -------------------------------------------------------

    async def _save(self, room: LiveDocument, content: dict[str, Any]) -> bool:
        return await asyncio.to_thread(self.files.write, room.item_id, room.owner_id, content)


__all__ = ["BadNotebook", "DocumentNotFound", "DocumentService", "NotANotebook"]
