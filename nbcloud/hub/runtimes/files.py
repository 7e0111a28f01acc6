"""A runtime's ``/content`` as the hub sees it: listing, reading, writing, renaming, deleting,
without ever following a link that the runtime's code planted.

``/content`` lives on the host (``runtimes_dir/<id>/content``) and untrusted code writes there
as it likes; the hub, which may be root, must never be led out of it. So, as in ``drive.fs``,
every operation walks from the ``content`` folder one name at a time with directory descriptors
opened ``O_NOFOLLOW | O_DIRECTORY`` and acts on the last name relative to its parent's
descriptor (``*at`` system calls). A symbolic link anywhere on the way stops the walk with
``link_refused``; a listing shows links as links (with their target text) and never enters them.
``drive/MyDrive`` (``drive.mount()``) is the person's Drive, mounted inside the sandbox only (on
the host it is an empty folder, or a link to ``/proc/<kernel pid>/fd/<n>`` when the hub is not
root): the hub treats it as a link whatever it is on the host, so nothing is ever written into the
host-side folder that the mount hides from the runtime.

What the hub writes (uploads, new folders) belongs to the runtime's user, so the code in the
runtime can change and delete it. When the hub is root it also refuses to read a file the
runtime's user could not read itself (a hard link to a root-only file, say), and to change a
folder the runtime's user could not write. Files are written to a temporary name in the target
folder and renamed (or linked, when nothing may be replaced) into place: a hard link planted at
the target's name cannot make the hub write into another file.

Paths in this module are tuples of names below ``/content`` (``()`` is ``/content``), checked by
:func:`split_path`.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# The same no-follow walk as a person's Drive (a FIFO planted in /content must not hang the hub
# either: safefs opens files O_NONBLOCK).
from nbcloud.hub import safefs
from nbcloud.hub.drive.paths import natural_key
from nbcloud.hub.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidRequest,
    NotFound,
    QuotaExceeded,
    StorageFailed,
)
from nbcloud.hub.safefs import DIR_FLAGS, NEW_FILE_FLAGS, Parts, check_name, check_path_text, lstat_at, names_of
from nbcloud.hub.safefs import bad_path as _bad_path

TEMP_PREFIX = ".nbcloud-upload-"
MAX_LISTED = 5000


def shown(parts: Parts) -> str:
    return "/content/" + "/".join(parts) if parts else "/content"


def split_path(path: str | None) -> Parts:
    """A path below /content as its names: ``""``, ``"/content"`` and ``"."`` are /content itself;
    ``"a/b"`` and ``"/content/a/b"`` are the same file. ``..``, empty or ``.`` parts, other absolute
    paths, NUL and backslashes are refused."""
    if path is None:
        return ()
    path = check_path_text(path, "sample_data/README.md")
    if path in ("", ".", "/content", "/content/"):
        return ()
    if path.startswith("/content/"):
        path = path[len("/content/"):]
    elif path.startswith(("/", "\\")):
        raise _bad_path(f"'{path[:200]}' is outside /content. The Files panel shows only /content.")
    return names_of(path, "/content")


def not_found(parts: Parts) -> NotFound:
    return NotFound(f"'{shown(parts)}' does not exist. Refresh the Files panel and try again.")


def link_refused(parts: Parts) -> InvalidRequest:
    if parts[-2:] == ("drive", "MyDrive"):
        return InvalidRequest("'/content/drive/MyDrive' is your Drive (drive.mount()); "
                              "open it on the Drive page. The Files panel does not follow links.", code="is_a_link")
    return InvalidRequest(f"'{shown(parts)}' is a symbolic link. The Files panel does not follow or "
                          "change links; use a cell for that (for example !ls -l or !rm).", code="is_a_link")


# Where drive.mount() puts the person's Drive (see the module's docstring).
DRIVE_SLOT: Parts = ("drive", "MyDrive")


def not_a_folder(parts: Parts) -> InvalidRequest:
    return InvalidRequest(f"'{shown(parts)}' is a file, not a folder. Pick a folder.", code="not_a_folder")


def is_a_folder(parts: Parts) -> InvalidRequest:
    return InvalidRequest(f"'{shown(parts)}' is a folder. Open a file instead.", code="is_a_folder")


def not_a_file(parts: Parts) -> InvalidRequest:
    return InvalidRequest(f"'{shown(parts)}' is not a regular file (a pipe, socket or device).", code="not_a_file")


def exists(parts: Parts) -> Conflict:
    return Conflict(f"'{shown(parts)}' already exists. Pick another name, or delete it first.", code="name_taken")


def not_allowed(parts: Parts, what: str) -> Forbidden:
    return Forbidden(f"The runtime's user may not {what} '{shown(parts)}', so the Files panel "
                     "does not either. Change its permissions from a cell (!chmod) first.", code="not_permitted")


def disk_error(exc: OSError) -> DomainError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return QuotaExceeded("The runtime's disk is full. Delete files in /content and try again.", code="disk_full")
    return StorageFailed(f"Writing to the runtime failed ({exc.strerror}). Try again.", code="write_failed")


class ContentErrors:
    """Walk failures worded for the Files panel (``safefs.WalkErrors``)."""

    def missing(self, parts: Parts) -> DomainError:
        return not_found(parts)

    def link(self, parts: Parts) -> DomainError:
        return link_refused(parts)

    def not_a_folder(self, parts: Parts) -> DomainError:
        return not_a_folder(parts)

    def is_a_folder(self, parts: Parts) -> DomainError:
        return is_a_folder(parts)

    def not_a_file(self, parts: Parts) -> DomainError:
        return not_a_file(parts)


ERRORS = ContentErrors()


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str  # "file" | "folder" | "link" | "other"
    size: int
    modified: float
    target: str | None = None  # a link's text, never followed


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISLNK(mode):
        return "link"
    return "other"


class RuntimeFiles:
    """The ``content`` folder of one runtime. ``uid``/``gid``: the runtime's user when it is not
    the hub's (the hub is root and drops to them); None when kernel and hub share a uid."""

    def __init__(self, content: Path, uid: int | None = None, gid: int | None = None, *,
                 inside: str = "/content") -> None:
        self.content = Path(content)
        self.uid = uid
        self.gid = gid
        self.inside = inside.rstrip("/") or "/"  # where the kernel sees ``content``

    def relative(self, path: str) -> Parts | None:
        """An absolute path as the kernel sees it, as names below /content (None: outside it)."""
        if path == self.inside:
            return ()
        if not path.startswith(self.inside + "/"):
            return None
        return split_path(path[len(self.inside) + 1:])

    # -- permissions ----------------------------------------------------------------------
    def _may(self, st: os.stat_result, bits: tuple[int, int, int]) -> bool:
        """Whether the runtime's user has this access (read or write bits: user, group, other)."""
        if self.uid is None:
            return True
        user, group, other = bits
        if st.st_uid == self.uid:
            return bool(st.st_mode & user)
        if st.st_gid == self.gid:
            return bool(st.st_mode & group)
        return bool(st.st_mode & other)

    def _may_read(self, st: os.stat_result) -> bool:
        return self._may(st, (stat.S_IRUSR, stat.S_IRGRP, stat.S_IROTH))

    def _may_write(self, st: os.stat_result) -> bool:
        return self._may(st, (stat.S_IWUSR, stat.S_IWGRP, stat.S_IWOTH))

    def _give(self, fd: int) -> None:
        if self.uid is not None:
            os.fchown(fd, self.uid, self.gid if self.gid is not None else -1)

    # -- walking ------------------------------------------------------------------------
    def _open_root(self) -> int:
        try:
            return os.open(self.content, DIR_FLAGS)
        except FileNotFoundError:
            raise Conflict("This runtime is gone. Run a cell to get a new one.", code="no_runtime") from None

    def open_dir(self, parts: Parts) -> int:
        """A descriptor for the folder ``/content/parts``; the caller closes it."""
        if parts[: len(DRIVE_SLOT)] == DRIVE_SLOT:
            # The Drive's mount point is a link to the hub whatever it is on the host (``drive``
            # itself is walked first, so a missing ``drive`` folder is reported as missing).
            os.close(safefs.walk(self._open_root(), DRIVE_SLOT[:-1], ERRORS))
            raise link_refused(DRIVE_SLOT)
        return safefs.walk(self._open_root(), parts, ERRORS)

    @contextmanager
    def dir(self, parts: Parts) -> Iterator[int]:
        fd = self.open_dir(parts)
        try:
            yield fd
        finally:
            os.close(fd)

    # -- reading ------------------------------------------------------------------------
    def stat(self, parts: Parts) -> Entry:
        """The entry at ``parts`` (a link is reported as a link, not followed)."""
        if not parts:
            with self.dir(()) as fd:
                st = os.fstat(fd)
            return Entry("content", "folder", 0, st.st_mtime)
        with self.dir(parts[:-1]) as dfd:
            found = lstat_at(dfd, parts[-1])
            if found is None:
                raise not_found(parts)
            return self._entry(dfd, parts[-1], found, drive_slot=parts == DRIVE_SLOT)

    @staticmethod
    def _entry(dir_fd: int, name: str, st: os.stat_result, *, drive_slot: bool = False) -> Entry:
        kind = "link" if drive_slot else _kind(st.st_mode)
        target = None
        if kind == "link":
            try:
                target = os.readlink(name, dir_fd=dir_fd)
            except OSError:
                target = None
        return Entry(name, kind, st.st_size if kind == "file" else 0, st.st_mtime, target)

    def list(self, parts: Parts) -> tuple[list[Entry], bool]:
        """Folders first, then files and links, in natural order; (entries, truncated)."""
        out: list[Entry] = []
        truncated = False
        with self.dir(parts) as fd, os.scandir(fd) as it:
            for e in it:
                if e.name.startswith(TEMP_PREFIX):
                    continue
                if len(out) >= MAX_LISTED:
                    truncated = True
                    break
                try:
                    st = e.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                out.append(self._entry(fd, e.name, st, drive_slot=(*parts, e.name) == DRIVE_SLOT))
        out.sort(key=lambda entry: (entry.kind != "folder", natural_key(entry.name)))
        return out, truncated

    def open_file(self, parts: Parts) -> tuple[int, os.stat_result]:
        """A read-only descriptor and its stat for the regular file at ``parts``; the caller closes it."""
        if not parts:
            raise is_a_folder(parts)
        if parts == DRIVE_SLOT:
            raise link_refused(DRIVE_SLOT)
        with self.dir(parts[:-1]) as dfd:
            fd, st = safefs.open_file_at(dfd, parts[-1], parts, ERRORS)
        if not self._may_read(st):
            os.close(fd)
            raise not_allowed(parts, "read")
        return fd, st

    # -- changing -----------------------------------------------------------------------
    def _writable_dir(self, dir_fd: int, parts: Parts) -> None:
        if not self._may_write(os.fstat(dir_fd)):
            raise not_allowed(parts, "change the folder")

    def mkdir(self, parts: Parts) -> Entry:
        if not parts:
            raise exists(parts)
        name = check_name(parts[-1], "A folder name")
        with self.dir(parts[:-1]) as dfd:
            self._writable_dir(dfd, parts[:-1])
            try:
                os.mkdir(name, 0o755, dir_fd=dfd)
            except FileExistsError:
                raise exists(parts) from None
            except OSError as exc:
                raise disk_error(exc) from None
            try:
                # Through a descriptor: had the new folder been swapped for a link, this fails.
                nfd = os.open(name, DIR_FLAGS, dir_fd=dfd)
            except OSError:
                raise not_found(parts) from None
            try:
                self._give(nfd)
                st = os.fstat(nfd)
            finally:
                os.close(nfd)
            return Entry(name, "folder", 0, st.st_mtime)

    def begin_write(self, parts: Parts, *, overwrite: bool = False) -> Upload:
        """A temporary file in the target folder to stream into; ``Upload.commit`` puts it in place."""
        if not parts:
            raise is_a_folder(parts)
        name = check_name(parts[-1], "A file name")
        if name.startswith(TEMP_PREFIX):
            raise _bad_path(f"Names starting with '{TEMP_PREFIX}' are reserved. Pick another name.")
        dfd = self.open_dir(parts[:-1])
        try:
            self._writable_dir(dfd, parts[:-1])
            self._check_target(dfd, parts, overwrite)
            tmp = f"{TEMP_PREFIX}{secrets.token_hex(8)}"
            try:
                fd = os.open(tmp, NEW_FILE_FLAGS, 0o644, dir_fd=dfd)
            except OSError as exc:
                raise disk_error(exc) from None
            try:
                self._give(fd)
            except BaseException:
                os.close(fd)
                os.unlink(tmp, dir_fd=dfd)
                raise
        except BaseException:
            os.close(dfd)
            raise
        return Upload(self, parts, dfd, fd, tmp, overwrite)

    def _check_target(self, dfd: int, parts: Parts, overwrite: bool) -> None:
        if parts == DRIVE_SLOT:
            raise link_refused(DRIVE_SLOT)
        st = lstat_at(dfd, parts[-1])
        if st is None:
            return
        if stat.S_ISLNK(st.st_mode):
            raise link_refused(parts)
        if stat.S_ISDIR(st.st_mode):
            raise is_a_folder(parts)
        if not overwrite:
            raise exists(parts)

    def write_bytes(self, parts: Parts, data: bytes, *, overwrite: bool = False) -> Entry:
        upload = self.begin_write(parts, overwrite=overwrite)
        try:
            upload.write(data)
            return upload.commit()
        finally:
            upload.close()

    def rename(self, parts: Parts, to: Parts) -> Entry:
        if not parts or not to:
            raise _bad_path("/content itself cannot be renamed or moved.")
        check_name(to[-1], "A new name")
        if DRIVE_SLOT in (parts, to):
            raise link_refused(DRIVE_SLOT)
        if len(to) > len(parts) and to[: len(parts)] == parts:
            raise _bad_path(f"'{shown(parts)}' cannot be moved into itself.")
        with self.dir(parts[:-1]) as sfd, self.dir(to[:-1]) as dfd:
            st = lstat_at(sfd, parts[-1])
            if st is None:
                raise not_found(parts)
            if stat.S_ISLNK(st.st_mode):
                raise link_refused(parts)
            self._writable_dir(sfd, parts[:-1])
            self._writable_dir(dfd, to[:-1])
            if parts == to:
                return self._entry(sfd, parts[-1], st)
            if lstat_at(dfd, to[-1]) is not None:
                raise exists(to)
            try:
                os.rename(parts[-1], to[-1], src_dir_fd=sfd, dst_dir_fd=dfd)
            except FileNotFoundError:
                raise not_found(parts) from None
            except OSError as exc:
                if exc.errno == errno.EINVAL:
                    raise _bad_path(f"'{shown(parts)}' cannot be moved into itself.") from None
                raise disk_error(exc) from None
            moved = lstat_at(dfd, to[-1])
            if moved is None:
                raise not_found(to)
            return self._entry(dfd, to[-1], moved)

    def delete(self, parts: Parts) -> None:
        """Delete a file, or a folder and everything in it (links inside are removed, never followed).
        A link itself is refused, as everywhere in this module."""
        if not parts:
            raise _bad_path("/content itself cannot be deleted.")
        if parts == DRIVE_SLOT:
            raise link_refused(DRIVE_SLOT)
        with self.dir(parts[:-1]) as dfd:
            st = lstat_at(dfd, parts[-1])
            if st is None:
                raise not_found(parts)
            if stat.S_ISLNK(st.st_mode):
                raise link_refused(parts)
            self._writable_dir(dfd, parts[:-1])
            if stat.S_ISDIR(st.st_mode):
                try:
                    nfd = os.open(parts[-1], DIR_FLAGS, dir_fd=dfd)
                except OSError:
                    raise link_refused(parts) from None
                os.close(nfd)
                safefs.remove_at(dfd, parts[-1])  # links inside are removed, never followed
            else:
                try:
                    os.unlink(parts[-1], dir_fd=dfd)
                except FileNotFoundError:
                    raise not_found(parts) from None


class Upload:
    """A file being written: bytes go to a temporary name in its folder until ``commit``."""

    def __init__(self, files: RuntimeFiles, parts: Parts, dir_fd: int, fd: int, tmp: str, overwrite: bool) -> None:
        self.files = files
        self.parts = parts
        self.dir_fd: int | None = dir_fd
        self.fd: int | None = fd
        self.tmp: str | None = tmp
        self.overwrite = overwrite
        self.written = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert self.fd is not None
        view = memoryview(data)
        try:
            while view:
                n = os.write(self.fd, view)
                view = view[n:]
                self.written += n
        except OSError as exc:
            raise disk_error(exc) from None

    def commit(self) -> Entry:
        assert self.fd is not None and self.dir_fd is not None and self.tmp is not None
        dfd, name = self.dir_fd, self.parts[-1]
        st = os.fstat(self.fd)
        os.close(self.fd)
        self.fd = None
        # Checked again: the runtime may have made something at that name meanwhile.
        self.files._check_target(dfd, self.parts, self.overwrite)
        try:
            if self.overwrite:
                # rename() replaces the name itself, never what a link there points to.
                os.rename(self.tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
            else:
                os.link(self.tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd, follow_symlinks=False)
                os.unlink(self.tmp, dir_fd=dfd)
        except FileExistsError:
            raise exists(self.parts) from None
        except IsADirectoryError:
            raise is_a_folder(self.parts) from None
        except OSError as exc:
            raise disk_error(exc) from None
        self.tmp = None
        return Entry(name, "file", st.st_size, st.st_mtime)

    def close(self) -> None:
        """Throw away what was not committed, and let go of the descriptors."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.tmp is not None and self.dir_fd is not None:
            try:
                os.unlink(self.tmp, dir_fd=self.dir_fd)
            except OSError:
                pass
            self.tmp = None
        if self.dir_fd is not None:
            os.close(self.dir_fd)
            self.dir_fd = None
