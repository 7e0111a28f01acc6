"""One user's Drive tree on disk (``root/MyDrive/...``, ``root/Trash/<id>/<name>``), never
following a symbolic link: every operation walks from the user's root with ``safefs``.

A symlink anywhere on the way, planted by a runtime or by anyone with access to the storage,
stops the walk: it is never followed for reading, writing, listing, renaming or deleting.
Listing skips symlinks and anything that is neither a regular file nor a folder.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from nbcloud.hub import safefs
from nbcloud.hub.errors import DomainError, InvalidRequest, NotFound, StorageFailed
from nbcloud.hub.safefs import DIR_FLAGS, TEMP_PREFIX, Parts, lstat_at


@dataclass(frozen=True)
class DriveErrors:
    """Failures worded for the Drive page; paths are shown without their first ``skip`` names
    (``skip=1`` hides the ``MyDrive`` prefix)."""

    skip: int = 0

    def where(self, parts: Parts) -> str:
        return "/".join(parts[self.skip :]) or "My Drive"

    def missing(self, parts: Parts) -> DomainError:
        return NotFound(f"'{self.where(parts)}' does not exist or you have no access to it. Refresh and try again.")

    def link(self, parts: Parts) -> DomainError:
        return InvalidRequest(
            f"'{self.where(parts)}' is a symbolic link. Drive does not follow links; open the real file or folder.",
            code="bad_path",
        )

    def not_a_folder(self, parts: Parts) -> DomainError:
        return InvalidRequest(f"'{self.where(parts)}' is a file, not a folder. Pick a folder.", code="not_a_folder")

    def is_a_folder(self, parts: Parts) -> DomainError:
        return InvalidRequest(f"'{self.where(parts)}' is a folder. Open a file instead.", code="is_a_folder")

    def not_a_file(self, parts: Parts) -> DomainError:
        return self.missing(parts)  # pipes, sockets and devices are not listed, so they do not exist here


@dataclass(frozen=True)
class DirEntry:
    name: str
    is_folder: bool
    stat: os.stat_result


def is_listed(st: os.stat_result) -> bool:
    return stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)


class UserFs:
    """The on-disk tree of one user: ``root/MyDrive/...`` and ``root/Trash/<id>/<name>``."""

    def __init__(self, storage: Path, root: Path) -> None:
        self.storage = storage
        self.root = root

    # -- walking ------------------------------------------------------------------------
    def _open_root(self) -> int:
        if not safefs.inside(self.storage, self.root):
            raise StorageFailed("This Drive's storage folder is outside the storage root. Tell an administrator.")
        try:
            return os.open(self.root, DIR_FLAGS)
        except FileNotFoundError:
            raise NotFound("This Drive does not exist yet. Sign out and in again.") from None
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise StorageFailed("This Drive's storage folder is a link. Tell an administrator.") from None
            raise

    def open_dir(self, parts: Parts, *, create: bool = False, skip: int = 0) -> int:
        """A descriptor for the folder ``root/parts``; the caller closes it.

        ``create`` makes missing folders on the way. Errors name the path without its first
        ``skip`` names (``skip=1`` hides the ``MyDrive`` prefix from the user).
        """
        return safefs.walk(self._open_root(), parts, DriveErrors(skip), create=create)

    @contextmanager
    def dir(self, parts: Parts, *, create: bool = False, skip: int = 0) -> Iterator[int]:
        fd = self.open_dir(parts, create=create, skip=skip)
        try:
            yield fd
        finally:
            os.close(fd)

    def open_file(self, parts: Parts, *, skip: int = 0) -> tuple[int, os.stat_result]:
        """A read-only descriptor and its stat for the regular file ``root/parts``; the caller closes it."""
        with self.dir(parts[:-1], skip=skip) as dfd:
            return safefs.open_file_at(dfd, parts[-1], parts, DriveErrors(skip))

    def entry(self, parts: Parts) -> DirEntry | None:
        """The listed entry at ``root/parts`` (a regular file or a folder), or None."""
        try:
            with self.dir(parts[:-1]) as dfd:
                st = lstat_at(dfd, parts[-1])
        except DomainError:
            return None
        if st is None or not is_listed(st):
            return None
        return DirEntry(parts[-1], stat.S_ISDIR(st.st_mode), st)

    # -- reading ------------------------------------------------------------------------
    @staticmethod
    def scan(dir_fd: int) -> list[DirEntry]:
        """Files and folders in a folder; links, sockets, devices and temporary files are left out."""
        out: list[DirEntry] = []
        with os.scandir(dir_fd) as it:
            for e in it:
                if e.name.startswith(TEMP_PREFIX):
                    continue
                try:
                    st = e.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                if is_listed(st):
                    out.append(DirEntry(e.name, stat.S_ISDIR(st.st_mode), st))
        return out

    def tree_bytes(self, parts: Parts = ()) -> int:
        """Sum of the sizes of the regular files under ``root/parts`` (links not followed)."""
        try:
            fd = self.open_dir(parts)
        except DomainError:
            return 0
        try:
            return safefs.tree_bytes(fd)
        finally:
            os.close(fd)

    # -- changing -----------------------------------------------------------------------
    @staticmethod
    def mkdir(dir_fd: int, name: str) -> None:
        os.mkdir(name, 0o755, dir_fd=dir_fd)
        os.fsync(dir_fd)

    @staticmethod
    def rename(src_fd: int, src: str, dst_fd: int, dst: str) -> None:
        """Rename within the tree, durably (both folders fsynced)."""
        os.rename(src, dst, src_dir_fd=src_fd, dst_dir_fd=dst_fd)
        os.fsync(dst_fd)
        if src_fd != dst_fd:
            os.fsync(src_fd)

    @staticmethod
    def remove(dir_fd: int, name: str) -> None:
        """Delete ``name`` in the folder and everything under it; links inside are removed, not followed."""
        safefs.remove_at(dir_fd, name)
