"""Whether a person trusts a notebook, and keeping a trusted notebook trusted through their own
edits and runs.

A notebook is trusted for a user when its content's signature (trust.signature) is the one the
hub recorded for them: at creation in nbcloud ("created"), when they chose to trust it ("chosen"),
or after a save of their own changes to a notebook they trusted ("own"). An uploaded notebook has
no record: the person did not write it here, whatever its file says.

Trust is decided on content that came from elsewhere, that is the file as it is in Drive. Once an
open notebook is found trusted, its live document is the person's own work (their typing, the
outputs of their runs), so every save of it records the new signature: reopening it tomorrow
finds it trusted still, while a file changed by anything else (a new upload over it, a kernel
writing it) no longer matches and asks again.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import weakref
from typing import TYPE_CHECKING, Any

from anyio.to_thread import run_sync as run_in_threadpool  # a worker thread, as starlette does

from nbcloud.hub.errors import DomainError, Forbidden, InvalidRequest
from nbcloud.hub.trust.signature import signature
from nbcloud.hub.trust.store import TrustStore

if TYPE_CHECKING:
    from nbcloud.hub.documents.room import LiveDocument
    from nbcloud.hub.documents.service import DocumentService

log = logging.getLogger("nbcloud.trust")

NOT_TRUSTED = "notebook_not_trusted"


def not_trusted_error() -> Forbidden:
    return Forbidden("This notebook was not written by you, and running it could read your Drive "
                     "and secrets. Look at its code, then trust it (POST /api/trust/{id}, or \"Run anyway\" on its "
                     "page) and run it again.", code=NOT_TRUSTED)


class TrustService:
    def __init__(self, store: TrustStore, documents: DocumentService) -> None:
        self.store = store
        self.documents = documents
        # (user id, notebook id) -> the open live document found trusted for that user. Weak: a
        # document closed and loaded again is judged again, by its file.
        self._live: dict[tuple[int, str], weakref.ref[LiveDocument]] = {}
        self._lock = threading.Lock()  # saves call in from worker threads
        documents.save_hooks.append(self._before_write)

    # ----- the live document ------------------------------------------------------------------

    def _live_room(self, user_id: int, item_id: str) -> LiveDocument | None:
        room = self.documents.get_open(item_id)
        return room if room is not None and not room.closed else None

    def _room_trusted(self, user_id: int, item_id: str) -> bool:
        room = self._live_room(user_id, item_id)
        with self._lock:
            ref = self._live.get((user_id, item_id))
        return room is not None and ref is not None and ref() is room

    def _mark(self, user_id: int, item_id: str, room: LiveDocument | None) -> None:
        if room is None:
            return
        with self._lock:
            self._live = {k: r for k, r in self._live.items() if r() is not None}
            self._live[(user_id, item_id)] = weakref.ref(room)

    def _file_signature(self, user_id: int, item_id: str) -> str | None:
        """The signature of the notebook's file in Drive (None when unreadable)."""
        try:
            fd, _st, _name = self.documents.drive.open_item(user_id, item_id)
        except DomainError:
            return None
        with os.fdopen(fd, "rb") as fh:
            try:
                return signature(json.loads(fh.read()))
            except (ValueError, AttributeError):
                return None

    # ----- asking ---------------------------------------------------------------------------

    async def is_trusted(self, item_id: str, user_id: int) -> bool:
        """Whether ``user_id`` trusts the notebook as it is now. The caller checked access."""
        if self._room_trusted(user_id, item_id):
            return True
        room = self._live_room(user_id, item_id)
        live = signature(room.content()) if room is not None else None
        return await run_in_threadpool(self._check, item_id, user_id, room, live)

    def _check(self, item_id: str, user_id: int, room: LiveDocument | None, live: str | None) -> bool:
        trusted = self.store.signature(user_id, item_id)
        if trusted is None:
            return False
        # The live document before anyone changed it, or the file its unsaved edits started from.
        if trusted in (live, self._file_signature(user_id, item_id)):
            self._mark(user_id, item_id, room)
            return True
        return False

    async def require(self, item_id: str, user_id: int) -> None:
        """Raise Forbidden ``notebook_not_trusted`` unless the user trusts the notebook."""
        if not await self.is_trusted(item_id, user_id):
            raise not_trusted_error()

    async def reason(self, item_id: str, user_id: int) -> str | None:
        """Why the notebook is trusted ("created", "chosen", "own"), or None when it is not."""
        if not await self.is_trusted(item_id, user_id):
            return None
        return await run_in_threadpool(self.store.reason, user_id, item_id)

    # ----- recording ----------------------------------------------------------------------------

    async def trust(self, item_id: str, user_id: int, reason: str = "chosen") -> None:
        """The user trusts the notebook as it is now (the caller checked access)."""
        room = self._live_room(user_id, item_id)
        if room is not None:
            content: Any = room.content()
            await run_in_threadpool(self.store.record, user_id, item_id, signature(content), reason)
            self._mark(user_id, item_id, room)
            return
        sig = await run_in_threadpool(self._file_signature, user_id, item_id)
        if sig is None:
            raise InvalidRequest("This file is not a notebook nbcloud can read, so there is nothing to trust. "
                                 "Open it to see what is wrong with it.", code="bad_notebook")
        await run_in_threadpool(self.store.record, user_id, item_id, sig, reason)

    def created(self, item_id: str, user_id: int) -> None:
        """A notebook the user just made in nbcloud: theirs, so trusted (call from a thread)."""
        sig = self._file_signature(user_id, item_id)
        if sig is not None:
            self.store.record(user_id, item_id, sig, "created")

    def _before_write(self, item_id: str, owner_id: int, before: bytes | None, content: dict[str, Any]) -> None:
        """documents' save hook (in a worker thread), before ``content`` replaces ``before`` on disk:
        a trusted document's save is its owner's own work, so its new content stays trusted."""
        try:
            self._resign(item_id, owner_id, before, content)
        except Exception:  # the save itself must go on; the owner is asked to trust it again at worst
            log.exception("recording the trust of notebook %s after a save failed", item_id)

    def _resign(self, item_id: str, owner_id: int, before: bytes | None, content: dict[str, Any]) -> None:
        if not self._room_trusted(owner_id, item_id):
            trusted = self.store.signature(owner_id, item_id)
            try:
                was = signature(json.loads(before)) if before is not None else None
            except ValueError:
                was = None
            if trusted is None or trusted != was:
                return
            self._mark(owner_id, item_id, self._live_room(owner_id, item_id))
        self.store.record(owner_id, item_id, signature(content))
