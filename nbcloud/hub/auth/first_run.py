"""First-run setup, made atomic by the database itself.

The first account becomes the administrator. Checking "no users yet" and then creating one is a
race (six browsers at once made six administrators), and a lock in this process would not hold
for two hub processes. So setup also inserts the one row a ``first_run_setup`` table can hold
(primary key 1, migration 0004) in the same transaction as the account: whichever transaction
commits that row first wins; every other one fails on the key, on SQLite and PostgreSQL alike,
and is answered "already set up".
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, Table, insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session as OrmSession

from nbcloud.hub.auth.accounts import count_users, create_user
from nbcloud.hub.db import Database
from nbcloud.hub.db.models import User, utcnow
from nbcloud.hub.errors import Conflict

# Not in the models' metadata on purpose: only this module reads or writes it.
first_run_setup = Table(
    "first_run_setup",
    MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

SETUP_ROW_ID = 1


class AlreadySetUp(Conflict):
    def __init__(self) -> None:
        super().__init__("nbcloud already has an administrator. Sign in instead.", code="already_set_up")


def _create(db: OrmSession, username: str, password: str, *, quota_bytes: int, display_name: str) -> User:
    if count_users(db) > 0:
        raise AlreadySetUp()
    # The account first (its checks and password hashing may refuse it), then the claim.
    user = create_user(db, username, password, quota_bytes=quota_bytes, is_admin=True, display_name=display_name)
    db.execute(insert(first_run_setup).values(id=SETUP_ROW_ID, created_at=utcnow()))
    return user


def create_first_admin(database: Database, username: str, password: str, *, quota_bytes: int,
                       display_name: str = "") -> User:
    """The administrator, created by exactly one of any number of simultaneous setups."""
    try:
        with database.session() as db:
            return _create(db, username, password, quota_bytes=quota_bytes, display_name=display_name)
    except (IntegrityError, OperationalError):
        # Another setup claimed the row first (a key violation), or SQLite refused this writer
        # while the winner held the database. Either way: set up already, unless nothing is there.
        with database.session() as db:
            if count_users(db) > 0:
                raise AlreadySetUp() from None
        raise
