"""Resumable, chunked uploads (tus-like).

1. ``create`` checks the name, the size limit and the quota up front, and makes an empty
   ``uploads_dir/<user id>/<upload id>.part`` (outside Drive: an abandoned upload leaves nothing
   in anyone's MyDrive).
2. ``receive`` appends one chunk at the offset the client names. It streams the request body
   to the ``.part`` file in ~1 MiB writes, never holding a whole chunk, and never holds a
   database session open across the body. Whatever bytes arrive before a dropped connection
   stay in the ``.part``; the size of that file is the offset to resume from.
3. When the ``.part`` holds ``size`` bytes it is fsynced, the quota is checked again, and it
   is moved into MyDrive with ``atomic_move``; the upload row becomes a ``DriveItem``.

A ``flock`` on the ``.part`` keeps two requests from appending to one upload at once.
Uploads idle for ``upload_expiry_hours`` are deleted when someone creates a new one.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import re
import stat
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import anyio
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from nbcloud.hub.db import Database
from nbcloud.hub.db.models import Upload, User, utcnow
from nbcloud.hub.drive import index
from nbcloud.hub.drive.items import Item, make_item
from nbcloud.hub.drive.paths import MYDRIVE, Parts, check_name, db_path, join, name_taken, split_path
from nbcloud.hub.drive.tree import DriveTree
from nbcloud.hub.errors import Conflict, DomainError, InvalidRequest, NotFound, QuotaExceeded, StorageFailed, TooLarge
from nbcloud.hub.safefs import atomic_move, atomic_write, fd_path, lstat_at

MiB = 1024 * 1024
# What clients are told to send per PATCH.
CHUNK_SIZE = 8 * MiB
# Bytes gathered from the request stream before one write to the .part file.
WRITE_BUFFER = 1 * MiB
_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class UploadState:
    id: str
    path: str  # destination, relative to MyDrive
    offset: int
    size: int
    created_at: dt.datetime


def human(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} bytes"


class BodyInterrupted(Exception):
    """The client went away while sending a chunk (the HTTP layer raises it from the body stream)."""


def upload_gone() -> NotFound:
    return NotFound(
        "That upload does not exist: it finished, was cancelled or expired. "
        "Check the folder, or start the upload again.",
    )


def quota_exceeded(used: int, size: int, quota: int, reserved: int = 0) -> TooLarge:
    held = f" ({human(reserved)} are held by unfinished uploads; finish or cancel them)" if reserved else ""
    # 413, not 507: this upload is too large for the space left (clients have always seen 413 here).
    return TooLarge(
        f"Not enough space: this file needs {human(size)}, and you use {human(used)}{held} of your {human(quota)}. "
        "Delete files and empty the Trash, or ask an administrator for more space.",
        code="quota_exceeded", used_bytes=used, quota_bytes=quota,
    )


def _write_all(fd: int, data: bytes | bytearray) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _disk_error(exc: OSError) -> DomainError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return QuotaExceeded("The server's disk is full. Tell an administrator; your upload can resume later.",
                             code="disk_full")
    return StorageFailed(f"Writing the upload failed ({exc.strerror}). Try again; it resumes where it stopped.",
                         code="write_failed")


class UploadManager:
    def __init__(self, store: DriveTree) -> None:
        self.store = store

    @property
    def db(self) -> Database:
        return self.store.db

    # -- files of an upload ---------------------------------------------------------------
    def folder(self, user_id: int) -> Path:
        return self.store.settings.uploads_dir / str(int(user_id))

    def part(self, user_id: int, upload_id: str) -> Path:
        assert _ID.match(upload_id)
        return self.folder(user_id) / f"{upload_id}.part"

    def _overwrite_marker(self, user_id: int, upload_id: str) -> Path:
        # Whether completion may replace an existing file (the uploads table has no column for it).
        return self.folder(user_id) / f"{upload_id}.overwrite"

    def _discard_files(self, user_id: int, upload_id: str) -> None:
        for p in (self.part(user_id, upload_id), self._overwrite_marker(user_id, upload_id)):
            try:
                p.unlink()
            except FileNotFoundError:
                pass

    def _row(self, db: Session, user_id: int, upload_id: str) -> Upload:
        if not isinstance(upload_id, str) or not _ID.match(upload_id):
            raise upload_gone()
        row = db.scalar(select(Upload).where(Upload.id == upload_id, Upload.owner_id == user_id))
        if row is None:
            raise upload_gone()
        return row

    def _part_size(self, user_id: int, upload_id: str) -> int | None:
        try:
            return os.stat(self.part(user_id, upload_id)).st_size
        except FileNotFoundError:
            return None

    # -- create, look, cancel, expire -------------------------------------------------------
    def create(self, user: User, parent: str, name: str, size: int, overwrite: bool = False) -> UploadState:
        store = self.store
        settings = store.settings
        parent_parts = split_path(parent)
        check_name(name, "A file name")
        if not isinstance(size, int) or size < 0:
            raise InvalidRequest("size must be the file's length in bytes (0 or more).", code="bad_size")
        if size > settings.max_upload_bytes:
            raise TooLarge(
                f"'{name}' is {human(size)}; the largest file you can upload here is "
                f"{human(settings.max_upload_bytes)}. "
                "Split it, or ask an administrator to raise the limit.",
                code="file_too_large", max_upload_bytes=settings.max_upload_bytes,
            )
        self.expire()
        replaced = self._check_target(user.id, parent_parts, name, overwrite)
        with self.db.session() as db:
            reserved = db.scalar(
                select(func.coalesce(func.sum(Upload.size), 0)).where(Upload.owner_id == user.id)
            ) or 0
        used = store.used_bytes(user.id)
        if used + int(reserved) + size - replaced > user.quota_bytes:
            raise quota_exceeded(used, size, user.quota_bytes, int(reserved))
        folder = self.folder(user.id)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self.db.session() as db:
            row = Upload(owner_id=user.id, path=join((*parent_parts, name)), size=size, received=0)
            db.add(row)
            db.flush()
            upload_id, created = row.id, row.created_at
            os.close(os.open(self.part(user.id, upload_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
            if overwrite:
                self._overwrite_marker(user.id, upload_id).touch(mode=0o600)
        return UploadState(upload_id, join((*parent_parts, name)), 0, size, created)

    def _check_target(self, user_id: int, parent_parts: Parts, name: str, overwrite: bool) -> int:
        """Bytes of the file the upload would replace (0 if none); 409 if the name is taken."""
        with self.store.fs(user_id).dir((MYDRIVE, *parent_parts), skip=1) as dfd:
            st = lstat_at(dfd, name)
        if st is None:
            return 0
        if stat.S_ISREG(st.st_mode) and overwrite:
            return st.st_size
        raise name_taken(name)

    def status(self, user_id: int, upload_id: str) -> UploadState:
        with self.db.session() as db:
            row = self._row(db, user_id, upload_id)
            state = (row.id, row.path, row.size, row.created_at)
        offset = self._part_size(user_id, upload_id)
        if offset is None:
            self.cancel(user_id, upload_id)
            raise upload_gone()
        return UploadState(state[0], state[1], offset, state[2], state[3])

    def list(self, user_id: int) -> list[UploadState]:
        with self.db.session() as db:
            rows = list(db.scalars(select(Upload).where(Upload.owner_id == user_id).order_by(Upload.created_at)))
        out = []
        for r in rows:
            offset = self._part_size(user_id, r.id)
            if offset is not None:
                out.append(UploadState(r.id, r.path, offset, r.size, r.created_at))
        return out

    def cancel(self, user_id: int, upload_id: str) -> None:
        with self.db.session() as db:
            row = self._row(db, user_id, upload_id)
            db.delete(row)
        self._discard_files(user_id, upload_id)

    def expire(self) -> None:
        """Delete uploads idle for longer than ``upload_expiry_hours`` (all users), and stray files."""
        cutoff = utcnow() - dt.timedelta(hours=self.store.settings.upload_expiry_hours)
        with self.db.session() as db:
            stale = list(db.execute(select(Upload.id, Upload.owner_id).where(Upload.updated_at < cutoff)))
            if stale:
                db.execute(delete(Upload).where(Upload.id.in_([s.id for s in stale])))
        for upload_id, owner_id in stale:
            self._discard_files(owner_id, upload_id)
        root = self.store.settings.uploads_dir
        if not root.is_dir():
            return
        with self.db.session() as db:
            live = set(db.scalars(select(Upload.id)))
        for user_dir in root.iterdir():
            if not user_dir.is_dir() or user_dir.is_symlink():
                continue
            for f in user_dir.iterdir():
                upload_id = f.name.split(".", 1)[0]
                try:
                    old = f.lstat().st_mtime < cutoff.timestamp()
                except FileNotFoundError:
                    continue
                if upload_id not in live and old:
                    f.unlink(missing_ok=True)

    # -- receiving a chunk -----------------------------------------------------------------
    def _begin(self, user_id: int, upload_id: str, offset: int) -> tuple[int, UploadState]:
        """Open and lock the .part at ``offset``; returns (fd, state). 409 if the offset is wrong."""
        with self.db.session() as db:
            row = self._row(db, user_id, upload_id)
            size, dest, created = row.size, row.path, row.created_at
        try:
            fd = os.open(self.part(user_id, upload_id), os.O_WRONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        except FileNotFoundError:
            self.cancel(user_id, upload_id)
            raise upload_gone() from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Conflict(
                    "Another request is still sending this upload. Wait for it to finish, then ask for the offset.",
                    code="upload_busy",
                ) from None
            current = os.fstat(fd).st_size
            if offset != current:
                raise Conflict(
                    f"The server has {current} bytes of this upload, not {offset}. Resume from offset {current}.",
                    code="offset_mismatch", offset=current,
                )
            os.lseek(fd, current, os.SEEK_SET)
            return fd, UploadState(upload_id, dest, current, size, created)
        except BaseException:
            os.close(fd)
            raise

    def _record(self, user_id: int, upload_id: str, received: int) -> None:
        with self.db.session() as db:
            row = db.scalar(select(Upload).where(Upload.id == upload_id, Upload.owner_id == user_id))
            if row is not None:
                row.received = received
                row.updated_at = utcnow()

    async def receive(
        self, user: User, upload_id: str, offset: int, body: AsyncIterator[bytes]
    ) -> tuple[UploadState, Item | None]:
        """Append the request body at ``offset``; completes the upload when it is whole."""
        fd, begun = await anyio.to_thread.run_sync(self._begin, user.id, upload_id, offset)
        size = begun.size
        written = offset
        buf = bytearray()
        too_long = False
        disconnected = False
        try:
            try:
                async for chunk in body:
                    if not chunk:
                        continue
                    room = size - written - len(buf)
                    if len(chunk) > room:
                        buf += chunk[:room]
                        too_long = True
                        break
                    buf += chunk
                    if len(buf) >= WRITE_BUFFER:
                        await anyio.to_thread.run_sync(_write_all, fd, buf)
                        written += len(buf)
                        buf = bytearray()
            except BodyInterrupted:
                disconnected = True
            finally:
                # Keep every byte that arrived, even when the connection dropped or we are cancelled.
                with anyio.CancelScope(shield=True):
                    try:
                        if buf:
                            await anyio.to_thread.run_sync(_write_all, fd, buf)
                            written += len(buf)
                        await anyio.to_thread.run_sync(os.fdatasync, fd)
                    except OSError as exc:
                        written = os.fstat(fd).st_size
                        await anyio.to_thread.run_sync(self._record, user.id, upload_id, written)
                        raise _disk_error(exc) from None
                    await anyio.to_thread.run_sync(self._record, user.id, upload_id, written)
            if too_long:
                raise TooLarge(
                    f"This upload was declared as {size} bytes and the request sent more. "
                    f"The first {size} bytes are kept; send nothing past the declared size.",
                    code="upload_too_long", offset=written,
                )
            state = UploadState(upload_id, begun.path, written, size, begun.created_at)
            if disconnected or written < size:
                return state, None
            item = await anyio.to_thread.run_sync(self._complete, user, upload_id, fd)
            return state, item
        finally:
            os.close(fd)  # releases the flock

    # -- completing ------------------------------------------------------------------------
    def _complete(self, user: User, upload_id: str, part_fd: int) -> Item:
        store = self.store
        with self.db.session() as db:
            row = self._row(db, user.id, upload_id)
            dest, size = row.path, row.size
        parts = split_path(dest)
        overwrite = self._overwrite_marker(user.id, upload_id).exists()
        os.fsync(part_fd)
        fs = store.fs(user.id)
        with store.locked(user.id):
            replaced = self._check_target(user.id, parts[:-1], parts[-1], overwrite)
            used = store.used_bytes(user.id)
            if used + size - replaced > user.quota_bytes:
                raise quota_exceeded(used, size, user.quota_bytes)
            with fs.dir((MYDRIVE, *parts[:-1]), skip=1) as dfd:
                folder = fd_path(dfd, store.user_root(user.id) / MYDRIVE / Path(*parts[:-1]))
                part = self.part(user.id, upload_id)
                try:
                    atomic_move(part, folder / parts[-1])
                except OSError as exc:
                    if exc.errno != errno.EXDEV:
                        raise
                    # Uploads and Drive on different file systems: copy into place atomically.
                    with open(part, "rb") as fh:
                        atomic_write(folder / parts[-1], iter(lambda: fh.read(MiB), b""))
                    part.unlink()
                st = lstat_at(dfd, parts[-1])
            with self.db.session() as db:
                db.execute(delete(Upload).where(Upload.id == upload_id))
                item_row = index.ensure(db, user.id, db_path(parts), False)
                item_id = item_row.id
        self._discard_files(user.id, upload_id)
        assert st is not None
        return make_item(item_id, parts[-1], dest, False, st)
