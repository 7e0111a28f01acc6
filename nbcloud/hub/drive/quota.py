"""A user's Drive usage against their quota, as one number pair for code outside the Drive
(the runtimes' quota guard of a mounted Drive)."""

from __future__ import annotations

from nbcloud.hub.db.models import User
from nbcloud.hub.drive.store import DriveStore


def usage(store: DriveStore, user_id: int) -> tuple[int, int]:
    """(bytes used, quota in bytes), measured on disk now: what the Drive page shows."""
    with store.db.session() as db:
        user = db.get(User, user_id)
        quota = user.quota_bytes if user is not None else 0
    return store.used_bytes(user_id), quota
