"""How a Drive entry looks to the API: ``Item`` and the helpers that build it."""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
from typing import Literal

from pydantic import BaseModel

from nbcloud.hub.drive.paths import natural_key

FOLDER_MIME = "inode/directory"
# Types Python's table lacks or gets wrong for a notebook platform.
EXTRA_TYPES = {
    ".ipynb": "application/x-ipynb+json",
    ".py": "text/x-python",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".jsonl": "application/jsonl",
    ".parquet": "application/vnd.apache.parquet",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".toml": "application/toml",
    ".webp": "image/webp",
}

SortKey = Literal["name", "modified", "size"]
Order = Literal["asc", "desc"]


class Item(BaseModel):
    id: str
    name: str
    # Relative to MyDrive. For a trashed item: where it goes back to (same as original_path).
    path: str
    is_folder: bool
    # Bytes of a file; 0 for a folder.
    size: int
    modified: str
    mime: str
    trashed_at: str | None = None
    original_path: str | None = None


def mime_of(name: str, is_folder: bool = False) -> str:
    if is_folder:
        return FOLDER_MIME
    ext = os.path.splitext(name)[1].lower()
    if ext in EXTRA_TYPES:
        return EXTRA_TYPES[ext]
    return mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"


def iso(ts: float | dt.datetime) -> str:
    if isinstance(ts, dt.datetime):
        return ts.astimezone(dt.UTC).isoformat()
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat()


def make_item(
    item_id: str,
    name: str,
    path: str,
    is_folder: bool,
    st: os.stat_result,
    trashed_at: dt.datetime | None = None,
    original_path: str | None = None,
) -> Item:
    return Item(
        id=item_id,
        name=name,
        path=path,
        is_folder=is_folder,
        size=0 if is_folder else st.st_size,
        modified=iso(st.st_mtime),
        mime=mime_of(name, is_folder),
        trashed_at=iso(trashed_at) if trashed_at else None,
        original_path=original_path,
    )


def sort_items(items: list[Item], key: SortKey = "name", order: Order = "asc") -> list[Item]:
    """Folders first, then by the key; ties by name. ``order`` flips within each group."""
    by_name = sorted(items, key=lambda i: natural_key(i.name), reverse=order == "desc")
    if key == "modified":
        by_name.sort(key=lambda i: i.modified, reverse=order == "desc")
    elif key == "size":
        by_name.sort(key=lambda i: i.size, reverse=order == "desc")
    # A stable sort keeps the order above inside each group.
    by_name.sort(key=lambda i: not i.is_folder)
    return by_name
