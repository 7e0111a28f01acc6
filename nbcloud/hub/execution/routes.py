"""Running notebooks: /api/notebooks/*."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json

from fastapi import APIRouter, Request, WebSocket
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from nbcloud.hub.http.dependencies import CurrentUser
from nbcloud.hub.http.websocket import refuse, websocket_principal
from nbcloud.hub.context import get_hub
from nbcloud.hub.documents.room import CellNotFound, decode_state_vector
from nbcloud.hub.documents.service import DocumentNotFound, NotANotebook
from nbcloud.hub.drive.items import Item
from nbcloud.hub.drive.paths import NOTEBOOKS_FOLDER
from nbcloud.hub.errors import ApiError
from nbcloud.hub.execution.notebooks import create_notebook
from nbcloud.hub.execution.invoke import InvokeFailed
from nbcloud.hub.execution.session import NotebookSession, RuntimeUnavailable, StaleEdits
from nbcloud.hub.trust.routes import trust_of
from nbcloud.hub.trust.service import NOT_TRUSTED, TrustService, not_trusted_error

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
    try:
        return await get_hub(request).execution.session(item_id, user_id)
    except (DocumentNotFound, NotANotebook) as e:
        raise e.api_error() from None


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
        raise ApiError(404, "cell_not_found", f"No cell with id {e.args[0]} in this notebook. Reload the page.") from None
    return Queued(queued=queued)


@router.post("/{item_id}/connect", status_code=204)
async def connect_runtime(item_id: str, request: Request, user: CurrentUser) -> None:
    """Start the notebook's runtime now (opening a notebook does not; its first run does)."""
    try:
        await (await _session(request, item_id, user.id)).ensure_runtime()
    except RuntimeUnavailable as e:
        raise ApiError(503, "runtime_unavailable", str(e)) from None


@router.post("/{item_id}/interrupt", status_code=204)
async def interrupt(item_id: str, request: Request, user: CurrentUser) -> None:
    await (await _session(request, item_id, user.id)).interrupt()


@router.post("/{item_id}/restart", status_code=204)
async def restart(item_id: str, request: Request, user: CurrentUser) -> None:
    await (await _session(request, item_id, user.id)).restart()


@router.get("/{item_id}/runtime")
async def runtime_status(item_id: str, request: Request, user: CurrentUser) -> dict:
    session = await _session(request, item_id, user.id)
    status = session.describe()
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
    """Runtime status and input() prompts for the page; the page answers prompts here.

    Server to page (JSON text frames): ``{"type": "runtime", "status", "message", "running",
    "queued"}``, ``{"type": "input_request", "cell_id", "prompt", "password"}``,
    ``{"type": "input_done", "cell_id"}``, ``{"type": "colab_request", "cell_id", "request_id",
    "request_type", "request"}``, ``{"type": "colab_request_done", "cell_id", "request_id"}``,
    ``{"type": "shell_stdin", "cell_id", "request_id", "echo", "delay_ms"}``, ``{"type":
    "shell_stdin_done", "cell_id", "request_id"}``.
    Page to server: ``{"type": "execute", "request_id", "cell_ids", "state_vector"}`` (base64 of
    the page's ``Y.encodeStateVector``; answered ``{"type": "execute_reply", "request_id",
    "queued" | "error"}``), ``{"type": "input_reply", "value"}``, ``{"type": "colab_reply", "request_id",
    "reply"}`` or ``{"type": "colab_reply", "request_id", "error"}`` (see execution.colab);
    ``{"type": "shell_stdin_reply", "request_id", "value"}`` (see execution.shell);
    ``{"type": "invoke_function", "request_id", "cell_id", "name", "args", "kwargs"}``, answered
    on this socket only with ``{"type": "invoke_function_reply", "request_id", "result" | "error"}``
    (see execution.invoke).
    Widgets: ``comm_*`` and ``widgets`` events, and the page's ``{"type": "comm_msg", "comm_id",
    "data", "buffers", "msg_id"}`` (see execution.comms).
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
    trust = trust_of(websocket)

    async def sender() -> None:
        while True:
            await websocket.send_text(json.dumps(await sub.queue.get()))

    send_task = asyncio.create_task(sender())
    calls: set[asyncio.Task] = set()
    try:
        while True:
            text = await websocket.receive_text()
            try:
                message = json.loads(text)
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("type") == "input_reply":
                session.answer_input(principal.user.id, str(message.get("value", "")))
            elif isinstance(message, dict) and message.get("type") == "colab_reply":
                session.answer_colab(principal.user.id, message)
            elif isinstance(message, dict) and message.get("type") == "shell_stdin_reply":
                session.answer_shell(principal.user.id, message)  # typed into a `!cmd` (execution.shell)
            elif isinstance(message, dict) and message.get("type") == "execute":
                calls.add(asyncio.create_task(execute_from_page(session, message, principal.user.id, sub, trust)))
                calls = {c for c in calls if not c.done()}
            elif isinstance(message, dict) and message.get("type") == "invoke_function":
                calls.add(asyncio.create_task(invoke_function(session, message, sub, principal.user.id, trust)))
                calls = {c for c in calls if not c.done()}
            elif isinstance(message, dict) and message.get("type") == "comm_msg":
                session.send_comm(message)  # a widget's change or event (see execution.comms)
    except (WebSocketDisconnect, KeyError, RuntimeError):
        pass
    finally:
        session.events.unsubscribe(sub)
        for call in calls:
            call.cancel()
        send_task.cancel()
        with contextlib.suppress(BaseException):
            await send_task


async def execute_from_page(session: NotebookSession, message: dict, user_id: int, sub, trust: TrustService) -> None:
    """A page's ``execute``: like POST .../execute, with the page's Y state vector, so the cells
    run the code the page has (no round trip to flush its edits first)."""
    answer: dict = {"type": "execute_reply", "request_id": str(message.get("request_id", ""))}
    try:
        cell_ids = message.get("cell_ids")
        if not isinstance(cell_ids, list) or not cell_ids or len(cell_ids) > 10_000:
            raise ValueError("cell_ids must be a list of 1 to 10000 cell ids")
        state = base64.b64decode(str(message.get("state_vector", "")), validate=True)
        decode_state_vector(state)  # ValueError when it is not one
        if not await trust.is_trusted(session.item_id, user_id):
            answer["error"], answer["code"] = not_trusted_error().message, NOT_TRUSTED
            sub.queue.put_nowait(answer)
            return
        answer["queued"] = await session.enqueue([str(c) for c in cell_ids], user_id, after_state=state)
    except CellNotFound as e:
        answer["error"] = f"No cell with id {e.args[0]} in this notebook. Reload the page."
    except StaleEdits:
        answer["error"] = "Your latest edits have not reached the hub. Check your connection and run the cell again."
    except (ValueError, binascii.Error) as e:
        answer["error"] = f"Bad execute request: {e}"
    sub.queue.put_nowait(answer)


async def invoke_function(session: NotebookSession, message: dict, sub, user_id: int, trust: TrustService) -> None:
    """A page's ``invoke_function``: the answer goes to that page's socket alone. A saved
    output's script calls this too, so an untrusted notebook's calls are refused."""
    answer: dict = {"type": "invoke_function_reply", "request_id": str(message.get("request_id", ""))}
    try:
        if not await trust.is_trusted(session.item_id, user_id):
            raise InvokeFailed(not_trusted_error().message)
        answer["result"] = await session.functions.invoke(
            str(message.get("cell_id", "")), message.get("name"), message.get("args", []), message.get("kwargs", {})
        )
    except InvokeFailed as failed:
        answer["error"] = str(failed)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - the page must get an answer whatever happened
        answer["error"] = f"nbcloud could not call the function: {exc}"
    with contextlib.suppress(asyncio.QueueFull):
        sub.queue.put_nowait(answer)
