"""Where live notebooks come from and go to: their ``.ipynb`` files in Drive, and revisions.

Blocking (database and disk): call it from a worker thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbcloud.hub.db import Database
from nbcloud.hub.db.models import DriveItem
from nbcloud.hub.documents.notebook_io import MAX_NOTEBOOK_BYTES, BadNotebook, parse_notebook, serialize_notebook
from nbcloud.hub.drive.paths import api_path
from nbcloud.hub.errors import DomainError, InvalidRequest, NotFound
from nbcloud.hub.safefs import atomic_write

if TYPE_CHECKING:
    from nbcloud.hub.drive.store import DriveStore

log = logging.getLogger("nbcloud.documents")

# Called before a save replaces a file: (item id, owner id, the file's bytes before or None, the
# content saved). Trust re-signs its owner's own changes.
SaveHook = Callable[[str, int, "bytes | None", dict[str, Any]], None]


class DocumentNotFound(NotFound):
    """No such notebook, or the user may not open it (the two look the same on purpose)."""

    def __init__(self, item_id: str) -> None:
        super().__init__("That notebook does not exist or you have no access to it.")
        self.item_id = item_id


class NotANotebook(InvalidRequest):
    """The item is a file, but not an ``.ipynb``."""

    code = "not_a_notebook"

    def __init__(self, item_id: str) -> None:
        super().__init__("Only .ipynb files open as notebooks. Download this file instead.")
        self.item_id = item_id


def _missing(error: DomainError) -> bool:
    return isinstance(error, NotFound) or error.code == "not_found"


class NotebookStore:
    def __init__(
        self,
        db: Database,
        drive: DriveStore,
        revisions_dir: Path,
        *,
        revision_interval_seconds: float = 10 * 60,
        max_revisions: int = 100,
    ) -> None:
        self.db = db
        self.drive = drive
        self.revisions_dir = revisions_dir
        self.revision_interval_seconds = revision_interval_seconds
        self.max_revisions = max_revisions
        self.save_hooks: list[SaveHook] = []

    def lookup(self, item_id: str, user_id: int) -> DriveItem:
        """The user's notebook row (in MyDrive, not a folder), else DocumentNotFound / NotANotebook."""
        try:
            row = self.drive.row(user_id, item_id, in_drive=True)  # someone else's id: 404
        except DomainError as e:
            if _missing(e):
                raise DocumentNotFound(item_id) from None
            raise
        if row.is_folder:
            raise DocumentNotFound(item_id)
        if not row.path.lower().endswith(".ipynb"):
            raise NotANotebook(item_id)
        return row

    def load(self, item_id: str, user_id: int) -> tuple[DriveItem, dict[str, Any]]:
        """The row and the parsed notebook; BadNotebook when the file is not one."""
        row = self.lookup(item_id, user_id)
        try:
            fd, st, _name = self.drive.open_item(user_id, item_id)  # never follows a link
        except DomainError as e:
            if _missing(e):
                raise DocumentNotFound(item_id) from None
            raise
        with os.fdopen(fd, "rb") as fh:
            if st.st_size > MAX_NOTEBOOK_BYTES:
                raise BadNotebook(f"it is larger than {MAX_NOTEBOOK_BYTES // (1024 * 1024)} MiB")
            return row, parse_notebook(fh.read())

    def write(self, item_id: str, owner_id: int, content: dict[str, Any]) -> bool:
        """Write the notebook to its file, wherever it is now. True when the file changed."""
        data = serialize_notebook(content)  # raises BadNotebook: the file is left alone
        # Where the item is now (it may have been renamed or moved since it was opened).
        with self.db.session() as db:
            row = db.get(DriveItem, item_id)
            stored = row.path if row is not None and row.owner_id == owner_id and not row.is_folder else None
        path = api_path(stored) if stored is not None else None
        if path is None:
            log.warning("document %s is no longer in its owner's Drive (deleted or trashed); not saving", item_id)
            return False
        current: bytes | None
        try:
            current = self.drive.read_file(owner_id, path)
        except DomainError as e:
            if not _missing(e):
                raise
            current = None
        for hook in self.save_hooks:
            hook(item_id, owner_id, current, content)
        if current == data:
            return False
        if current is not None:
            self._keep_revision(item_id, current)
        self.drive.write_file(owner_id, path, data)  # atomic, symlink-safe
        return True

    def _keep_revision(self, item_id: str, current: bytes) -> None:
        """Before overwriting, keep the file's bytes in revisions/<item_id>/<UTC time>.ipynb when
        the newest kept copy is at least revision_interval_seconds old (so the file as first
        opened is always kept). At most max_revisions copies per item; the oldest go first."""
        if not item_id.isalnum():
            return
        folder = self.revisions_dir / item_id
        folder.mkdir(parents=True, exist_ok=True)
        existing = self.revisions(item_id)
        if existing and time.time() - existing[-1].stat().st_mtime < self.revision_interval_seconds:
            return
        atomic_write(folder / f"{utc_stamp()}.ipynb", current)
        for old in existing[: max(0, len(existing) + 1 - self.max_revisions)]:
            old.unlink(missing_ok=True)

    def revisions(self, item_id: str) -> list[Path]:
        folder = self.revisions_dir / item_id
        if not item_id.isalnum() or not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix == ".ipynb" and not p.name.startswith("."))


def utc_stamp(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S.%fZ")
