"""The database side of Drive: one ``DriveItem`` row per entry, giving it a stable id.

The disk is the truth for the tree (a runtime writes into MyDrive directly); rows follow it.
Listing a folder reconciles its rows with what is on disk, and a rename or move rewrites the
path of the row and of every row below it. Prefix matches use ``substr`` so that they are
exact and case-sensitive on SQLite and PostgreSQL alike (SQLite's LIKE ignores case).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Text, delete, func, literal, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql.elements import ColumnElement

from nbcloud.hub.db.models import DriveItem


def _under(prefix: str) -> ColumnElement[bool]:
    """Rows strictly below the stored path ``prefix``."""
    p = prefix + "/"
    return func.substr(DriveItem.path, 1, len(p)) == p


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def by_id(db: OrmSession, owner_id: int, item_id: str) -> DriveItem | None:
    """The owner's row with this id; someone else's id gives None, as if it did not exist."""
    if not isinstance(item_id, str) or len(item_id) > 32:
        return None
    return db.scalar(select(DriveItem).where(DriveItem.id == item_id, DriveItem.owner_id == owner_id))


def at_path(db: OrmSession, owner_id: int, stored: str) -> DriveItem | None:
    return db.scalar(select(DriveItem).where(DriveItem.owner_id == owner_id, DriveItem.path == stored))


def children(db: OrmSession, owner_id: int, parent: str) -> list[DriveItem]:
    """Rows directly inside the stored folder ``parent``."""
    p = parent + "/"
    rows = db.scalars(
        select(DriveItem).where(
            DriveItem.owner_id == owner_id,
            func.substr(DriveItem.path, 1, len(p)) == p,
            DriveItem.path.not_like(_escape_like(p) + "%/%", escape="\\"),
        )
    )
    # The LIKE only narrows; this is the exact test.
    return [r for r in rows if "/" not in r.path[len(p):]]


def drop(db: OrmSession, owner_id: int, stored: str) -> None:
    """Forget the row at ``stored`` and every row below it."""
    db.execute(
        delete(DriveItem)
        .where(DriveItem.owner_id == owner_id)
        .where((DriveItem.path == stored) | _under(stored))
        .execution_options(synchronize_session=False)
    )


def ensure(db: OrmSession, owner_id: int, stored: str, is_folder: bool) -> DriveItem:
    """The row for ``stored``, made if missing; a row of the wrong kind is replaced."""
    row = at_path(db, owner_id, stored)
    if row is not None and row.is_folder != is_folder:
        drop(db, owner_id, stored)
        db.expunge(row)
        row = None
    if row is None:
        row = DriveItem(owner_id=owner_id, path=stored, is_folder=is_folder)
        db.add(row)
        db.flush()
    return row


def move(db: OrmSession, owner_id: int, old: str, new: str) -> None:
    """The entry at ``old`` is now at ``new``: rewrite its row's path and its descendants'."""
    if old == new:
        return
    # Rows left at the destination by entries that vanished from disk would collide.
    drop(db, owner_id, new)
    db.execute(
        update(DriveItem)
        .where(DriveItem.owner_id == owner_id, DriveItem.path == old)
        .values(path=new)
        .execution_options(synchronize_session=False)
    )
    db.execute(
        update(DriveItem)
        .where(DriveItem.owner_id == owner_id, _under(old))
        .values(path=literal(new, Text).concat(func.substr(DriveItem.path, len(old) + 1)))
        .execution_options(synchronize_session=False)
    )
    db.expire_all()


def reconcile(
    db: OrmSession, owner_id: int, parent: str, on_disk: Iterable[tuple[str, bool]]
) -> dict[str, DriveItem]:
    """Make the rows inside ``parent`` match the disk; returns name -> row for what is on disk."""
    wanted = dict(on_disk)
    rows = {r.path[len(parent) + 1:]: r for r in children(db, owner_id, parent)}
    out: dict[str, DriveItem] = {}
    for name, row in rows.items():
        kind = wanted.get(name)
        if kind is None or kind != row.is_folder:
            drop(db, owner_id, row.path)
            db.expunge(row)
        else:
            out[name] = row
    for name, is_folder in wanted.items():
        if name not in out:
            row = DriveItem(owner_id=owner_id, path=f"{parent}/{name}", is_folder=is_folder)
            db.add(row)
            out[name] = row
    db.flush()
    return out


def trashed(db: OrmSession, owner_id: int) -> list[DriveItem]:
    return list(
        db.scalars(
            select(DriveItem)
            .where(DriveItem.owner_id == owner_id, DriveItem.trashed_at.is_not(None))
            .order_by(DriveItem.trashed_at.desc())
        )
    )


def drop_trash(db: OrmSession, owner_id: int) -> None:
    db.execute(
        delete(DriveItem)
        .where(DriveItem.owner_id == owner_id, _under("Trash"))
        .execution_options(synchronize_session=False)
    )
