"""Find the file behind a Drive item, for the documents layer.

TEMPORARY: the drive package (``nbcloud.hub.drive``) will own this once it lands; until then
this resolves ``DriveItem.path`` under ``settings.drive_dir/<owner_id>`` itself. It refuses
absolute paths, ``..``, empty or odd components and symlinks anywhere on the way, so a path from
the database (which a runtime may influence by renaming files) never leads outside the owner's
root.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session as OrmSession

from nbcloud.config import Settings
from nbcloud.hub.db.models import DriveItem


class UnsafePath(Exception):
    """The stored path would leave the owner's root, or crosses a symlink."""


@dataclass(frozen=True)
class ItemFile:
    item_id: str
    owner_id: int
    path: str  # relative to the owner's root, e.g. "MyDrive/Colab Notebooks/a.ipynb"
    file: Path  # absolute path on disk

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def owner_root(settings: Settings, owner_id: int) -> Path:
    return settings.drive_dir / str(int(owner_id))


def safe_join(root: Path, relative: str) -> Path:
    """``root/relative`` after checking every component; the last one may not exist yet."""
    if not relative or "\x00" in relative or relative.startswith("/") or "\\" in relative:
        raise UnsafePath(relative)
    parts = relative.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise UnsafePath(relative)
    current = root
    try:
        st = os.lstat(current)
    except FileNotFoundError:
        raise UnsafePath(relative) from None
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafePath(relative)
    for i, part in enumerate(parts):
        current = current / part
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            if i == len(parts) - 1:
                return current
            raise UnsafePath(relative) from None
        if stat.S_ISLNK(st.st_mode):
            raise UnsafePath(relative)
        if i < len(parts) - 1 and not stat.S_ISDIR(st.st_mode):
            raise UnsafePath(relative)
    return current


def item_file(db: OrmSession, settings: Settings, item_id: str, user_id: int) -> ItemFile | None:
    """The live (not trashed) file item ``item_id`` if ``user_id`` may open it, else None.

    None covers "no such item", "not yours" (sharing comes later) and "unsafe path" alike, so a
    caller cannot tell them apart.
    """
    if not isinstance(item_id, str) or not (1 <= len(item_id) <= 64) or not item_id.isalnum():
        return None
    row = db.get(DriveItem, item_id)
    if row is None or row.owner_id != user_id or row.is_folder or row.trashed_at is not None:
        return None
    try:
        path = safe_join(owner_root(settings, row.owner_id), row.path)
    except UnsafePath:
        return None
    return ItemFile(item_id=row.id, owner_id=row.owner_id, path=row.path, file=path)


def recheck(item: ItemFile, settings: Settings) -> Path:
    """Check the path again right before touching the file (a runtime may have swapped a folder)."""
    return safe_join(owner_root(settings, item.owner_id), item.path)
