"""The documents service: which notebooks are open, loading them from Drive, saving them back.

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
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_ydoc.utils import cast_all
from starlette.concurrency import run_in_threadpool

from nbcloud.config import Settings
from nbcloud.hub.db import Database
from nbcloud.hub.db.models import DriveItem
from nbcloud.hub.documents.notebook_io import MAX_NOTEBOOK_BYTES, BadNotebook, parse_notebook, serialize_notebook
from nbcloud.hub.drive.atomic import atomic_write
from nbcloud.hub.drive.paths import api_path
from nbcloud.hub.documents.room import LiveDocument, utc_stamp
from nbcloud.hub.documents.widget_state import widget_state, with_widget_state
from nbcloud.hub.errors import ApiError, not_found

if TYPE_CHECKING:
    from nbcloud.hub.drive.store import DriveStore

log = logging.getLogger("nbcloud.documents")


class DocumentNotFound(Exception):
    """No such notebook, or the user may not open it (the two look the same on purpose)."""

    def api_error(self) -> ApiError:
        return not_found("That notebook")


class NotANotebook(Exception):
    def api_error(self) -> ApiError:
        return ApiError(422, "not_a_notebook", "Only .ipynb files open as notebooks. Download this file instead.")


class DocumentService:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        drive: "DriveStore",
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
        self.autosave_delay = autosave_delay
        self.autosave_max_delay = autosave_max_delay
        self.revision_interval_seconds = revision_interval_seconds
        self.max_revisions = max_revisions
        self.idle_close_seconds = idle_close_seconds
        # A failed autosave is tried again after min, then twice as long each time, up to max.
        self.save_retry_min_delay = save_retry_min_delay
        self.save_retry_max_delay = save_retry_max_delay
        self._rooms: dict[str, LiveDocument] = {}
        self._opening: dict[str, asyncio.Future] = {}
        self._closers: dict[str, asyncio.Task] = {}
        self._shutting_down = False
        # Per notebook, where its live widget models are (the execution session registers it):
        # model id -> the model as saved widget state, or None when it is not live.
        self.live_widgets: dict[str, Callable[[str], dict[str, Any] | None]] = {}
        # Called (in a worker thread) before a save replaces the file: (item id, owner id, the
        # file's bytes before or None, the content saved). Trust re-signs its owner's own changes.
        self.save_hooks: list[Callable[[str, int, bytes | None, dict[str, Any]], None]] = []

    @property
    def revisions_dir(self) -> Path:
        return self.settings.data_dir / "revisions"

    # ----- finding and opening ---------------------------------------------------------------

    def _lookup(self, item_id: str, user_id: int) -> DriveItem:
        """The user's notebook row (in MyDrive, not a folder), else DocumentNotFound / NotANotebook."""
        try:
            row = self.drive.row(user_id, item_id, in_drive=True)  # someone else's id: 404
        except ApiError as e:
            if e.status == 404:
                raise DocumentNotFound(item_id) from None
            raise
        if row.is_folder:
            raise DocumentNotFound(item_id)
        if not row.path.lower().endswith(".ipynb"):
            raise NotANotebook(item_id)
        return row

    def _load(self, item_id: str, user_id: int) -> tuple[DriveItem, dict[str, Any]]:
        row = self._lookup(item_id, user_id)
        try:
            fd, st, _name = self.drive.open_item(user_id, item_id)  # never follows a link
        except ApiError as e:
            if e.status == 404:
                raise DocumentNotFound(item_id) from None
            raise
        with os.fdopen(fd, "rb") as fh:
            if st.st_size > MAX_NOTEBOOK_BYTES:
                raise BadNotebook(f"it is larger than {MAX_NOTEBOOK_BYTES // (1024 * 1024)} MiB")
            return row, parse_notebook(fh.read())

    def get_open(self, item_id: str) -> LiveDocument | None:
        return self._rooms.get(item_id)

    async def check_access(self, item_id: str, user_id: int) -> None:
        """Raise DocumentNotFound unless ``user_id`` may open ``item_id`` (today: owns it)."""
        room = self._rooms.get(item_id)
        if room is not None and not room.closed and room.owner_id == user_id:
            return  # checked when it was opened; each run of a cell need not ask the database again
        await run_in_threadpool(self._lookup, item_id, user_id)

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
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._opening[item_id] = future
        try:
            item, content = await run_in_threadpool(self._load, item_id, owner_id)
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
        _item, content = await run_in_threadpool(self._load, item_id, user_id)
        return content

    # ----- closing -----------------------------------------------------------------------------

    def maybe_idle(self, room: LiveDocument) -> None:
        """Called when a socket leaves or a hold ends: save now, close after a grace period."""
        if room.connections or room.holds or room.closed:
            return
        self._cancel_close(room.item_id)
        self._closers[room.item_id] = asyncio.get_running_loop().create_task(self._close_later(room))

    def _cancel_close(self, item_id: str) -> None:
        task = self._closers.pop(item_id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _close_later(self, room: LiveDocument) -> None:
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
        future: asyncio.Future = asyncio.get_running_loop().create_future()
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

    async def flush_all(self) -> None:
        """Save every open document that has unsaved changes."""
        for room in list(self._rooms.values()):
            try:
                await room.save()
            except Exception:
                log.exception("saving document %s failed", room.item_id)

    async def shutdown(self) -> None:
        """Hub shutdown: save and close everything; sockets get 1001."""
        self._shutting_down = True
        for task in list(self._closers.values()):
            task.cancel()
        self._closers.clear()
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

    # ----- saving ------------------------------------------------------------------------------

    async def _save(self, room: LiveDocument, content: dict[str, Any]) -> bool:
        return await run_in_threadpool(self._save_sync, room.item_id, room.owner_id, content)

    def _save_sync(self, item_id: str, owner_id: int, content: dict[str, Any]) -> bool:
        data = serialize_notebook(content)  # raises BadNotebook: the file is left alone
        # Where the item is now (it may have been renamed or moved since it was opened).
        with self.db.session() as db:
            row = db.get(DriveItem, item_id)
            stored = row.path if row is not None and row.owner_id == owner_id and not row.is_folder else None
        path = api_path(stored) if stored is not None else None
        if path is None:
            log.warning("document %s is no longer in its owner's Drive (deleted or trashed); not saving", item_id)
            return False
        try:
            current: bytes | None = self.drive.read_file(owner_id, path)
        except ApiError as e:
            if e.status != 404:
                raise
            current = None
        for hook in self.save_hooks:
            hook(item_id, owner_id, current, content)
        if current == data:
            return False
        if current is not None:
            self._keep_revision(item_id, current)
        self.drive.write_file(owner_id, path, data)  # atomic, symlink-safe
        return True

    def _keep_revision(self, item_id: str, current: bytes) -> None:
        """Before overwriting, keep the file's bytes in revisions/<item_id>/<UTC time>.ipynb when
        the newest kept copy is at least revision_interval_seconds old (so the file as first
        opened is always kept). At most max_revisions copies per item; the oldest go first."""
        if not item_id.isalnum():
            return
        folder = self.revisions_dir / item_id
        folder.mkdir(parents=True, exist_ok=True)
        existing = self.revisions(item_id)
        if existing and time.time() - existing[-1].stat().st_mtime < self.revision_interval_seconds:
            return
        atomic_write(folder / f"{utc_stamp()}.ipynb", current)
        for old in existing[: max(0, len(existing) + 1 - self.max_revisions)]:
            old.unlink(missing_ok=True)

    def revisions(self, item_id: str) -> list[Path]:
        folder = self.revisions_dir / item_id
        if not item_id.isalnum() or not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix == ".ipynb" and not p.name.startswith("."))


__all__ = ["BadNotebook", "DocumentNotFound", "DocumentService", "NotANotebook"]
