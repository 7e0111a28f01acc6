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

from nbcloud.hub.errors import Conflict
from nbcloud.hub.safefs import Parts, bad_path, check_name, check_path_text, names_of

MYDRIVE = "MyDrive"
TRASH = "Trash"
# Folders every Drive has from the start, like Colab.
NOTEBOOKS_FOLDER = "Colab Notebooks"

__all__ = [
    "MYDRIVE", "NOTEBOOKS_FOLDER", "TRASH", "Parts", "api_path", "check_name", "db_path", "join",
    "name_taken", "natural_key", "numbered_name", "split_path", "stored_parts", "trash_db_path",
]


def name_taken(name: str) -> Conflict:
    return Conflict(
        f"A file or folder named '{name}' already exists here. Pick another name or move it first.", code="name_taken"
    )


def split_path(path: str | None) -> Parts:
    """An API path (relative to MyDrive) as its names; ``""`` is MyDrive itself."""
    if path is None or path == "":
        return ()
    path = check_path_text(path, "Colab Notebooks/a.ipynb")
    if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        raise bad_path(
            f"Paths are relative to My Drive, without a leading '/': write 'Colab Notebooks/a.ipynb', "
            f"not '/{path.lstrip('/')}'."
        )
    return names_of(path, "My Drive")


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


def numbered_name(name: str, n: int, is_folder: bool) -> str:
    """``report (1).pdf`` for the n-th alternative to ``report.pdf``."""
    if is_folder:
        return f"{name} ({n})"
    stem, ext = os.path.splitext(name)
    if not stem:  # '.bashrc' has no extension
        stem, ext = name, ""
    return f"{stem} ({n}){ext}"


def natural_key(name: str) -> tuple[tuple[tuple[int, int, str], ...], str]:
    """Case-insensitive natural order: 'file2' before 'file10'; exact case only breaks ties."""
    pieces = tuple(
        (0, int(piece), "") if piece.isdigit() else (1, 0, piece.casefold())
        for piece in re.split(r"(\d+)", name)
        if piece
    )
    return pieces, name
