"""File-system access inside one user's root that never follows a symbolic link.

Every operation walks from the user's root folder one name at a time with directory file
descriptors opened ``O_NOFOLLOW | O_DIRECTORY``, and acts on the last name relative to its
parent's descriptor (``*at`` system calls). A symlink anywhere on the way, planted by a runtime
or by anyone with access to the storage, stops the walk: it is never followed for reading,
writing, listing, renaming or deleting. Names come from ``paths`` already checked, and a name
cannot contain ``/``, so nothing here parses paths.

Listing skips symlinks and anything that is neither a regular file nor a folder.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from nbcloud.hub.drive.paths import TEMP_PREFIX, Parts, inside
from nbcloud.hub.errors import ApiError, DomainError

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO planted in storage must not hang the hub.
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
HAVE_PROC_FD = os.path.isdir("/proc/self/fd")


def not_found(where: str) -> ApiError:
    return ApiError(404, "not_found", f"'{where}' does not exist or you have no access to it. Refresh and try again.")


def symlink_refused(where: str) -> ApiError:
    return ApiError(
        422, "bad_path", f"'{where}' is a symbolic link. Drive does not follow links; open the real file or folder."
    )


def not_a_folder(where: str) -> ApiError:
    return ApiError(422, "not_a_folder", f"'{where}' is a file, not a folder. Pick a folder.")


@dataclass(frozen=True)
class DirEntry:
    name: str
    is_folder: bool
    stat: os.stat_result


def is_listed(st: os.stat_result) -> bool:
    return stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)


def lstat_at(dir_fd: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def fd_path(dir_fd: int, fallback: Path) -> Path:
    """A path that names the folder behind ``dir_fd`` itself, for path-based helpers (atomic.py).

    ``/proc/self/fd/N`` is the opened folder, whatever has been renamed or planted since;
    where /proc is missing, the caller's checked path is the best there is.
    """
    return Path(f"/proc/self/fd/{dir_fd}") if HAVE_PROC_FD else fallback


class UserFs:
    """The on-disk tree of one user: ``root/MyDrive/...`` and ``root/Trash/<id>/<name>``."""

    def __init__(self, storage: Path, root: Path) -> None:
        self.storage = storage
        self.root = root

    # -- walking ------------------------------------------------------------------------
    def _open_root(self) -> int:
        if not inside(self.storage, self.root):
            raise ApiError(500, "storage_broken", "This Drive's storage folder is outside the storage root. Tell an administrator.")
        try:
            return os.open(self.root, DIR_FLAGS)
        except FileNotFoundError:
            raise ApiError(404, "not_found", "This Drive does not exist yet. Sign out and in again.") from None
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise ApiError(500, "storage_broken", "This Drive's storage folder is a link. Tell an administrator.") from None
            raise

    def open_dir(self, parts: Parts, *, create: bool = False, skip: int = 0) -> int:
        """A descriptor for the folder ``root/parts``; the caller closes it.

        ``create`` makes missing folders on the way. Errors name the path without its first
        ``skip`` names (``skip=1`` hides the ``MyDrive`` prefix from the user).
        """
        fd = self._open_root()
        try:
            for i, name in enumerate(parts):
                where = "/".join(parts[skip : i + 1]) or "My Drive"
                try:
                    nxt = os.open(name, DIR_FLAGS, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        raise not_found(where) from None
                    try:
                        os.mkdir(name, 0o755, dir_fd=fd)
                        os.fsync(fd)
                    except FileExistsError:
                        pass
                    nxt = self._open_existing_dir(fd, name, where)
                except OSError as exc:
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                        self._explain(fd, name, where)
                    raise
                os.close(fd)
                fd = nxt
            return fd
        except BaseException:
            os.close(fd)
            raise

    def _open_existing_dir(self, fd: int, name: str, where: str) -> int:
        try:
            return os.open(name, DIR_FLAGS, dir_fd=fd)
        except OSError:
            self._explain(fd, name, where)
            raise

    def _explain(self, dir_fd: int, name: str, where: str) -> None:
        st = lstat_at(dir_fd, name)
        if st is None:
            raise not_found(where)
        if stat.S_ISLNK(st.st_mode):
            raise symlink_refused(where)
        if not stat.S_ISDIR(st.st_mode):
            raise not_a_folder(where)

    @contextmanager
    def dir(self, parts: Parts, *, create: bool = False, skip: int = 0) -> Iterator[int]:
        fd = self.open_dir(parts, create=create, skip=skip)
        try:
            yield fd
        finally:
            os.close(fd)

    def open_file(self, parts: Parts, *, skip: int = 0) -> tuple[int, os.stat_result]:
        """A read-only descriptor and its stat for the regular file ``root/parts``; the caller closes it."""
        where = "/".join(parts[skip:])
        with self.dir(parts[:-1], skip=skip) as dfd:
            try:
                fd = os.open(parts[-1], FILE_FLAGS, dir_fd=dfd)
            except FileNotFoundError:
                raise not_found(where) from None
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR):
                    st = lstat_at(dfd, parts[-1])
                    if st is not None and stat.S_ISLNK(st.st_mode):
                        raise symlink_refused(where) from None
                    if st is not None and stat.S_ISDIR(st.st_mode):
                        raise ApiError(422, "is_a_folder", f"'{where}' is a folder. Open a file instead.") from None
                raise
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            if stat.S_ISDIR(st.st_mode):
                raise ApiError(422, "is_a_folder", f"'{where}' is a folder. Open a file instead.")
            raise not_found(where)
        return fd, st

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
        total = 0
        try:
            for _top, _dirs, files, dfd in os.fwalk(".", dir_fd=fd, follow_symlinks=False):
                for name in files:
                    st = lstat_at(dfd, name)
                    if st is not None and stat.S_ISREG(st.st_mode):
                        total += st.st_size
        finally:
            os.close(fd)
        return total

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
        st = lstat_at(dir_fd, name)
        if st is None:
            return
        if stat.S_ISDIR(st.st_mode):
            shutil.rmtree(name, dir_fd=dir_fd)
        else:
            os.unlink(name, dir_fd=dir_fd)
