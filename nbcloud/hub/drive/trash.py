"""The Trash: a deleted entry moves to ``Trash/<item id>/<name>`` and keeps its id.

Its row remembers ``original_path`` (relative to MyDrive) and ``trashed_at``. Restoring puts it
back, recreating missing parent folders and taking the name "name (1).ext" if the original is
taken. Deleting for good (one item or the whole Trash) frees its bytes from the quota.
"""

from __future__ import annotations

import os

from sqlalchemy.orm import Session

from nbcloud.hub.db.models import DriveItem, utcnow
from nbcloud.hub.drive import index
from nbcloud.hub.drive.items import Item
from nbcloud.hub.drive.paths import (
    MYDRIVE,
    TRASH,
    api_path,
    db_path,
    numbered_name,
    stored_parts,
    trash_db_path,
)
from nbcloud.hub.drive.tree import DriveTree
from nbcloud.hub.errors import Conflict, DomainError, NotFound, not_found
from nbcloud.hub.safefs import lstat_at


class TrashBin:
    def __init__(self, store: DriveTree) -> None:
        self.store = store

    def _trashed_row(self, user_id: int, item_id: str) -> DriveItem:
        row = self.store.row(user_id, item_id, in_drive=False)
        if row.trashed_at is None:
            raise NotFound("That item is not in the Trash. Refresh the Trash and try again.", code="not_in_trash")
        return row

    def put(self, user_id: int, item_id: str) -> Item:
        """Move a MyDrive item to the Trash."""
        store = self.store
        row = store.row(user_id, item_id)
        parts = stored_parts(row.path)[1:]
        original = api_path(row.path) or ""
        fs = store.fs(user_id)
        with store.locked(user_id):
            store.item_by_row(user_id, row)  # 404 if it is gone from disk
            with fs.dir((TRASH,), create=True) as trash_fd:
                fs.remove(trash_fd, row.id)  # leftovers of an interrupted earlier attempt
                fs.mkdir(trash_fd, row.id)
            with fs.dir((MYDRIVE, *parts[:-1]), skip=1) as src, fs.dir((TRASH, row.id)) as dst:
                fs.rename(src, parts[-1], dst, parts[-1])
            new = trash_db_path(row.id, parts[-1])

            def record(db: Session) -> DriveItem:
                index.move(db, user_id, row.path, new)
                moved = index.by_id(db, user_id, row.id)
                if moved is None:
                    raise not_found("That item")
                moved.trashed_at = utcnow()
                moved.original_path = original
                db.flush()
                return moved

            with store.db.session() as db:
                moved = record(db)
        return store.item_by_row(user_id, moved)

    def list(self, user_id: int) -> list[Item]:
        """Top-level trashed items, newest first; rows whose files vanished are dropped."""
        with self.store.db.session() as db:
            rows = index.trashed(db, user_id)
        items = []
        for row in rows:
            try:
                items.append(self.store.item_by_row(user_id, row))
            except DomainError:
                continue
        return items

    def restore(self, user_id: int, item_id: str) -> Item:
        store = self.store
        row = self._trashed_row(user_id, item_id)
        name = stored_parts(row.path)[-1]
        original = tuple((row.original_path or name).split("/"))
        parent = original[:-1]
        fs = store.fs(user_id)
        with store.locked(user_id):
            store.item_by_row(user_id, row)
            try:
                dst = fs.open_dir((MYDRIVE, *parent), create=True, skip=1)
            except DomainError as exc:
                raise Conflict(
                    f"Cannot put '{name}' back in '{'/'.join(parent)}': {exc.message} "
                    "Rename or move what is in the way, then restore again.",
                    code="restore_blocked",
                ) from None
            try:
                target = original[-1]
                n = 0
                while lstat_at(dst, target) is not None:
                    n += 1
                    target = numbered_name(original[-1], n, row.is_folder)
                with fs.dir((TRASH, row.id)) as src:
                    fs.rename(src, name, dst, target)
            finally:
                os.close(dst)
            with fs.dir((TRASH,)) as trash_fd:
                fs.remove(trash_fd, row.id)
            new = db_path((*parent, target))
            with store.db.session() as db:
                index.move(db, user_id, row.path, new)
                moved = index.by_id(db, user_id, row.id)
                if moved is None:
                    raise not_found("That item")
                moved.trashed_at = None
                moved.original_path = None
                db.flush()
        return store.item_by_row(user_id, moved)

    def delete_forever(self, user_id: int, item_id: str) -> None:
        store = self.store
        row = self._trashed_row(user_id, item_id)
        fs = store.fs(user_id)
        with store.locked(user_id):
            with fs.dir((TRASH,), create=True) as trash_fd:
                fs.remove(trash_fd, row.id)
            with store.db.session() as db:
                index.drop(db, user_id, f"{TRASH}/{row.id}")
                index.drop(db, user_id, row.path)

    def empty(self, user_id: int) -> None:
        store = self.store
        fs = store.fs(user_id)
        with store.locked(user_id):
            with fs.dir((TRASH,), create=True) as trash_fd:
                # Everything, including links and odd files that listings leave out.
                for name in os.listdir(trash_fd):
                    fs.remove(trash_fd, name)
                os.fsync(trash_fd)
            with store.db.session() as db:
                index.drop_trash(db, user_id)
