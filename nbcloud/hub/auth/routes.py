"""Sign-in, sign-up, sessions and API tokens: /api/auth/*."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from nbcloud.hub.auth import accounts, preferences, signout
from nbcloud.hub.auth.csrf import CSRF_COOKIE, new_csrf_token
from nbcloud.hub.auth.first_run import create_first_admin
from nbcloud.hub.auth.schemas import UserOut, user_out
from nbcloud.hub.context import Hub, get_hub
from nbcloud.hub.db.models import ApiToken, User
from nbcloud.hub.errors import Forbidden, NotSignedIn, RateLimited, not_found
from nbcloud.hub.http.client_address import client_address
from nbcloud.hub.http.dependencies import SESSION_COOKIE, CurrentPrincipal, CurrentUser, resolve_principal

router = APIRouter(prefix="/api/auth", tags=["auth"])
# What belongs to the signed-in person alone: /api/me/*.
me_router = APIRouter(prefix="/api/me", tags=["auth"])


class Credentials(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class NewAccount(Credentials):
    display_name: str = Field(default="", max_length=200)


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class TokenRequest(BaseModel):
    name: str = Field(max_length=200)


class AuthState(BaseModel):
    needs_setup: bool
    signup_open: bool
    user: UserOut | None
    csrf_token: str


class SignedIn(BaseModel):
    user: UserOut


def _is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def _set_csrf_cookie(hub: Hub, request: Request, response: Response, token: str) -> None:
    # Readable by the page on purpose: it echoes the value in X-CSRF-Token.
    response.set_cookie(
        CSRF_COOKIE, token, httponly=False, samesite="lax",
        secure=hub.settings.secure_cookies or _is_https(request), path="/",
    )


def _sign_in(hub: Hub, request: Request, response: Response, user: User) -> SignedIn:
    with hub.db.session() as db:
        token, row = accounts.start_session(db, user, hub.settings.session_days)
    secure = hub.settings.secure_cookies or _is_https(request)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure, path="/",
        max_age=hub.settings.session_days * 86400,
    )
    _set_csrf_cookie(hub, request, response, row.csrf_token)
    return SignedIn(user=user_out(user))


def _new_account(hub: Hub, body: NewAccount, *, is_admin: bool) -> User:
    with hub.db.session() as db:
        user = accounts.create_user(
            db, body.username, body.password, quota_bytes=hub.settings.default_quota_bytes,
            is_admin=is_admin, display_name=body.display_name,
        )
    hub.drive.ensure_user_root(user.id)
    return user


@router.get("/state", response_model=AuthState)
def auth_state(request: Request, response: Response) -> AuthState:
    hub = get_hub(request)
    principal = resolve_principal(request)
    with hub.db.session() as db:
        needs_setup = accounts.count_users(db) == 0
    if principal and principal.session:
        csrf = principal.session.csrf_token
    else:
        csrf = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
    _set_csrf_cookie(hub, request, response, csrf)
    return AuthState(
        needs_setup=needs_setup,
        signup_open=hub.settings.signup == "open",
        user=user_out(principal.user) if principal else None,
        csrf_token=csrf,
    )


@router.post("/setup", response_model=SignedIn)
def setup(body: NewAccount, request: Request, response: Response) -> SignedIn:
    """Create the first account, which is the administrator."""
    hub = get_hub(request)
    # Atomic in the database: of any number of simultaneous setups exactly one succeeds.
    user = create_first_admin(
        hub.db, body.username, body.password, quota_bytes=hub.settings.default_quota_bytes,
        display_name=body.display_name,
    )
    hub.drive.ensure_user_root(user.id)
    return _sign_in(hub, request, response, user)


@router.post("/signup", response_model=SignedIn)
def signup(body: NewAccount, request: Request, response: Response) -> SignedIn:
    hub = get_hub(request)
    if hub.settings.signup != "open":
        raise Forbidden("Sign-up is closed here. Ask an administrator for an account.", code="signup_closed")
    user = _new_account(hub, body, is_admin=False)
    return _sign_in(hub, request, response, user)


@router.post("/login", response_model=SignedIn)
def login(body: Credentials, request: Request, response: Response) -> SignedIn:
    hub = get_hub(request)
    # Throttled per (account, address): failures from one address never lock anyone else out.
    pair = (body.username, client_address(request, hub.settings.trusted_proxies))
    wait = hub.login_limiter.retry_after(*pair)
    if wait:
        raise _too_many_attempts(wait)
    with hub.db.session() as db:
        user = accounts.authenticate(db, body.username, body.password)
    if user is None:
        hub.login_limiter.record_failure(*pair)
        raise NotSignedIn("Wrong username or password.", code="bad_credentials")
    if user.is_disabled:
        raise Forbidden("This account is disabled. Ask an administrator to enable it.", code="disabled")
    hub.login_limiter.reset(*pair)
    return _sign_in(hub, request, response, user)


def _too_many_attempts(wait: int) -> RateLimited:
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)).strftime("%H:%M:%S UTC")
    unit = "second" if wait == 1 else "seconds"
    return RateLimited(
        f"Too many failed sign-in attempts for this account from your address. Try again in {wait} {unit} "
        f"(at {at}); each further wrong password doubles the wait.",
        retry_after=wait,
    )


@router.post("/logout", status_code=204)
def logout(request: Request, response: Response, _principal: CurrentPrincipal) -> None:
    hub = get_hub(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with hub.db.session() as db:
            accounts.end_session(db, token)
        # This session's open notebooks (in any tab) go to the sign-in page now.
        signout.session_ended(hub.principals, hub.sockets, accounts.token_digest(token))
    response.delete_cookie(SESSION_COOKIE, path="/")
    _set_csrf_cookie(hub, request, response, new_csrf_token())


@router.post("/password", status_code=204)
def change_password(body: PasswordChange, request: Request, principal: CurrentPrincipal) -> None:
    """A new password ends every other session of the account (whoever knew the old one);
    the session asking stays signed in."""
    hub = get_hub(request)
    user = principal.user
    keep = principal.session.token_hash if principal.session else None
    with hub.db.session() as db:
        if accounts.authenticate(db, user.username, body.current_password) is None:
            raise Forbidden("Your current password is wrong.", code="bad_credentials")
        row = db.get(User, user.id)
        assert row is not None
        accounts.set_password(row, body.new_password)
        accounts.end_all_sessions(db, user.id, keep_token_hash=keep)
    signout.password_changed(hub.principals, hub.sockets, user.id, keep_session=keep)


class TokenOut(BaseModel):
    id: str
    name: str
    created_at: str
    last_used_at: str | None


class NewToken(BaseModel):
    id: str
    name: str
    token: str


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(request: Request, user: CurrentUser) -> list[TokenOut]:
    with get_hub(request).db.session() as db:
        rows = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at))
        return [
            TokenOut(
                id=r.id, name=r.name, created_at=r.created_at.isoformat(),
                last_used_at=r.last_used_at.isoformat() if r.last_used_at else None,
            )
            for r in rows
        ]


@router.post("/tokens", response_model=NewToken, status_code=201)
def create_token(body: TokenRequest, request: Request, user: CurrentUser) -> NewToken:
    with get_hub(request).db.session() as db:
        token, row = accounts.create_api_token(db, user, body.name)
        return NewToken(id=row.id, name=row.name, token=token)


@router.delete("/tokens/{token_id}", status_code=204)
def delete_token(token_id: str, request: Request, user: CurrentUser) -> None:
    with get_hub(request).db.session() as db:
        row = db.get(ApiToken, token_id)
        if row is None or row.user_id != user.id:
            raise not_found("That token")
        db.delete(row)


@me_router.get("/preferences")
async def get_preferences(request: Request, user: CurrentUser) -> dict[str, object]:
    """Your preferences for the web app: what you set ({} when nothing); the app fills in defaults."""

    def read() -> dict[str, object]:
        with get_hub(request).db.session() as db:
            return preferences.load(db, user.id)

    return await run_in_threadpool(read)


@me_router.put("/preferences")
async def put_preferences(request: Request, user: CurrentUser) -> dict[str, object]:
    """Replaces your preferences (theme, editor, shortcuts); a wrong key or type is refused (422)
    and the stored ones stay."""
    wanted = preferences.parse(await request.body())

    def write() -> dict[str, object]:
        with get_hub(request).db.session() as db:
            return preferences.save(db, user.id, wanted)

    return await run_in_threadpool(write)
