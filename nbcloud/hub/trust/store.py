"""The trust records: which notebook content each user trusts (one row per user and notebook)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from nbcloud.hub.db import Database
from nbcloud.hub.db.models import utcnow
from nbcloud.hub.trust.models import NotebookTrust

REASONS = ("created", "chosen", "own")


class TrustStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def signature(self, user_id: int, notebook_id: str) -> str | None:
        """The content signature ``user_id`` trusts for the notebook, or None."""
        with self.db.session() as db:
            row = db.get(NotebookTrust, (user_id, notebook_id))
            return row.signature if row is not None else None

    def record(self, user_id: int, notebook_id: str, signature: str, reason: str | None = None) -> None:
        """Trust this content of the notebook for this user, replacing what they trusted before.
        ``reason`` None keeps the reason already recorded (a trusted notebook's own changes)."""
        assert reason is None or reason in REASONS, reason
        for _attempt in range(2):  # two first records at once: the loser updates the winner's row
            try:
                with self.db.session() as db:
                    row = db.get(NotebookTrust, (user_id, notebook_id))
                    if row is None:
                        db.add(NotebookTrust(user_id=user_id, notebook_id=notebook_id, signature=signature,
                                             reason=reason or "own"))
                    elif row.signature != signature or (reason is not None and row.reason != reason):
                        row.signature, row.reason, row.updated_at = signature, reason or row.reason, utcnow()
                return
            except IntegrityError:
                continue

    def reason(self, user_id: int, notebook_id: str) -> str | None:
        with self.db.session() as db:
            return db.scalar(select(NotebookTrust.reason).where(
                NotebookTrust.user_id == user_id, NotebookTrust.notebook_id == notebook_id))
