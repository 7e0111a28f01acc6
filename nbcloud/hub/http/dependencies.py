"""FastAPI dependencies that say who is asking. Every endpoint but sign-in uses one."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from nbcloud.hub.auth.accounts import Principal, principal_from_api_token, principal_from_session, token_digest
from nbcloud.hub.auth.csrf import CSRF_HEADER, SAFE_METHODS, tokens_match
from nbcloud.hub.context import get_hub
from nbcloud.hub.db.models import User
from nbcloud.hub.errors import Forbidden, NotSignedIn

SESSION_COOKIE = "nbcloud_session"


def signed_out() -> NotSignedIn:
    return NotSignedIn("Your session has expired or you are signed out. Sign in again.", code="signed_out")


def cached_principal(conn: HTTPConnection) -> Principal | None:
    """The principal of a browser session seen a moment ago (see auth.principals), else None."""
    if conn.headers.get("authorization", "").lower().startswith("bearer "):
        return None
    token = conn.cookies.get(SESSION_COOKIE)
    return get_hub(conn).principals.get(token_digest(token)) if token else None


def load_principal(conn: HTTPConnection) -> Principal | None:
    """The principal behind a request or WebSocket, read from the database (a bearer token, or
    the session cookie, then remembered briefly: see auth.principals)."""
    hub = get_hub(conn)
    auth = conn.headers.get("authorization", "")
    with hub.db.session() as db:
        if auth.lower().startswith("bearer "):
            return principal_from_api_token(db, auth[7:].strip())
        token = conn.cookies.get(SESSION_COOKIE)
        principal = principal_from_session(db, token) if token else None
    if principal is not None and token:
        hub.principals.put(token_digest(token), principal)
    return principal


def resolve_principal(conn: HTTPConnection) -> Principal | None:
    """The principal behind a request or WebSocket (blocking on a cache miss: call in a thread)."""
    return cached_principal(conn) or load_principal(conn)


async def current_principal(request: Request) -> Principal:
    # Async, so that a recently seen session costs no database read and no worker thread.
    principal = cached_principal(request) or await run_in_threadpool(load_principal, request)
    if principal is None:
        raise signed_out()
    # Bind the CSRF token to this session, not just to whatever cookie is present.
    if (principal.session is not None and request.method not in SAFE_METHODS
            and not tokens_match(request.headers.get(CSRF_HEADER), principal.session.csrf_token)):
        raise Forbidden("This request lacks a valid CSRF token. Reload the page and try again.", code="csrf_failed")
    return principal


async def current_user(principal: Annotated[Principal, Depends(current_principal)]) -> User:
    return principal.user


async def require_admin(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_admin:
        raise Forbidden("Only an administrator can do that.", code="not_admin")
    return user


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(require_admin)]
