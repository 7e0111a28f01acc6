"""CSRF protection for every state-changing request.

A browser holds a CSRF token in a readable cookie and echoes it in the ``X-CSRF-Token``
header (double submit); a cross-site page can neither read the cookie nor set the header.
For a signed-in browser the token is also bound to its session (checked in ``dependencies``).
Scripts that authenticate with ``Authorization: Bearer`` carry no ambient credentials and
are exempt.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

CSRF_COOKIE = "nbcloud_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())  # type: ignore[union-attr]


class CSRFMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not headers.get("authorization", "").lower().startswith("bearer "):
            cookie = Request(scope).cookies.get(CSRF_COOKIE)
            if not tokens_match(headers.get(CSRF_HEADER), cookie):
                response = JSONResponse(
                    {
                        "detail": "This request lacks a valid CSRF token. Reload the page and try again.",
                        "code": "csrf_failed",
                    },
                    status_code=403,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
