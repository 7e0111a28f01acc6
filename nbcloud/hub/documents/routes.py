"""HTTP and WebSocket endpoints of live notebook documents.

GET /api/documents/{item_id}       the notebook JSON as now in the live document (or from disk)
GET /api/documents/{item_id}/outputs/{kept_id}
                                   a stream text too long for the live document, whole (kept_text.py)
WS  /api/documents/{item_id}/ws    y-websocket sync of the live document (see protocol.py)

The socket checks, in this order:
1-2. Origin and who (``nbcloud.hub.http.websocket``): refused at the handshake, or closed 4401.
3. Access: the user owns the item; otherwise closed 4404 (same as "no such item").
4. The file is a valid notebook; otherwise closed 4422 with the reason.

While open, the socket is closed by the hub with:
    4400  the client sent an update that would make the notebook unsavable (it gets a
          {"type": "rejected"} message first, see hub_messages.py); nobody else saw it
    4409  the client's document is from an earlier load of the notebook (a hub restart): it
          must load the notebook afresh and re-apply its own unsaved edits
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import APIRouter, Request, WebSocket
from fastapi.responses import JSONResponse, Response
from starlette.requests import HTTPConnection
from starlette.types import Message
from starlette.websockets import WebSocketDisconnect, WebSocketState

from nbcloud.hub.context import get_hub
from nbcloud.hub.documents import hub_messages
from nbcloud.hub.documents.epoch import StaleDocument
from nbcloud.hub.documents.guard import RejectedUpdate
from nbcloud.hub.documents.notebook_io import BadNotebook, clean_for_disk
from nbcloud.hub.documents.notebook_store import DocumentNotFound, NotANotebook
from nbcloud.hub.documents.protocol import (
    CLOSE_BAD_MESSAGE,
    CLOSE_GOING_AWAY,
    CLOSE_TEXT_FRAME,
    CLOSE_TOO_SLOW,
    Connection,
    ProtocolError,
)
from nbcloud.hub.documents.room import LiveDocument
from nbcloud.hub.documents.service import DocumentService
from nbcloud.hub.errors import NotFound
from nbcloud.hub.http.dependencies import CurrentUser
from nbcloud.hub.http.websocket import refuse, websocket_principal

log = logging.getLogger("nbcloud.documents")

router = APIRouter(prefix="/api/documents", tags=["documents"])

CLOSE_NOT_FOUND = 4404
CLOSE_BAD_NOTEBOOK = 4422
CLOSE_REJECTED_UPDATE = 4400
CLOSE_STALE_DOCUMENT = 4409


def documents_of(conn: HTTPConnection) -> DocumentService:
    return get_hub(conn).documents


@router.get("/{item_id}")
async def get_document(item_id: str, user: CurrentUser, request: Request) -> JSONResponse:
    """The notebook (nbformat 4 JSON) as it is now in the live document, or on disk if not open."""
    content = await documents_of(request).snapshot(item_id, user.id)  # DocumentNotFound: 404, ...
    return JSONResponse(clean_for_disk(content), headers={"cache-control": "no-store"})


@router.get("/{item_id}/outputs/{kept_id}")
async def get_kept_output(item_id: str, kept_id: str, user: CurrentUser, request: Request) -> Response:
    """The whole text of a stream output the live document holds only the head and tail of."""
    service = documents_of(request)
    await service.check_access(item_id, user.id)
    room = service.get_open(item_id)
    text = room.kept.get(kept_id) if room is not None and not room.closed else None
    if text is None:
        raise NotFound("This output is no longer available: it was cleared or the notebook was closed. "
                       "Reload the notebook to see its outputs as saved.", code="output_gone")
    # Kept texts never change (a new run keeps a new one), so the browser may cache it.
    return Response(text.encode("utf-8"), media_type="text/plain; charset=utf-8",
                    headers={"cache-control": "private, max-age=86400, immutable"})


@router.websocket("/{item_id}/ws")
async def document_socket(websocket: WebSocket, item_id: str) -> None:
    principal = await websocket_principal(websocket)
    if principal is None:
        return
    service = documents_of(websocket)
    try:
        room = await service.open(item_id, principal.user.id)
    except (DocumentNotFound, NotANotebook):
        # Not a notebook looks the same as missing on the socket; GET says which.
        await refuse(websocket, CLOSE_NOT_FOUND, "That notebook does not exist or you have no access to it.")
        return
    except BadNotebook as e:
        await refuse(websocket, CLOSE_BAD_NOTEBOOK, e.message)
        return
    await websocket.accept()
    await serve_socket(service, room, websocket, principal.user.id)


async def serve_socket(service: DocumentService, room: LiveDocument, websocket: WebSocket, user_id: int) -> None:
    conn = Connection(user_id=user_id)
    close_code, close_reason = CLOSE_GOING_AWAY, "The notebook was closed."

    async def sender() -> None:
        nonlocal close_code, close_reason
        while True:
            message = await conn.queue.get()
            if message is None:
                if conn.overflowed:
                    close_code, close_reason = CLOSE_TOO_SLOW, "Too far behind; reconnect."
                break
            await websocket.send_bytes(message)
        # The room closed or this client overflowed: end the receive loop too.
        with contextlib.suppress(Exception):
            await websocket.close(code=close_code, reason=close_reason)

    # Both tasks are this handler's own: neither outlives it.
    sender_task = asyncio.create_task(sender(), name=f"document {room.item_id} sender")
    receive: asyncio.Future[Message] | None = None
    try:
        room.join(conn)
    except Exception:
        sender_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender_task
        await websocket.close(code=CLOSE_GOING_AWAY)
        return
    try:
        while True:
            receive = asyncio.ensure_future(websocket.receive())
            done, _ = await asyncio.wait({receive, sender_task}, return_when=asyncio.FIRST_COMPLETED)
            if receive not in done:
                break
            message = receive.result()
            if message["type"] == "websocket.disconnect":
                break
            data = message.get("bytes")
            if data is None:
                await _close(websocket, CLOSE_TEXT_FRAME, "Send binary y-websocket messages only.")
                break
            try:
                room.handle_message(conn, data)
            except ProtocolError as e:
                log.info("document %s: closing a socket that sent a bad message: %s", room.item_id, e)
                await _close(websocket, CLOSE_BAD_MESSAGE, "Bad message.")
                break
            except RejectedUpdate as e:
                log.warning("document %s: refused an update from user %s: %s", room.item_id, user_id, e.reason)
                notice = (f"Your last change was not accepted: {e.reason}. The notebook was reloaded "
                          "without it; everything else you typed is kept.")
                with contextlib.suppress(Exception):
                    await websocket.send_bytes(hub_messages.rejected(notice))
                await _close(websocket, CLOSE_REJECTED_UPDATE, "Change refused: it would make the notebook unsavable.")
                break
            except StaleDocument:
                log.info("document %s: a page from an earlier load reconnected; asking it to reload", room.item_id)
                await _close(websocket, CLOSE_STALE_DOCUMENT, "The notebook was reloaded by the hub.")
                break
    except WebSocketDisconnect:
        pass
    finally:
        if receive is not None:
            receive.cancel()
        sender_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender_task
        room.leave(conn)
        service.maybe_idle(room)


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    if websocket.application_state == WebSocketState.CONNECTED:
        with contextlib.suppress(Exception):
            await websocket.close(code=code, reason=reason)
