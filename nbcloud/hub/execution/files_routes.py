"""The Files panel's API: the runtime's /content of a notebook the person may run.

``/api/notebooks/{id}/runtime/files...``; every path is below /content (``"sample_data/README.md"``,
``""`` for /content itself) and goes through ``runtimes.files``, which never follows a link.
The notebook's runtime must be assigned (opening the notebook's events socket does that); without
one the answer is 409 ``no_runtime``. Someone who may not run the notebook gets 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from nbcloud.hub.context import get_hub
from nbcloud.hub.drive.download import file_response
from nbcloud.hub.drive.items import iso, mime_of
from nbcloud.hub.drive.uploads import human
from nbcloud.hub.errors import BadRequest, TooLarge
from nbcloud.hub.execution.runtime_files import runtime_files
from nbcloud.hub.execution.session import NotebookSession
from nbcloud.hub.http.dependencies import CurrentUser
from nbcloud.hub.runtimes.files import Entry, RuntimeFiles, split_path
from nbcloud.hub.safefs import Parts

router = APIRouter(prefix="/api/notebooks", tags=["runtime files"])

# Bytes gathered from an upload's request stream before one write to disk.
WRITE_BUFFER = 1024 * 1024


class FileEntry(BaseModel):
    name: str
    # Below /content, "/"-separated.
    path: str
    kind: str  # "file" | "folder" | "link" | "other"
    size: int
    modified: str
    # A link's text (never followed).
    target: str | None = None
    # drive/MyDrive after drive.mount(): the person's Drive, shown as a link to the Drive page.
    drive: bool = False


class FileListing(BaseModel):
    path: str
    entries: list[FileEntry]
    truncated: bool = False


class NewFolder(BaseModel):
    path: str = Field(max_length=4096)


class Rename(BaseModel):
    path: str = Field(max_length=4096)
    to: str = Field(max_length=4096)


def entry_out(parent: Parts, entry: Entry) -> FileEntry:
    parts = (*parent, entry.name)
    return FileEntry(
        name=entry.name, path="/".join(parts), kind=entry.kind, size=entry.size, modified=iso(entry.modified),
        target=entry.target, drive=entry.kind == "link" and parts == ("drive", "MyDrive"),
    )


async def notebook_session(request: Request, item_id: str, user_id: int) -> NotebookSession:
    return await get_hub(request).execution.session(item_id, user_id)


async def _files(request: Request, item_id: str, user_id: int) -> RuntimeFiles:
    return runtime_files(await notebook_session(request, item_id, user_id))


@router.get("/{item_id}/runtime/files", response_model=FileListing)
async def list_files(item_id: str, request: Request, user: CurrentUser, path: str = "") -> FileListing:
    """A folder of /content: folders first, then files and links (links are not followed)."""
    files = await _files(request, item_id, user.id)
    parts = split_path(path)
    entries, truncated = await run_in_threadpool(files.list, parts)
    return FileListing(path="/".join(parts), entries=[entry_out(parts, e) for e in entries], truncated=truncated)


@router.get("/{item_id}/runtime/files/content")
async def file_content(item_id: str, request: Request, user: CurrentUser, path: str = Query(...),
                       download: bool = False) -> Response:
    """The bytes of a file, with HTTP Range (the viewer asks for the first part only) and the
    headers that keep user content inert (see drive.download)."""
    files = await _files(request, item_id, user.id)
    parts = split_path(path)
    fd, st = await run_in_threadpool(files.open_file, parts)
    return file_response(request, fd, st, parts[-1], mime_of(parts[-1]), download)


@router.put("/{item_id}/runtime/files/content", response_model=FileEntry, status_code=201)
async def upload_file(item_id: str, request: Request, user: CurrentUser, path: str = Query(...),
                      overwrite: bool = False) -> FileEntry:
    """The request body becomes the file at ``path``, streamed to the runtime's disk (it counts
    against nothing else). 409 ``name_taken`` when it exists, unless ``overwrite``."""
    files = await _files(request, item_id, user.id)
    parts = split_path(path)
    limit = get_hub(request).settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    upload = await run_in_threadpool(files.begin_write, parts, overwrite=overwrite)
    try:
        buf = bytearray()
        total = 0
        try:
            async for chunk in request.stream():
                total += len(chunk)
                if total > limit:
                    raise _too_large(limit)
                buf += chunk
                if len(buf) >= WRITE_BUFFER:
                    data, buf = bytes(buf), bytearray()
                    await run_in_threadpool(upload.write, data)
        except ClientDisconnect:
            raise BadRequest("The upload was interrupted. Upload the file again.", code="upload_interrupted") from None
        if buf:
            await run_in_threadpool(upload.write, bytes(buf))
        entry = await run_in_threadpool(upload.commit)
    finally:
        await run_in_threadpool(upload.close)
    return entry_out(parts[:-1], entry)


def _too_large(limit: int) -> TooLarge:
    return TooLarge(f"A file can be at most {human(limit)}. Copy larger files in from a cell "
                    "(for example with !wget or from your mounted Drive).", code="too_large")


@router.post("/{item_id}/runtime/files/folders", response_model=FileEntry, status_code=201)
async def new_folder(item_id: str, body: NewFolder, request: Request, user: CurrentUser) -> FileEntry:
    files = await _files(request, item_id, user.id)
    parts = split_path(body.path)
    entry = await run_in_threadpool(files.mkdir, parts)
    return entry_out(parts[:-1], entry)


@router.post("/{item_id}/runtime/files/rename", response_model=FileEntry)
async def rename_file(item_id: str, body: Rename, request: Request, user: CurrentUser) -> FileEntry:
    """Rename or move a file or folder within /content; 409 ``name_taken`` if ``to`` exists."""
    files = await _files(request, item_id, user.id)
    parts, to = split_path(body.path), split_path(body.to)
    entry = await run_in_threadpool(files.rename, parts, to)
    return entry_out(to[:-1], entry)


@router.delete("/{item_id}/runtime/files", status_code=204)
async def delete_file(item_id: str, request: Request, user: CurrentUser, path: str = Query(...)) -> None:
    """Delete a file, or a folder with everything in it. Links are refused (422 ``is_a_link``)."""
    files = await _files(request, item_id, user.id)
    await run_in_threadpool(files.delete, split_path(path))
