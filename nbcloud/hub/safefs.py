"""Safe file-system access below a root folder that untrusted code can also write to.

A person's Drive (``drive.fs``) and a runtime's ``/content`` (``runtimes.files``) both hold files
that a runtime's code may have replaced with symbolic links, FIFOs or devices, and the hub (which
may be root) must never be led out of its root by them. So:

* Paths are checked as text first (:func:`check_path_text`, :func:`names_of`, :func:`check_name`):
  no NUL, no ``..``, no empty or ``.`` parts, no ``/`` or ``\\`` inside a name. Callers decide
  what a leading ``/`` means.
* :func:`walk` descends one name at a time with folder descriptors opened
  ``O_NOFOLLOW | O_DIRECTORY``, each relative to its parent's descriptor. A link anywhere on the
  way stops the walk; a folder swapped for a link while we walk fails the next ``openat``.
* :func:`open_file_at` opens the last name ``O_NOFOLLOW | O_NONBLOCK``: a link is refused, and a
  FIFO planted where a file was expected neither blocks the hub nor is read.
* :func:`atomic_write` puts a file in place so that readers see the old bytes or the new, never
  a torn file, and the old file stays whole when writing the new one fails.

What went wrong is reported through the caller's :class:`WalkErrors`, so each caller names
paths the way its users see them ("My Drive/a" or "/content/a").
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from nbcloud.hub.errors import DomainError, InvalidRequest

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO planted in storage must not hang the hub.
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
HAVE_PROC_FD = os.path.isdir("/proc/self/fd")

MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4096
# Temporary files of atomic writes and uploads start with this; never listed, never a user's name.
TEMP_PREFIX = ".nbcloud-"
TEMP_SUFFIX = ".tmp"

Parts = tuple[str, ...]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def bad_path(message: str) -> InvalidRequest:
    return InvalidRequest(message, code="bad_path")


# -- paths as text ----------------------------------------------------------------------------
def check_name(name: str, what: str = "A name", *, new: bool = True) -> str:
    """One file or folder name, or ``bad_path`` saying what is wrong with it.

    The safety rules hold for every name a request carries. ``new`` adds the rules for names
    being created (no edge spaces, no control characters, no reserved prefix); names that a
    runtime already wrote on disk stay reachable even when they break those.
    """
    if not isinstance(name, str) or name == "":
        raise bad_path(f"{what} cannot be empty. Type a name.")
    shown = name.encode("unicode_escape").decode("ascii")[:80]
    if "\x00" in name:
        raise bad_path(f"{what} cannot contain a NUL byte. Remove it and try again.")
    if "/" in name:
        raise bad_path(f"{what} cannot contain '/'. Pick a name without slashes.")
    if "\\" in name:
        raise bad_path(f"{what} cannot contain '\\'. Pick a name without backslashes.")
    if name in (".", ".."):
        raise bad_path(f"{what} cannot be '.' or '..'. Pick another name.")
    if new and name != name.strip():
        raise bad_path(f"'{shown}' starts or ends with a space. Remove the spaces and try again.")
    if new and _CONTROL.search(name):
        raise bad_path(f"'{shown}' contains a control character (such as a line break). Remove it and try again.")
    if new and name.startswith(TEMP_PREFIX):
        raise bad_path(f"Names starting with '{TEMP_PREFIX}' are reserved. Pick another name.")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        raise bad_path(f"'{shown}' is not valid text (lone surrogate). Pick another name.") from None
    if size > MAX_NAME_BYTES:
        raise bad_path(f"A name can be at most {MAX_NAME_BYTES} bytes long; this one has {size}. Shorten it.")
    return name


def check_path_text(path: object, example: str) -> str:
    """``path`` as text that can name a file at all: a string, no NUL, not overly long."""
    if not isinstance(path, str):
        raise bad_path(f"A path must be text, like '{example}'.")
    if "\x00" in path:
        raise bad_path("A path cannot contain a NUL byte.")
    if len(path.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        raise bad_path(f"A path can be at most {MAX_PATH_BYTES} bytes long. Use a shorter one.")
    return path


def names_of(relative: str, start: str) -> Parts:
    """The names of a relative path; ``start`` says where paths start ("My Drive", "/content")."""
    names = relative.split("/")
    for name in names:
        if name == "..":
            raise bad_path(f"A path cannot contain '..'. Name the file from {start} down instead.")
        if name in ("", "."):
            raise bad_path("A path cannot contain empty or '.' parts (such as 'a//b' or 'a/./b'). Remove them.")
        check_name(name, "A name in the path", new=False)
    return tuple(names)


# -- walking ----------------------------------------------------------------------------------
class WalkErrors(Protocol):
    """How a caller words each failure; ``parts`` is the path (below the walk's root) that failed."""

    def missing(self, parts: Parts) -> DomainError: ...

    def link(self, parts: Parts) -> DomainError: ...

    def not_a_folder(self, parts: Parts) -> DomainError: ...

    def is_a_folder(self, parts: Parts) -> DomainError: ...

    def not_a_file(self, parts: Parts) -> DomainError: ...


def lstat_at(dir_fd: int, name: str) -> os.stat_result | None:
    """The entry ``name`` in the folder, not following a link; None when there is none."""
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def is_link(st: os.stat_result | None) -> bool:
    return st is not None and stat.S_ISLNK(st.st_mode)


def why_not_a_folder(dir_fd: int, name: str, parts: Parts, errors: WalkErrors) -> DomainError:
    """Why ``name`` could not be opened as a folder (it vanished, is a link, is something else)."""
    st = lstat_at(dir_fd, name)
    if st is None:
        return errors.missing(parts)
    if stat.S_ISDIR(st.st_mode):
        # It was a link (or gone) when we opened it, and is a folder again now: refuse all the same.
        return errors.link(parts)
    if stat.S_ISLNK(st.st_mode):
        return errors.link(parts)
    return errors.not_a_folder(parts)


def walk(fd: int, parts: Parts, errors: WalkErrors, *, create: bool = False, mode: int = 0o755) -> int:
    """A descriptor for the folder ``parts`` below the open folder ``fd``; the caller closes it.

    Takes over ``fd``: it is closed on the way down, or when the walk fails. ``create`` makes
    missing folders (durably: the parent is fsynced). No link is ever followed.
    """
    try:
        for i, name in enumerate(parts):
            here = parts[: i + 1]
            try:
                nxt = os.open(name, DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise errors.missing(here) from None
                try:
                    os.mkdir(name, mode, dir_fd=fd)
                    os.fsync(fd)
                except FileExistsError:
                    pass  # made meanwhile by someone else: open what is there (if it is a folder)
                try:
                    nxt = os.open(name, DIR_FLAGS, dir_fd=fd)
                except OSError:
                    raise why_not_a_folder(fd, name, here, errors) from None
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    raise why_not_a_folder(fd, name, here, errors) from None
                raise
            os.close(fd)
            fd = nxt
        return fd
    except BaseException:
        os.close(fd)
        raise


def open_file_at(dir_fd: int, name: str, parts: Parts, errors: WalkErrors) -> tuple[int, os.stat_result]:
    """A read-only descriptor and its stat for the regular file ``name``; the caller closes it.

    A link, a folder, a FIFO, a socket or a device is refused (``parts`` names it in the error).
    """
    try:
        fd = os.open(name, FILE_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        raise errors.missing(parts) from None
    except OSError as exc:
        st = lstat_at(dir_fd, name)
        if is_link(st):
            raise errors.link(parts) from None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise errors.is_a_folder(parts) from None
        if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EACCES, errno.EPERM):
            raise errors.not_a_file(parts) from None
        raise
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        if stat.S_ISDIR(st.st_mode):
            raise errors.is_a_folder(parts)
        raise errors.not_a_file(parts)
    return fd, st


def fd_path(dir_fd: int, fallback: Path) -> Path:
    """A path that names the folder behind ``dir_fd`` itself, for path-based helpers (atomic_write).

    ``/proc/self/fd/N`` is the opened folder, whatever has been renamed or planted since;
    where /proc is missing, the caller's checked path is the best there is.
    """
    return Path(f"/proc/self/fd/{dir_fd}") if HAVE_PROC_FD else fallback


def remove_at(dir_fd: int, name: str) -> None:
    """Delete ``name`` and everything under it; links inside are removed, never followed."""
    st = lstat_at(dir_fd, name)
    if st is None:
        return
    if stat.S_ISDIR(st.st_mode):
        # rmtree with dir_fd walks with descriptors (rmtree.avoids_symlink_attacks on Linux).
        assert shutil.rmtree.avoids_symlink_attacks
        shutil.rmtree(name, dir_fd=dir_fd)
    else:
        os.unlink(name, dir_fd=dir_fd)


def tree_bytes(dir_fd: int) -> int:
    """Sum of the sizes of the regular files below the open folder (links not followed)."""
    total = 0
    for _top, _dirs, files, dfd in os.fwalk(".", dir_fd=dir_fd, follow_symlinks=False):
        for name in files:
            st = lstat_at(dfd, name)
            if st is not None and stat.S_ISREG(st.st_mode):
                total += st.st_size
    return total


def inside(root: Path, candidate: Path) -> bool:
    """True when ``candidate`` resolves to ``root`` or below it, compared component by component.

    A string prefix test would let ``/data/drive/12`` pass for the root ``/data/drive/1``;
    ``commonpath`` compares whole components, so it does not.
    """
    real_root = os.path.realpath(root)
    real = os.path.realpath(candidate)
    try:
        return os.path.commonpath([real_root, real]) == real_root
    except ValueError:  # mixed absolute and relative
        return False


# -- atomic writes ----------------------------------------------------------------------------
def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(target: Path, data: bytes | Iterable[bytes], mode: int = 0o644) -> int:
    """Replace ``target`` with ``data``; returns the number of bytes written.

    Writes a temporary file in the same folder, fsyncs it, renames it over the target and fsyncs
    the folder, so the rename itself survives a crash. When anything fails before the rename,
    the temporary file is removed and ``target`` keeps its old bytes.
    """
    folder = target.parent
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    written = 0
    try:
        with os.fdopen(fd, "wb") as fh:
            chunks = [data] if isinstance(data, (bytes, bytearray, memoryview)) else data
            for chunk in chunks:
                fh.write(chunk)
                written += len(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(folder)
    return written


def atomic_move(source: Path, target: Path) -> None:
    """Move a finished file (already fsynced) into place, durably."""
    os.replace(source, target)
    fsync_dir(target.parent)
    if source.parent != target.parent:
        fsync_dir(source.parent)
