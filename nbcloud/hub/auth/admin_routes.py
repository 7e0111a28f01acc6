"""Administration of accounts: /api/admin/*."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from nbcloud.hub.auth import accounts, signout
from nbcloud.hub.auth.schemas import UserOut, user_out
from nbcloud.hub.context import get_hub
from nbcloud.hub.db.models import User
from nbcloud.hub.errors import Conflict, not_found
from nbcloud.hub.http.dependencies import AdminUser

router = APIRouter(prefix="/api/admin", tags=["admin"])


class AdminUserOut(UserOut):
    used_bytes: int


class NewUser(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1024)
    display_name: str = Field(default="", max_length=200)
    is_admin: bool = False
    quota_bytes: int | None = Field(default=None, ge=0)


class UserChange(BaseModel):
    display_name: str | None = Field(default=None, max_length=200)
    is_admin: bool | None = None
    is_disabled: bool | None = None
    quota_bytes: int | None = Field(default=None, ge=0)
    password: str | None = Field(default=None, max_length=1024)


class RuntimePoolStatus(BaseModel):
    size: int
    warm: int
    starting: int
    assigned: int


class AdminSettings(BaseModel):
    signup: str
    default_quota_bytes: int


@router.get("/users", response_model=list[AdminUserOut])
def list_users(request: Request, _admin: AdminUser) -> list[AdminUserOut]:
    hub = get_hub(request)
    with hub.db.session() as db:
        users = list(db.scalars(select(User).order_by(User.username)))
    return [AdminUserOut(**user_out(u).model_dump(), used_bytes=hub.drive.used_bytes(u.id)) for u in users]


@router.post("/users", response_model=UserOut, status_code=201)
def add_user(body: NewUser, request: Request, _admin: AdminUser) -> UserOut:
    hub = get_hub(request)
    with hub.db.session() as db:
        user = accounts.create_user(
            db, body.username, body.password, is_admin=body.is_admin, display_name=body.display_name,
            quota_bytes=hub.settings.default_quota_bytes if body.quota_bytes is None else body.quota_bytes,
        )
    hub.drive.ensure_user_root(user.id)
    return user_out(user)


@router.patch("/users/{user_id}", response_model=UserOut)
def change_user(user_id: int, body: UserChange, request: Request, admin: AdminUser) -> UserOut:
    hub = get_hub(request)
    with hub.db.session() as db:
        user = db.get(User, user_id)
        if user is None:
            raise not_found("That user")
        if user.id == admin.id and (body.is_disabled or body.is_admin is False):
            raise Conflict("You cannot disable yourself or remove your own admin rights.", code="self_lockout")
        if body.display_name is not None:
            user.display_name = body.display_name.strip() or user.username
        if body.is_admin is not None:
            user.is_admin = body.is_admin
        if body.quota_bytes is not None:
            user.quota_bytes = body.quota_bytes
        if body.password is not None:
            accounts.set_password(user, body.password)
            accounts.end_all_sessions(db, user.id)
        if body.is_disabled is not None:
            user.is_disabled = body.is_disabled
            if body.is_disabled:
                accounts.end_all_sessions(db, user.id)
        db.flush()
        changed = user_out(user)
    # After the commit: no request may cache the account as it was, and its open notebooks
    # (scripts' bearer sockets too, for a disabled account) close now.
    hub.principals.forget_all()
    if body.is_disabled:
        signout.account_disabled(hub.principals, hub.sockets, user_id)
    elif body.password is not None:
        signout.password_changed(hub.principals, hub.sockets, user_id, signout.ACCOUNT_CHANGED)
    return changed


@router.get("/settings", response_model=AdminSettings)
def settings(request: Request, _admin: AdminUser) -> AdminSettings:
    s = get_hub(request).settings
    return AdminSettings(signup=s.signup, default_quota_bytes=s.default_quota_bytes)


@router.get("/runtimes", response_model=RuntimePoolStatus)
def runtimes(request: Request, _admin: AdminUser) -> RuntimePoolStatus:
    """The runtime pool: warm runtimes waiting, runtimes starting, runtimes held by notebooks."""
    return RuntimePoolStatus(**get_hub(request).execution.pool.status())


class RuntimeIsolationOut(BaseModel):
    sandbox: str  # "bwrap-setpriv" | "bwrap-userns" | "none"
    limits: str
    uid: int
    network: str  # "internet" | "none": a network of each runtime's own; "host": the hub's, shared
    namespaces_blocked: bool  # cells cannot make namespaces of their own (unshare -r)
    reasons: list[str]  # why weaker protection than intended is in force


@router.get("/isolation", response_model=RuntimeIsolationOut)
def isolation(request: Request, _admin: AdminUser) -> RuntimeIsolationOut:
    """What protects runtimes from each other and the host on this machine (runtimes.backend.Isolation)."""
    iso = get_hub(request).execution.pool.backend.isolation
    return RuntimeIsolationOut(sandbox=iso.sandbox, limits=iso.limits, uid=iso.uid,
                               network=iso.network, namespaces_blocked=iso.namespaces_blocked,
                               reasons=list(iso.reasons))
