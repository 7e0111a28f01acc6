"""Each user's tree of files: bytes on disk under one root per user, ids in the database.

``DriveTree`` is what the Trash (``trash``), resumable uploads (``uploads``) and the rest of
the hub build on: roots, locking, listing, lookup, folders, rename and move, usage, and plain
reads and writes (documents save notebooks through ``write_file``). ``store.DriveStore`` adds
the Trash and uploads on top; nothing here knows about them.

Layout: ``drive_dir/<user id>/MyDrive/...`` and ``drive_dir/<user id>/Trash/<item id>/<name>``.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nbcloud.config import Settings
from nbcloud.hub.db import Database
from nbcloud.hub.db.models import DriveItem
from nbcloud.hub.drive import index
from nbcloud.hub.drive.fs import UserFs
from nbcloud.hub.drive.items import Item, Order, SortKey, make_item, sort_items
from nbcloud.hub.drive.paths import (
    MYDRIVE,
    NOTEBOOKS_FOLDER,
    TRASH,
    Parts,
    api_path,
    check_name,
    db_path,
    join,
    name_taken,
    split_path,
    stored_parts,
)
from nbcloud.hub.errors import InvalidRequest, NotFound, not_found
from nbcloud.hub.safefs import atomic_write, bad_path, fd_path, inside, lstat_at

T = TypeVar("T")


class DriveTree:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self._locks: dict[int, threading.RLock] = {}
        self._locks_guard = threading.Lock()

    # -- roots --------------------------------------------------------------------------
    def user_root(self, user_id: int) -> Path:
        return self.settings.drive_dir / str(int(user_id))

    def fs(self, user_id: int) -> UserFs:
        return UserFs(self.settings.drive_dir, self.user_root(user_id))

    def ensure_user_root(self, user_id: int) -> None:
        """Make the user's MyDrive (with ``Colab Notebooks``) and Trash; cheap when they exist."""
        self.settings.drive_dir.mkdir(parents=True, exist_ok=True)
        root = self.user_root(user_id)
        try:
            os.mkdir(root, 0o755)
        except FileExistsError:
            pass
        fs = self.fs(user_id)
        with fs.dir((MYDRIVE, NOTEBOOKS_FOLDER), create=True):
            pass
        with fs.dir((TRASH,), create=True):
            pass

    def local_path(self, user_id: int, path: str = "") -> Path:
        """The checked real path of a MyDrive entry, for code that needs a plain path (a runtime's mount)."""
        parts = split_path(path)
        root = self.user_root(user_id) / MYDRIVE
        with self.fs(user_id).dir((MYDRIVE, *parts[:-1]), skip=1):
            pass  # walks it without following links
        candidate = root.joinpath(*parts)
        if not inside(root, candidate):
            raise bad_path("That path leads outside your Drive.")
        return candidate

    @contextmanager
    def locked(self, user_id: int) -> Iterator[None]:
        """Serialize this hub's changes to one user's tree (renames, trash, upload completion)."""
        with self._locks_guard:
            lock = self._locks.setdefault(user_id, threading.RLock())
        with lock:
            yield

    def _retry(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(db)`` in a unit of work; once more if a concurrent request inserted the same row."""
        try:
            with self.db.session() as db:
                return fn(db)
        except IntegrityError:
            with self.db.session() as db:
                return fn(db)

    # -- usage --------------------------------------------------------------------------
    def used_bytes(self, user_id: int) -> int:
        """Bytes of every file in the user's MyDrive and Trash."""
        return self.fs(user_id).tree_bytes()

    # -- lookup -------------------------------------------------------------------------
    def _item(self, row: DriveItem, name: str, st: os.stat_result) -> Item:
        if row.trashed_at is not None:
            original = row.original_path
            return make_item(row.id, name, original or "", row.is_folder, st, row.trashed_at, original)
        return make_item(row.id, name, api_path(row.path) or "", row.is_folder, st)

    def item_by_row(self, user_id: int, row: DriveItem) -> Item:
        """The item for a row whose entry is still on disk, else 404 (and the stale row is dropped)."""
        parts = stored_parts(row.path)
        entry = self.fs(user_id).entry(parts)
        if entry is None or entry.is_folder != row.is_folder:
            with self.db.session() as db:
                index.drop(db, user_id, row.path)
            raise not_found("That item")
        return self._item(row, entry.name, entry.stat)

    def row(self, user_id: int, item_id: str, *, in_drive: bool = True) -> DriveItem:
        """The user's row by id. ``in_drive``: only MyDrive entries (not the Trash). Others' ids: 404."""
        with self.db.session() as db:
            row = index.by_id(db, user_id, item_id)
        if row is None:
            raise not_found("That item")
        if in_drive and api_path(row.path) is None:
            raise NotFound("That item is in the Trash or does not exist. Restore it from the Trash first.")
        if not in_drive and row.trashed_at is None and api_path(row.path) is None:
            # Something inside a trashed folder: only the trashed folder itself is addressable.
            raise not_found("That item")
        return row

    def get(self, user_id: int, item_id: str) -> Item:
        """An item in MyDrive or at the top of the Trash."""
        return self.item_by_row(user_id, self.row(user_id, item_id, in_drive=False))

    def item_at(self, user_id: int, parts: Parts) -> Item:
        """The item at a MyDrive path, with its id (made if the entry is new)."""
        if not parts:
            raise bad_path("My Drive itself is not an item. Name a file or folder inside it.")
        entry = self.fs(user_id).entry((MYDRIVE, *parts))
        if entry is None:
            # Say precisely why (missing, link, not a folder) by walking it.
            with self.fs(user_id).dir((MYDRIVE, *parts[:-1]), skip=1) as dfd:
                st = lstat_at(dfd, parts[-1])
                if st is not None and stat.S_ISLNK(st.st_mode):
                    raise bad_path(f"'{join(parts)}' is a symbolic link. Drive does not follow links.")
            raise NotFound(f"'{join(parts)}' does not exist. Refresh and try again.")
        row = self._retry(lambda db: _detached(index.ensure(db, user_id, db_path(parts), entry.is_folder)))
        return self._item(row, entry.name, entry.stat)

    # -- listing ------------------------------------------------------------------------
    def list_folder(
        self, user_id: int, path: str = "", sort: SortKey = "name", order: Order = "asc"
    ) -> tuple[Parts, list[Item]]:
        parts = split_path(path)
        fs = self.fs(user_id)
        with fs.dir((MYDRIVE, *parts), skip=1) as dfd:
            entries = fs.scan(dfd)
        parent = db_path(parts)

        def sync(db: Session) -> dict[str, DriveItem]:
            rows = index.reconcile(db, user_id, parent, ((e.name, e.is_folder) for e in entries))
            return {name: _detached(r) for name, r in rows.items()}

        rows = self._retry(sync)
        items = [self._item(rows[e.name], e.name, e.stat) for e in entries]
        return parts, sort_items(items, sort, order)

    @staticmethod
    def breadcrumbs(parts: Parts) -> list[dict[str, str]]:
        crumbs = [{"name": "My Drive", "path": ""}]
        for i, name in enumerate(parts):
            crumbs.append({"name": name, "path": join(parts[: i + 1])})
        return crumbs

    # -- folders, rename, move ----------------------------------------------------------
    def create_folder(self, user_id: int, parent: str, name: str) -> Item:
        parent_parts = split_path(parent)
        check_name(name, "A folder name")
        fs = self.fs(user_id)
        with self.locked(user_id), fs.dir((MYDRIVE, *parent_parts), skip=1) as dfd:
            try:
                fs.mkdir(dfd, name)
            except FileExistsError:
                raise name_taken(name) from None
            st = lstat_at(dfd, name)
        assert st is not None
        stored = db_path((*parent_parts, name))
        row = self._retry(lambda db: _detached(index.ensure(db, user_id, stored, True)))
        return self._item(row, name, st)

    def update(self, user_id: int, item_id: str, name: str | None = None, parent: str | None = None) -> Item:
        """Rename and/or move a MyDrive item; its id (and its descendants' ids) stay."""
        row = self.row(user_id, item_id)
        old_parts = stored_parts(row.path)[1:]
        new_name = old_parts[-1] if name is None else check_name(name)
        new_parent = old_parts[:-1] if parent is None else split_path(parent)
        new_parts = (*new_parent, new_name)
        if row.is_folder and new_parent[: len(old_parts)] == old_parts:
            raise InvalidRequest(
                f"A folder cannot go inside itself: '{join(old_parts)}' contains '{join(new_parent)}'.", code="bad_move"
            )
        fs = self.fs(user_id)
        with self.locked(user_id):
            current = self.item_by_row(user_id, row)  # 404 if it vanished from disk
            if new_parts == old_parts:
                return current
            with fs.dir((MYDRIVE, *old_parts[:-1]), skip=1) as src, fs.dir((MYDRIVE, *new_parent), skip=1) as dst:
                if lstat_at(dst, new_name) is not None and not _same_entry(src, old_parts[-1], dst, new_name):
                    raise name_taken(new_name)
                fs.rename(src, old_parts[-1], dst, new_name)
                st = lstat_at(dst, new_name)
            assert st is not None

            def record(db: Session) -> DriveItem:
                index.move(db, user_id, row.path, db_path(new_parts))
                return _detached(index.by_id(db, user_id, row.id))

            moved = self._retry(record)
        return self._item(moved, new_name, st)

    # -- content ------------------------------------------------------------------------
    def open_item(self, user_id: int, item_id: str) -> tuple[int, os.stat_result, str]:
        """A read descriptor, stat and name for a file item (MyDrive or top of Trash); caller closes."""
        row = self.row(user_id, item_id, in_drive=False)
        if row.is_folder:
            raise InvalidRequest("That is a folder; only files have content. Open a file instead.", code="is_a_folder")
        parts = stored_parts(row.path)
        try:
            fd, st = self.fs(user_id).open_file(parts, skip=1)
        except NotFound:
            with self.db.session() as db:
                index.drop(db, user_id, row.path)
            raise not_found("That file") from None
        return fd, st, parts[-1]

    def open_path(self, user_id: int, path: str) -> tuple[int, os.stat_result, str]:
        parts = split_path(path)
        if not parts:
            raise InvalidRequest("My Drive is a folder; only files have content. Name a file.", code="is_a_folder")
        fd, st = self.fs(user_id).open_file((MYDRIVE, *parts), skip=1)
        return fd, st, parts[-1]

    def read_file(self, user_id: int, path: str) -> bytes:
        fd, _st, _name = self.open_path(user_id, path)
        with os.fdopen(fd, "rb") as fh:
            return fh.read()

    def write_file(
        self, user_id: int, path: str, data: bytes | Iterable[bytes], *, create_parents: bool = False
    ) -> Item:
        """Create or replace a MyDrive file atomically.

        The parent folder must exist unless ``create_parents`` (say, a new notebook after the
        user deleted ``Colab Notebooks``). Quota is the caller's business.
        """
        parts = split_path(path)
        if not parts:
            raise bad_path("Name a file to write, like 'Colab Notebooks/a.ipynb'.")
        check_name(parts[-1], "A file name")
        fs = self.fs(user_id)
        with self.locked(user_id), fs.dir((MYDRIVE, *parts[:-1]), create=create_parents, skip=1) as dfd:
            existing = lstat_at(dfd, parts[-1])
            if existing is not None and not stat.S_ISREG(existing.st_mode):
                raise name_taken(parts[-1])
            folder = fd_path(dfd, self.user_root(user_id) / MYDRIVE / Path(*parts[:-1]))
            atomic_write(folder / parts[-1], data)
            st = lstat_at(dfd, parts[-1])
        assert st is not None
        row = self._retry(lambda db: _detached(index.ensure(db, user_id, db_path(parts), False)))
        return self._item(row, parts[-1], st)


def _detached(row: DriveItem | None) -> DriveItem:
    """Load a row's columns so it can be read after its session closes."""
    if row is None:
        raise not_found("That item")
    _ = (row.id, row.path, row.is_folder, row.trashed_at, row.original_path)
    return row


def _same_entry(src_fd: int, src: str, dst_fd: int, dst: str) -> bool:
    """True when two names are one entry (a case-only rename on a case-insensitive disk)."""
    a, b = lstat_at(src_fd, src), lstat_at(dst_fd, dst)
    return a is not None and b is not None and (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)
