"""Drive over HTTP: /api/drive/*. A thin layer: who asks, what they sent, what they get back.

Every endpoint takes ``CurrentUser``; every lookup is by the asking user's id, so another
user's item id is simply "not found".
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from nbcloud.hub.context import get_hub
from nbcloud.hub.drive.download import file_response
from nbcloud.hub.drive.items import Item, Order, SortKey, mime_of
from nbcloud.hub.drive.paths import split_path
from nbcloud.hub.drive.store import DriveStore
from nbcloud.hub.drive.uploads import CHUNK_SIZE, BodyInterrupted, UploadState
from nbcloud.hub.errors import BadRequest
from nbcloud.hub.http.dependencies import CurrentUser

router = APIRouter(prefix="/api/drive", tags=["drive"])


def drive(request: Request) -> DriveStore:
    return get_hub(request).drive


# -- bodies and answers ------------------------------------------------------------------
class Crumb(BaseModel):
    name: str
    path: str


class Listing(BaseModel):
    path: str
    breadcrumbs: list[Crumb]
    items: list[Item]


class NewFolder(BaseModel):
    parent: str = Field(default="", max_length=4096)
    name: str = Field(max_length=1024)


class ItemChange(BaseModel):
    name: str | None = Field(default=None, max_length=1024)
    parent: str | None = Field(default=None, max_length=4096)


class TrashListing(BaseModel):
    items: list[Item]


class Usage(BaseModel):
    used_bytes: int
    quota_bytes: int


class NewUpload(BaseModel):
    parent: str = Field(default="", max_length=4096)
    name: str = Field(max_length=1024)
    size: int = Field(ge=0)
    overwrite: bool = False


class UploadOut(BaseModel):
    id: str
    offset: int
    size: int
    # Destination, relative to MyDrive.
    path: str
    chunk_size: int = CHUNK_SIZE
    # Set once the file is complete and in Drive.
    item: Item | None = None


class UploadList(BaseModel):
    uploads: list[UploadOut]


def upload_out(state: UploadState, item: Item | None = None) -> UploadOut:
    return UploadOut(id=state.id, offset=state.offset, size=state.size, path=state.path, item=item)


# -- tree --------------------------------------------------------------------------------
@router.get("/list", response_model=Listing)
def list_folder(
    request: Request, user: CurrentUser, path: str = "", sort: SortKey = "name", order: Order = "asc"
) -> Listing:
    store = drive(request)
    parts, items = store.list_folder(user.id, path, sort, order)
    return Listing(path="/".join(parts), breadcrumbs=[Crumb(**c) for c in store.breadcrumbs(parts)], items=items)


@router.get("/items/{item_id}", response_model=Item)
def get_item(item_id: str, request: Request, user: CurrentUser) -> Item:
    return drive(request).get(user.id, item_id)


@router.get("/item", response_model=Item)
def get_item_by_path(request: Request, user: CurrentUser, path: str) -> Item:
    return drive(request).item_at(user.id, split_path(path))


@router.post("/folders", response_model=Item, status_code=201)
def create_folder(body: NewFolder, request: Request, user: CurrentUser) -> Item:
    return drive(request).create_folder(user.id, body.parent, body.name)


@router.patch("/items/{item_id}", response_model=Item)
def change_item(item_id: str, body: ItemChange, request: Request, user: CurrentUser) -> Item:
    return drive(request).update(user.id, item_id, name=body.name, parent=body.parent)


@router.delete("/items/{item_id}", response_model=Item)
def trash_item(item_id: str, request: Request, user: CurrentUser) -> Item:
    return drive(request).trash.put(user.id, item_id)


# -- content -----------------------------------------------------------------------------
@router.get("/items/{item_id}/content")
def item_content(item_id: str, request: Request, user: CurrentUser, download: bool = False) -> Response:
    fd, st, name = drive(request).open_item(user.id, item_id)
    return file_response(request, fd, st, name, mime_of(name), download)


@router.get("/content")
def path_content(request: Request, user: CurrentUser, path: str = Query(...), download: bool = False) -> Response:
    fd, st, name = drive(request).open_path(user.id, path)
    return file_response(request, fd, st, name, mime_of(name), download)


# -- trash -------------------------------------------------------------------------------
@router.get("/trash", response_model=TrashListing)
def list_trash(request: Request, user: CurrentUser) -> TrashListing:
    return TrashListing(items=drive(request).trash.list(user.id))


@router.post("/trash/{item_id}/restore", response_model=Item)
def restore(item_id: str, request: Request, user: CurrentUser) -> Item:
    return drive(request).trash.restore(user.id, item_id)


@router.delete("/trash/{item_id}", status_code=204)
def delete_forever(item_id: str, request: Request, user: CurrentUser) -> None:
    drive(request).trash.delete_forever(user.id, item_id)


@router.delete("/trash", status_code=204)
def empty_trash(request: Request, user: CurrentUser) -> None:
    drive(request).trash.empty(user.id)


@router.get("/usage", response_model=Usage)
def usage(request: Request, user: CurrentUser) -> Usage:
    return Usage(used_bytes=drive(request).used_bytes(user.id), quota_bytes=user.quota_bytes)


# -- uploads -----------------------------------------------------------------------------
@router.post("/uploads", response_model=UploadOut, status_code=201)
def create_upload(body: NewUpload, request: Request, user: CurrentUser) -> UploadOut:
    state = drive(request).uploads.create(user, body.parent, body.name, body.size, body.overwrite)
    return upload_out(state)


@router.get("/uploads", response_model=UploadList)
def list_uploads(request: Request, user: CurrentUser) -> UploadList:
    return UploadList(uploads=[upload_out(s) for s in drive(request).uploads.list(user.id)])


@router.get("/uploads/{upload_id}", response_model=UploadOut)
def upload_status(upload_id: str, request: Request, response: Response, user: CurrentUser) -> UploadOut:
    state = drive(request).uploads.status(user.id, upload_id)
    response.headers["Upload-Offset"] = str(state.offset)
    response.headers["Cache-Control"] = "no-store"
    return upload_out(state)


async def _body(request: Request) -> AsyncIterator[bytes]:
    """The request body in chunks; a dropped connection ends it with ``BodyInterrupted``."""
    try:
        async for chunk in request.stream():
            yield chunk
    except ClientDisconnect:
        raise BodyInterrupted from None


@router.patch("/uploads/{upload_id}", response_model=UploadOut)
async def upload_chunk(upload_id: str, request: Request, response: Response, user: CurrentUser) -> UploadOut:
    raw = request.headers.get("upload-offset", "")
    if not raw.strip().isdigit():
        raise BadRequest(
            "Send the Upload-Offset header: the byte position this chunk starts at (GET the upload to learn it).",
            code="bad_offset",
        )
    state, item = await drive(request).uploads.receive(user, upload_id, int(raw), _body(request))
    response.headers["Upload-Offset"] = str(state.offset)
    return upload_out(state, item)


@router.delete("/uploads/{upload_id}", status_code=204)
async def cancel_upload(upload_id: str, request: Request, user: CurrentUser) -> None:
    await run_in_threadpool(drive(request).uploads.cancel, user.id, upload_id)
