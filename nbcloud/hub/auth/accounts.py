"""Accounts, browser sessions and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as OrmSession

from nbcloud.hub.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from nbcloud.hub.db.models import ApiToken, Session, User, utcnow
from nbcloud.hub.errors import Conflict, InvalidRequest

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
TOKEN_PREFIX = "nbc_"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is asking: the user, and how they proved it."""

    user: User
    session: Session | None = None  # set for browser sessions (cookie auth)
    api_token_id: str | None = None  # set for scripts (bearer auth)


def normalize_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        raise InvalidRequest(
            "A username is 1 to 63 characters: lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit.",
            code="bad_username",
        )
    return name


def count_users(db: OrmSession) -> int:
    return db.scalar(select(func.count()).select_from(User)) or 0


def create_user(
    db: OrmSession,
    username: str,
    password: str,
    *,
    quota_bytes: int,
    is_admin: bool = False,
    display_name: str = "",
) -> User:
    name = normalize_username(username)
    problem = password_problem(password)
    if problem:
        raise InvalidRequest(problem, code="weak_password")
    if db.scalar(select(User).where(User.username == name)) is not None:
        raise Conflict(f"The username '{name}' is taken. Choose another.", code="name_taken")
    user = User(
        username=name,
        display_name=display_name.strip() or name,
        password_hash=hash_password(password),
        is_admin=is_admin,
        quota_bytes=quota_bytes,
    )
    db.add(user)
    db.flush()
    return user


def authenticate(db: OrmSession, username: str, password: str) -> User | None:
    """The user whose password this is, or None. Takes the same time for unknown names."""
    user = db.scalar(select(User).where(User.username == username.strip().lower()))
    if not verify_password(user.password_hash if user else None, password):
        return None
    assert user is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def set_password(user: User, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise InvalidRequest(problem, code="weak_password")
    user.password_hash = hash_password(password)


def start_session(db: OrmSession, user: User, days: int) -> tuple[str, Session]:
    """A new browser session; returns the cookie value (never stored) and the row."""
    token = secrets.token_urlsafe(32)
    row = Session(
        token_hash=token_digest(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=utcnow() + dt.timedelta(days=days),
    )
    db.add(row)
    db.flush()
    return token, row


def end_session(db: OrmSession, token: str) -> None:
    db.execute(delete(Session).where(Session.token_hash == token_digest(token)))


def end_all_sessions(db: OrmSession, user_id: int, *, keep_token_hash: str | None = None) -> None:
    """End every browser session of an account, but ``keep_token_hash`` (the session asking)."""
    query = delete(Session).where(Session.user_id == user_id)
    if keep_token_hash is not None:
        query = query.where(Session.token_hash != keep_token_hash)
    db.execute(query)


def still_signed_in(db: OrmSession, session_digests: set[str], user_ids: set[int]) -> tuple[set[str], set[int]]:
    """Of these sessions (token hashes) and accounts, the ones that may still act: the session
    exists and has not expired, the account exists and is not disabled."""
    sessions: set[str] = set()
    if session_digests:
        sessions = set(db.scalars(
            select(Session.token_hash)
            .join(User, User.id == Session.user_id)
            .where(Session.token_hash.in_(session_digests), Session.expires_at > utcnow(), User.is_disabled.is_(False))
        ))
    users: set[int] = set()
    if user_ids:
        users = set(db.scalars(select(User.id).where(User.id.in_(user_ids), User.is_disabled.is_(False))))
    return sessions, users


def principal_from_session(db: OrmSession, token: str) -> Principal | None:
    row = db.get(Session, token_digest(token))
    if row is None:
        return None
    if row.expires_at <= utcnow():
        db.delete(row)
        return None
    user = db.get(User, row.user_id)
    if user is None or user.is_disabled:
        return None
    return Principal(user=user, session=row)


def principal_from_api_token(db: OrmSession, token: str) -> Principal | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is None:
        return None
    user = db.get(User, row.user_id)
    if user is None or user.is_disabled:
        return None
    row.last_used_at = utcnow()
    return Principal(user=user, api_token_id=row.id)


def create_api_token(db: OrmSession, user: User, name: str) -> tuple[str, ApiToken]:
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidRequest("Give the token a name of 1 to 200 characters.", code="bad_name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=token_digest(token))
    db.add(row)
    db.flush()
    return token, row
