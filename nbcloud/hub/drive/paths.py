"""Drive paths: what a request may name, and how API paths map to stored ones.

An API path is relative to the user's ``MyDrive`` with ``/`` separators (``""`` is MyDrive
itself). It is checked here, before anything touches the disk, and turned into a tuple of
names; a name never contains ``/``, so the file-system layer (``fs``) walks it one component
at a time and never has to parse a path again.

Stored (database) paths are relative to the user's root: ``MyDrive/a/b.txt`` or
``Trash/<item id>/b.txt``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from nbcloud.hub.errors import ApiError

MYDRIVE = "MyDrive"
TRASH = "Trash"
# Folders every Drive has from the start, like Colab.
NOTEBOOKS_FOLDER = "Colab Notebooks"
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4096
# Temporary files of atomic writes; never shown, never counted as entries.
TEMP_PREFIX = ".nbcloud-"

Parts = tuple[str, ...]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def bad_path(message: str) -> ApiError:
    return ApiError(422, "bad_path", message)


def name_taken(name: str) -> ApiError:
    return ApiError(
        409, "name_taken", f"A file or folder named '{name}' already exists here. Pick another name or move it first."
    )


def check_name(name: str, what: str = "A name", *, new: bool = True) -> str:
    """One file or folder name, or a 422 that says what is wrong with it.

    The safety rules hold for every name a request carries. ``new`` adds the rules for names
    being created (no edge spaces, no control characters, no reserved prefix); names that a
    runtime already wrote on disk are reachable even when they break those.
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


def split_path(path: str | None) -> Parts:
    """An API path (relative to MyDrive) as its names; ``""`` is MyDrive itself."""
    if path is None or path == "":
        return ()
    if not isinstance(path, str):
        raise bad_path("A path must be text, like 'Colab Notebooks/a.ipynb'.")
    if "\x00" in path:
        raise bad_path("A path cannot contain a NUL byte.")
    if len(path.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        raise bad_path(f"A path can be at most {MAX_PATH_BYTES} bytes long. Use a shorter one.")
    if path.startswith("/") or path.startswith("\\") or re.match(r"^[A-Za-z]:", path):
        raise bad_path(
            f"Paths are relative to My Drive, without a leading '/': write 'Colab Notebooks/a.ipynb', "
            f"not '/{path.lstrip('/')}'."
        )
    names = path.split("/")
    for name in names:
        if name == "..":
            raise bad_path("A path cannot contain '..'. Name the folder from My Drive down instead.")
        if name in ("", "."):
            raise bad_path("A path cannot contain empty or '.' parts (such as 'a//b' or 'a/./b'). Remove them.")
        check_name(name, "A name in the path", new=False)
    return tuple(names)


def join(parts: Parts) -> str:
    return "/".join(parts)


def db_path(parts: Parts) -> str:
    """Stored path of a MyDrive entry."""
    return "/".join((MYDRIVE, *parts))


def trash_db_path(item_id: str, name: str) -> str:
    return f"{TRASH}/{item_id}/{name}"


def api_path(stored: str) -> str | None:
    """MyDrive-relative API path of a stored path, or None when it is not in MyDrive."""
    if stored == MYDRIVE:
        return ""
    prefix = MYDRIVE + "/"
    return stored[len(prefix):] if stored.startswith(prefix) else None


def stored_parts(stored: str) -> Parts:
    return tuple(stored.split("/"))


def is_same_or_inside(parts: Parts, ancestor: Parts) -> bool:
    return parts[: len(ancestor)] == ancestor


def inside(root: Path, candidate: Path) -> bool:
    """True when ``candidate`` resolves to ``root`` or below it, compared component by component.

    A string prefix test would let ``/data/drive/12`` pass for the root ``/data/drive/1``;
    ``commonpath`` compares whole components, so it does not.
    """
    real_root = os.path.realpath(root)
    real = os.path.realpath(candidate)
    try:
        return os.path.commonpath([real_root, real]) == real_root
    except ValueError:  # different drives / mixed absolute and relative
        return False


def numbered_name(name: str, n: int, is_folder: bool) -> str:
    """``report (1).pdf`` for the n-th alternative to ``report.pdf``."""
    if is_folder:
        return f"{name} ({n})"
    stem, ext = os.path.splitext(name)
    if not stem:  # '.bashrc' has no extension
        stem, ext = name, ""
    return f"{stem} ({n}){ext}"


def natural_key(name: str) -> tuple:
    """Case-insensitive natural order: 'file2' before 'file10'; exact case only breaks ties."""
    pieces = tuple(
        (0, int(piece), "") if piece.isdigit() else (1, 0, piece.casefold())
        for piece in re.split(r"(\d+)", name)
        if piece
    )
    return pieces, name
