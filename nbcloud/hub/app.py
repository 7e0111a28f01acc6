"""The ASGI application: one FastAPI app assembled from the hub's parts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nbcloud.config import Settings
from nbcloud.hub import logging_redaction
from nbcloud.hub.auth import admin_routes
from nbcloud.hub.auth import routes as auth_routes
from nbcloud.hub.auth.ratelimit import LoginRateLimiter
from nbcloud.hub.context import Hub
from nbcloud.hub.db import Database
from nbcloud.hub.documents import routes as document_routes
from nbcloud.hub.documents.service import DocumentService
from nbcloud.hub.drive import routes as drive_routes
from nbcloud.hub.drive.store import DriveStore
from nbcloud.hub.execution import files_routes
from nbcloud.hub.execution import routes as execution_routes
from nbcloud.hub.execution.service import ExecutionService
from nbcloud.hub.http import output_frames
from nbcloud.hub.http.csrf import CSRFMiddleware
from nbcloud.hub.http_errors import install_error_handlers
from nbcloud.hub.ports import routes as port_routes
from nbcloud.hub.ports.links import PortLinks
from nbcloud.hub.ports.proxy import PortProxyMiddleware
from nbcloud.hub.runtimes import backends as runtime_backends
from nbcloud.hub.runtimes.pool import RuntimePool
from nbcloud.hub.secrets import routes as secret_routes
from nbcloud.hub.secrets.sealing import SecretSealer
from nbcloud.hub.secrets.store import SecretStore
from nbcloud.hub.trust import routes as trust_routes
from nbcloud.hub.widgets import routes as widget_routes

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# The app's own pages: no framing by others, no inline script, no sniffing.
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        b"connect-src 'self' ws: wss:; frame-src 'self' blob:{frames}; frame-ancestors 'none'; base-uri 'self'; "
        b"form-action 'self'",
    ),
]


# The frame's own sandbox on the hub's origin, as well as its iframe's: opened by itself (a link, a
# new tab, a frame someone forgot to sandbox) it still gets an opaque origin. Never allow-same-origin
# here. Output frames live on origins of their own (``output_frames``) wherever the hub has names to
# give; this page on the hub's origin is the fallback for a hub reached by an IP address.
OUTPUT_FRAME_SANDBOX = "sandbox allow-scripts allow-forms allow-popups"

OUTPUT_FRAME_HEADERS = {
    "content-security-policy": (
        f"{OUTPUT_FRAME_SANDBOX}; "
        "default-src * data: blob: 'unsafe-inline' 'unsafe-eval'; frame-ancestors 'self'; "
        "form-action 'none'; base-uri 'none'"
    ),
    "x-frame-options": "SAMEORIGIN",
    "cache-control": "no-cache",
}


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, port_domain: str = "") -> None:
        self.app = app
        self.port_domain = port_domain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        # The page frames its outputs on their own origins (f-<token>.<domain>).
        frames = output_frames.page_frame_source(scope, self.port_domain)
        own = [(k, v.replace(b"{frames}", f" {frames}".encode() if frames else b"")) for k, v in SECURITY_HEADERS]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (k, v) for k, v in own if k not in present
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_hub(settings: Settings) -> Hub:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.sqlalchemy_url)
    db.migrate()
    drive = DriveStore(settings, db)
    documents = DocumentService(settings, db, drive)
    pool = RuntimePool(runtime_backends.create(settings), settings)  # runtime_backend: local, ...
    secrets = SecretStore(db, SecretSealer.for_settings(settings))
    hub = Hub(
        settings=settings,
        db=db,
        login_limiter=LoginRateLimiter(settings.login_attempts, settings.login_window_seconds),
        drive=drive,
        documents=documents,
        execution=ExecutionService(documents, pool, secrets),
        secrets=secrets,
        ports=PortLinks(settings, pool),
    )
    return hub


def create_app(settings: Settings, hub: Hub | None = None) -> FastAPI:
    logging_redaction.install()  # before anything logs: no secret in any log line
    hub = hub or build_hub(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await hub.execution.start()  # fill the pool of warm runtimes
        yield
        await hub.sockets.stop()
        await hub.ports.close()
        await hub.execution.shutdown()
        await hub.documents.shutdown()  # save every open notebook
        hub.db.dispose()

    app = FastAPI(
        title="nbcloud",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.hub = hub
    install_error_handlers(app)
    app.add_middleware(CSRFMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, port_domain=settings.port_domain)
    # Output frames' own origins (f-<token>.<domain>): the frame page and its files, nothing else.
    app.add_middleware(output_frames.OutputFrameHostMiddleware, settings=settings, static_dir=STATIC_DIR)
    # Outermost: links to runtimes' web servers are neither the hub's pages nor its API.
    app.add_middleware(PortProxyMiddleware, hub=hub)
    app.include_router(auth_routes.router)
    app.include_router(auth_routes.me_router)  # /api/me/preferences
    app.include_router(admin_routes.router)
    app.include_router(drive_routes.router)
    app.include_router(document_routes.router)
    app.include_router(execution_routes.router)
    app.include_router(files_routes.router)
    app.include_router(secret_routes.router)
    app.include_router(port_routes.router)
    app.include_router(output_frames.router)  # where the page's output frames live
    trust_routes.install(app, hub)  # /api/trust, and trusted notebooks stay trusted through saves
    widget_routes.install(app, hub)  # third-party widget front ends from the runtime environment
    _mount_web_app(app)
    return app


def _mount_web_app(app: FastAPI) -> None:
    """Serve the built browser app; every non-API path gets index.html (client-side routes)."""
    index = STATIC_DIR / "index.html"
    if (STATIC_DIR / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=STATIC_DIR / "assets"), name="assets")

    @app.get("/output-frame.html", include_in_schema=False)
    def output_frame() -> Response:
        """The page that renders untrusted output, on the hub's origin: the fallback where output
        frames get no origin of their own (a hub reached by an IP address, no port_domain). It is
        always framed opaque-origin sandboxed (no cookies, no API, no parent DOM), so the scripts
        of the output itself may run inline; the camera and microphone are refused there."""
        frame = STATIC_DIR / "output-frame.html"
        if not frame.is_file():
            return JSONResponse({"detail": "The web app is not built.", "code": "no_web_app"}, status_code=503)
        return FileResponse(frame, headers=OUTPUT_FRAME_HEADERS)

    @app.get("/api/{rest:path}", include_in_schema=False)
    def unknown_api(rest: str) -> JSONResponse:
        return JSONResponse({"detail": f"No API endpoint /api/{rest}.", "code": "not_found"}, status_code=404)

    @app.get("/{rest:path}", include_in_schema=False)
    def web_app(rest: str, request: Request) -> Response:
        if not index.is_file():
            return JSONResponse(
                {"detail": "The web app is not built. Run `make run` (or `make web`) first.", "code": "no_web_app"},
                status_code=503,
            )
        candidate = (STATIC_DIR / rest).resolve()
        if rest and candidate.is_file() and candidate.is_relative_to(STATIC_DIR):
            return FileResponse(candidate)
        return FileResponse(index, headers={"cache-control": "no-cache"})
