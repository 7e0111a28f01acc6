"""How a user looks in the API."""

from __future__ import annotations

from pydantic import BaseModel

from nbcloud.hub.db.models import User


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    is_admin: bool
    is_disabled: bool
    quota_bytes: int
    created_at: str


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id, username=user.username, display_name=user.display_name, is_admin=user.is_admin,
        is_disabled=user.is_disabled, quota_bytes=user.quota_bytes, created_at=user.created_at.isoformat(),
    )
