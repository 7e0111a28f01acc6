"""The table of trusted notebook contents (migration 0003)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from nbcloud.hub.db.models import Base, UTCDateTime, utcnow


class NotebookTrust(Base):
    """``user_id`` trusts notebook ``notebook_id`` (a Drive item id) while its content has
    ``signature`` (see trust.signature). Kept on the hub, never in the file, so a notebook
    cannot declare itself trusted."""

    __tablename__ = "notebook_trust"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    notebook_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    signature: Mapped[str] = mapped_column(String(64))
    # Why: "created" (made in nbcloud), "chosen" (the person trusted it), "own" (their own edits and runs).
    reason: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
