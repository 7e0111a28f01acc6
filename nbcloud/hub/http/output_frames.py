"""Output frames on origins of their own (``f-<token>.<domain>``, see ``nbcloud.hub.ports.origins``).

A request whose Host names a frame's origin gets the frame page (``/output-frame.html``) and the
static files it loads (``/assets/...``), and nothing else: no API, no sockets, no other page of the
hub. The hub's cookies are host-only on the hub's host (and SameSite=Lax, and ``*.localhost``
names are each a site of their own), so the browser never sends them here; should any arrive they
are not looked at, as nothing here reads a cookie.

The frame page is sandboxed twice, by its iframe's attribute and by its own CSP ``sandbox``
(opened on its own it is sandboxed still), and may be framed only by the hub page that names it
(``?parent=<origin>``, checked against the naming rules: ``frame-ancestors`` is that origin alone).

This middleware sits outside the hub's CSRF and security-header middlewares: those are for the
hub's own pages, and ``X-Frame-Options`` would forbid the page the hub means to frame.
"""

from __future__ import annotations

import html
import mimetypes
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Scope, Send

from nbcloud.config import Settings
from nbcloud.hub.context import get_hub
from nbcloud.hub.ports.origins import frame_host, frame_origin_template, frame_parent, frame_source

FRAME_PAGE = "/output-frame.html"
ASSETS = "/assets/"

# What Colab's own output frames may do, short of navigating the page (never allow-top-navigation):
# run script, submit forms (to what they embed), open tabs that are not sandboxed themselves
# (links to a port link's web app, docs), alert/confirm/prompt, downloads of what they made, and
# allow-same-origin, which on this origin of its own means only "not opaque": storage of its own,
# and the camera and microphone behind the browser's prompt.
OWN_ORIGIN_FRAME_SANDBOX = (
    "allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox allow-same-origin allow-modals "
    "allow-downloads"
)


def frame_page_headers(parent: str) -> list[tuple[bytes, bytes]]:
    csp = (
        f"sandbox {OWN_ORIGIN_FRAME_SANDBOX}; "
        "default-src * data: blob: 'unsafe-inline' 'unsafe-eval'; "
        # base-uri: the frame resolves paths against the hub (its <base>), as when it was the hub's page.
        f"frame-ancestors {parent}; form-action 'none'; base-uri {parent}/"
    )
    return [
        (b"content-security-policy", csp.encode()),
        (b"cache-control", b"no-cache"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
    ]


def page_frame_source(scope: Scope, port_domain: str) -> str | None:
    """The CSP source of every frame origin the hub page at this request's host names (its
    ``frame-src``), or None where frames stay on the hub's origin."""
    host = _header(scope, b"host")
    if not host:
        return None
    return frame_source(scheme=_scheme(scope), hub_host=host, port_domain=port_domain)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _scheme(scope: Scope) -> str:
    scheme = str(scope.get("scheme") or "http")
    return {"ws": "http", "wss": "https"}.get(scheme, scheme)


class OutputFrameHostMiddleware:
    """Serves the output frame's origins; hands every other request on."""

    def __init__(self, app: ASGIApp, settings: Settings, static_dir: Path) -> None:
        self.app = app
        self.settings = settings
        self.static_dir = static_dir.resolve()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        host = _header(scope, b"host") if scope["type"] in ("http", "websocket") else None
        if host is None or not frame_host(host):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await receive()  # websocket.connect; closing before accepting answers 403
            await send({"type": "websocket.close", "code": 1008, "reason": "An output frame's origin has no sockets."})
            return
        status, headers, body = self._answer(scope, host)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body if scope["method"] != "HEAD" else b""})

    def _answer(self, scope: Scope, host: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if scope["method"] not in ("GET", "HEAD"):
            return _problem(405, "An output frame's origin only serves the output frame.")
        path = str(scope.get("path", ""))
        if path == FRAME_PAGE:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            parent = frame_parent((query.get("parent") or [""])[0], host, port_domain=self.settings.port_domain)
            if parent is None:
                return _problem(400, "This output frame names no page of this hub as its parent. "
                                     "Reload the notebook to show its outputs again.")
            page = self.static_dir / "output-frame.html"
            if not page.is_file():
                return _problem(503, "The web app is not built. Run `make web` first.")
            return 200, [(b"content-type", b"text/html; charset=utf-8"), *frame_page_headers(parent)], page.read_bytes()
        if path.startswith(ASSETS):
            candidate = (self.static_dir / path.lstrip("/")).resolve()
            if candidate.is_file() and candidate.is_relative_to(self.static_dir / "assets"):
                media_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                if media_type in ("application/javascript", "text/javascript"):
                    media_type = "text/javascript; charset=utf-8"
                return 200, [
                    (b"content-type", media_type.encode()),
                    (b"cache-control", b"public, max-age=31536000, immutable"),  # content-hashed names
                    (b"x-content-type-options", b"nosniff"),
                ], candidate.read_bytes()
        return _problem(404, "An output frame's origin serves nothing but the output frame.")


def _problem(status: int, message: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = f"<!doctype html><title>Not here</title><p>{html.escape(message)}</p>".encode()
    return status, [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
    ], body


# ----- the page's question: where do my output frames live? ---------------------------------------

router = APIRouter(tags=["outputs"])


class OutputFramesOut(BaseModel):
    # ``scheme://f-{token}.<domain>[:port]``: the page puts a random token in place of ``{token}``
    # for each frame. None: frames stay opaque-origin sandboxed on the hub's own origin (no camera).
    origin: str | None


@router.get("/api/output-frames", response_model=OutputFramesOut)
def output_frames(request: Request) -> OutputFramesOut:
    """Where this page's output frames live (no sign-in needed: it names no one's data)."""
    settings = get_hub(request).settings
    host = request.headers.get("host", "")
    return OutputFramesOut(origin=frame_origin_template(scheme=request.url.scheme, hub_host=host,
                                                        port_domain=settings.port_domain) if host else None)
