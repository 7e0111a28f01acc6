"""Reading and changing secrets; the answer to a runtime's ``GetSecret`` request."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nbcloud.hub.db import Database
from nbcloud.hub.errors import Conflict, InvalidRequest, NotFound
from nbcloud.hub.secrets.models import Secret, SecretGrant
from nbcloud.hub.secrets.sealing import SecretSealer

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
MAX_VALUE_CHARS = 64 * 1024


@dataclass(frozen=True)
class SecretInfo:
    name: str
    value: str
    notebooks: list[str]
    updated_at: dt.datetime


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise InvalidRequest("A secret name is letters, digits and _ (not first a digit), "
                             "at most 128 characters, like HF_TOKEN. Pick another name.", code="bad_secret_name")
    return name


def check_value(value: str) -> str:
    if len(value) > MAX_VALUE_CHARS:
        raise InvalidRequest(f"A secret holds at most {MAX_VALUE_CHARS} characters; store bigger "
                             "files in your Drive instead.", code="secret_too_long")
    return value


class SecretStore:
    def __init__(self, db: Database, sealer: SecretSealer) -> None:
        self.db = db
        self.sealer = sealer

    def _row(self, db: Session, user_id: int, name: str) -> Secret:
        row = db.scalar(select(Secret).where(Secret.owner_id == user_id, Secret.name == name))
        if row is None:
            raise NotFound(f"You have no secret named {name}. Add it first.", code="secret_not_found")
        return row

    def _info(self, db: Session, row: Secret, *, readable_only: bool = True) -> SecretInfo:
        grants = db.scalars(select(SecretGrant.notebook_id).where(SecretGrant.secret_id == row.id))
        try:
            value = self.sealer.unseal(row.value)
        except Conflict:  # sealed with another key
            if readable_only:
                raise
            value = ""  # listed, so the person sees it and sets it again
        return SecretInfo(row.name, value, sorted(grants), row.updated_at)

    def list(self, user_id: int) -> list[SecretInfo]:
        with self.db.session() as db:
            rows = db.scalars(select(Secret).where(Secret.owner_id == user_id).order_by(Secret.name))
            return [self._info(db, r, readable_only=False) for r in rows]

    def get(self, user_id: int, name: str) -> SecretInfo:
        with self.db.session() as db:
            return self._info(db, self._row(db, user_id, name))

    def create(self, user_id: int, name: str, value: str) -> SecretInfo:
        check_name(name)
        check_value(value)
        try:
            with self.db.session() as db:
                row = Secret(owner_id=user_id, name=name, value=self.sealer.seal(value))
                db.add(row)
                db.flush()
                return self._info(db, row)
        except IntegrityError:
            raise Conflict(f"You already have a secret named {name}; change its value instead.",
                           code="secret_exists") from None

    def update(self, user_id: int, name: str, value: str) -> SecretInfo:
        check_value(value)
        with self.db.session() as db:
            row = self._row(db, user_id, name)
            row.value = self.sealer.seal(value)
            row.updated_at = dt.datetime.now(dt.UTC)
            return self._info(db, row)

    def delete(self, user_id: int, name: str) -> None:
        with self.db.session() as db:
            db.delete(self._row(db, user_id, name))

    def grant(self, user_id: int, name: str, notebook_id: str) -> SecretInfo:
        with self.db.session() as db:
            row = self._row(db, user_id, name)
            if db.get(SecretGrant, (row.id, notebook_id)) is None:
                db.add(SecretGrant(secret_id=row.id, notebook_id=notebook_id))
                db.flush()
            return self._info(db, row)

    def revoke(self, user_id: int, name: str, notebook_id: str) -> SecretInfo:
        with self.db.session() as db:
            row = self._row(db, user_id, name)
            db.execute(delete(SecretGrant).where(SecretGrant.secret_id == row.id,
                                              SecretGrant.notebook_id == notebook_id))
            return self._info(db, row)

    def answer(self, user_id: int, notebook_id: str, name: str) -> dict[str, Any]:
        """The reply to ``userdata.get(name)`` run in ``notebook_id`` by ``user_id`` (Colab's shape)."""
        with self.db.session() as db:
            row = db.scalar(select(Secret).where(Secret.owner_id == user_id, Secret.name == str(name)))
            if row is None:
                return {"exists": False, "access": False}
            if db.get(SecretGrant, (row.id, notebook_id)) is None:
                return {"exists": True, "access": False}
            return {"exists": True, "access": True, "payload": self.sealer.unseal(row.value)}
