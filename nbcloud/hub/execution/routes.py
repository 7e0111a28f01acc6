"""Running notebooks: /api/notebooks/*."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from fastapi import APIRouter, Request, WebSocket
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from nbcloud.hub.context import get_hub
from nbcloud.hub.documents.room import CellNotFound
from nbcloud.hub.documents.service import DocumentNotFound, NotANotebook
from nbcloud.hub.drive.items import Item
from nbcloud.hub.drive.paths import NOTEBOOKS_FOLDER
from nbcloud.hub.errors import NotFound, Unavailable
from nbcloud.hub.execution.event_dispatch import EventsConnection
from nbcloud.hub.execution.notebooks import create_notebook
from nbcloud.hub.execution.session import NotebookSession, RuntimeUnavailable
from nbcloud.hub.http.dependencies import CurrentUser
from nbcloud.hub.http.websocket import refuse, websocket_principal
from nbcloud.hub.trust.routes import trust_of

router = APIRouter(prefix="/api/notebooks", tags=["notebooks"])

CLOSE_NOT_FOUND = 4404


class NewNotebook(BaseModel):
    parent: str = Field(default=NOTEBOOKS_FOLDER, max_length=4096)
    name: str | None = Field(default=None, max_length=255)


class RunCells(BaseModel):
    cell_ids: list[str] = Field(min_length=1, max_length=10_000)


class Queued(BaseModel):
    queued: list[str]


async def _session(request: Request, item_id: str, user_id: int) -> NotebookSession:
    return await get_hub(request).execution.session(item_id, user_id)


@router.post("", status_code=201, response_model=Item)
async def new_notebook(body: NewNotebook, request: Request, user: CurrentUser) -> Item:
    """A new notebook (``Untitled0.ipynb``, ``Untitled1.ipynb``, ...) in ``Colab Notebooks``."""
    item = await run_in_threadpool(create_notebook, get_hub(request).drive, user.id, body.parent, body.name)
    await run_in_threadpool(trust_of(request).created, item.id, user.id)  # you wrote it: trusted for you
    return item


@router.post("/{item_id}/execute", status_code=202, response_model=Queued)
async def execute(item_id: str, body: RunCells, request: Request, user: CurrentUser) -> Queued:
    session = await _session(request, item_id, user.id)
    await trust_of(request).require(item_id, user.id)  # a notebook from someone else runs once trusted
    try:
        queued = await session.enqueue(body.cell_ids, user.id)
    except CellNotFound as e:
        raise NotFound(f"No cell with id {e.args[0]} in this notebook. Reload the page.",
                       code="cell_not_found") from None
    return Queued(queued=queued)


@router.post("/{item_id}/connect", status_code=204)
async def connect_runtime(item_id: str, request: Request, user: CurrentUser) -> None:
    """Start the notebook's runtime now (opening a notebook does not; its first run does)."""
    try:
        await (await _session(request, item_id, user.id)).ensure_runtime()
    except RuntimeUnavailable as e:
        raise Unavailable(str(e), code="runtime_unavailable") from None


@router.post("/{item_id}/interrupt", status_code=204)
async def interrupt(item_id: str, request: Request, user: CurrentUser) -> None:
    await (await _session(request, item_id, user.id)).interrupt()


@router.post("/{item_id}/restart", status_code=204)
async def restart(item_id: str, request: Request, user: CurrentUser) -> None:
    await (await _session(request, item_id, user.id)).restart()


@router.get("/{item_id}/runtime")
async def runtime_status(item_id: str, request: Request, user: CurrentUser) -> dict[str, Any]:
    session = await _session(request, item_id, user.id)
    status: dict[str, Any] = dict(session.describe())  # the socket's status, plus usage
    if session.runtime is not None:
        usage = await session.backend.usage(session.runtime)
        status["usage"] = {
            "memory_rss_bytes": usage.memory_rss_bytes,
            "memory_limit_bytes": usage.memory_limit_bytes,
            "disk_used_bytes": usage.disk_used_bytes,
            "gpus": [g.__dict__ for g in usage.gpus] if usage.gpus else None,
        }
    return status


@router.websocket("/{item_id}/events")
async def events(websocket: WebSocket, item_id: str) -> None:
    """Runtime status, input() prompts, Colab requests and widget messages for the page; the
    page answers, runs cells and moves widgets here.

    Every message either way is a JSON text frame, typed in execution.event_messages (the page's
    copy: web/src/notebook/runtime/protocol.ts) and handled in execution.event_dispatch. One the
    hub cannot use is refused on this socket with ``{"type": "error", "code": "bad_message" |
    "unknown_message" | "invalid_message", "detail"}`` (a bad ``execute`` or ``invoke_function``
    in its own reply, so the page's call ends), and the socket stays open for the next one.
    Opening this socket starts no runtime: a notebook from someone else must not run anything
    on open, and the pool of warm runtimes makes the first run quick anyway. A run (or POST
    .../connect) starts it. A run of a notebook the user does not trust is answered with
    ``"code": "notebook_not_trusted"`` (see hub.trust).
    """
    principal = await websocket_principal(websocket)
    if principal is None:
        return
    try:
        session = await get_hub(websocket).execution.session(item_id, principal.user.id)
    except (DocumentNotFound, NotANotebook):
        await refuse(websocket, CLOSE_NOT_FOUND, "That notebook does not exist or you have no access to it.")
        return
    await websocket.accept()
    sub = session.events.subscribe(principal.user.id)
    sub.queue.put_nowait(session.widgets.snapshot())  # every live widget, for this page's outputs
    sub.queue.put_nowait(session.describe())  # "none" until a run starts the runtime
    connection = EventsConnection(session, principal.user.id, trust_of(websocket), sub.queue.put_nowait)

    async def sender() -> None:
        while True:
            await websocket.send_text(json.dumps(await sub.queue.get()))

    send_task = asyncio.create_task(sender())
    try:
        while True:
            frame = await websocket.receive()
            if frame["type"] == "websocket.disconnect":
                break
            # Text or binary alike: what is not a message it knows is refused on this socket, which
            # stays open (see execution.event_dispatch).
            await connection.receive(frame.get("text") or frame.get("bytes") or b"")
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        session.events.unsubscribe(sub)
        connection.close()
        send_task.cancel()
        with contextlib.suppress(BaseException):
            await send_task
