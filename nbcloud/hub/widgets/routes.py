"""Widget front ends: /api/widget-extensions (the catalog, for the signed-in page) and
/widget-bundles/{key}/{package}/static/{file} (the files, for the opaque-origin output frame)."""

from __future__ import annotations

import mimetypes
import os
import re

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from nbcloud.hub.context import Hub, get_hub
from nbcloud.hub.http.dependencies import CurrentUser
from nbcloud.hub.runtimes.environment import runtime_environment
from nbcloud.hub.runtimes.widget_extensions import (
    BundleKeys,
    BundleNotFound,
    WidgetExtension,
    open_bundle_file,
    widget_extensions,
)

router = APIRouter(tags=["widgets"])
BUNDLES_PREFIX = "/widget-bundles"
# webpack names its files by content hash (remoteEntry.9aa9…js, 142.2229…js, 00179c4c….png).
HASHED_NAME = re.compile(r"(^|[.])[0-9a-f]{8,}[.]")


class ExtensionOut(BaseModel):
    name: str
    version: str
    exposed: str
    url: str  # the module-federation container, with this user's access key


class ExtensionsOut(BaseModel):
    extensions: list[ExtensionOut]


def install(app: FastAPI, hub: Hub) -> None:
    """Add the widget bundle routes; bundle keys are signed with the hub's secret when it has one."""
    secret = hub.settings.secret_key.encode() if hub.settings.secret_key else None
    app.state.widget_bundle_keys = BundleKeys(secret)
    app.include_router(router)


def _keys(conn: HTTPConnection) -> BundleKeys:
    keys: BundleKeys = conn.app.state.widget_bundle_keys
    return keys


def _out(extension: WidgetExtension, key: str) -> ExtensionOut:
    return ExtensionOut(name=extension.name, version=extension.version, exposed=extension.exposed,
                        url=f"{BUNDLES_PREFIX}/{key}/{extension.name}/{extension.entry}")


@router.get("/api/widget-extensions", response_model=ExtensionsOut)
async def list_widget_extensions(request: Request, user: CurrentUser) -> ExtensionsOut:
    """The widget packages installed in the runtime environment, as JupyterLab would load them."""
    labextensions = runtime_environment(get_hub(request).settings).labextensions
    found = await run_in_threadpool(widget_extensions, labextensions)
    key = _keys(request).issue(user.id)
    return ExtensionsOut(extensions=[_out(e, key) for e in found])


def _read(path: str, request: Request) -> tuple[bytes, bool]:
    labextensions = runtime_environment(get_hub(request).settings).labextensions
    fd, _st = open_bundle_file(labextensions, path)
    with os.fdopen(fd, "rb") as f:
        return f.read(), bool(HASHED_NAME.search(path.rsplit("/", 1)[-1]))


@router.get(BUNDLES_PREFIX + "/{key}/{path:path}", include_in_schema=False)
async def widget_bundle_file(key: str, path: str, request: Request) -> Response:
    """One file of an installed widget front end. The frame that asks has no cookie (an opaque
    origin), so the key in the URL says a signed-in page handed it out."""
    if not _keys(request).valid(key):
        raise BundleNotFound(path)  # the same answer as a missing file: keys are not guessable
    body, hashed = await run_in_threadpool(_read, path, request)
    media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if media_type in ("application/javascript", "text/javascript"):
        media_type = "text/javascript; charset=utf-8"
    headers = {
        # Content-hashed names never change: cache them for good (per user: the key is in the URL).
        "cache-control": "private, max-age=31536000, immutable" if hashed else "private, no-cache",
        # Fonts and fetches from the opaque-origin frame need CORS; the key is the credential.
        "access-control-allow-origin": "*",
        "cross-origin-resource-policy": "cross-origin",
    }
    return Response(content=body, media_type=media_type, headers=headers)
