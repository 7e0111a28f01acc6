"""CSRF protection for every state-changing request (the tokens: ``nbcloud.hub.auth.csrf``).

A request that is not GET/HEAD/OPTIONS must echo the CSRF cookie in the ``X-CSRF-Token``
header, unless it authenticates with ``Authorization: Bearer`` (scripts carry no ambient
credentials). For a signed-in browser the token is also bound to its session
(``nbcloud.hub.http.dependencies``).
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from nbcloud.hub.auth.csrf import CSRF_COOKIE, CSRF_HEADER, SAFE_METHODS, tokens_match


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
