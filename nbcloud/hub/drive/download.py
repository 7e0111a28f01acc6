"""Serving a Drive file: HTTP Range, a safe Content-Type, and headers that keep user content inert.

The file is served from a descriptor opened without following links (``fs.open_file``), not
re-opened by path, so nothing can swap a link in between the check and the read. (Starlette's
``FileResponse`` opens by path, hence this small response class.)

A user's HTML, SVG or XML must never run script on the hub's origin. Every response carries
``Content-Security-Policy: sandbox`` (an opaque origin: no cookies, no same-origin requests)
and ``X-Content-Type-Options: nosniff``; types that a browser would render as an active
document are also always sent as attachments. Files of safe types (images, PDF, plain text,
audio, video) may be shown inline; ``?download=1`` makes anything an attachment.
"""

from __future__ import annotations

import hashlib
import os
import re
from email.utils import formatdate
from urllib.parse import quote

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

READ_SIZE = 256 * 1024

# Shown inline when asked; everything else is an attachment.
INLINE_TYPES = {
    "text/plain", "text/csv", "text/tab-separated-values", "text/markdown", "text/x-python",
    "application/json", "application/x-ipynb+json", "application/jsonl", "application/pdf",
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif",
}
INLINE_PREFIXES = ("audio/", "video/")
# A browser would render these as text, never as a document.
TEXT_AS_PLAIN = {
    "text/x-python", "text/markdown", "application/x-ipynb+json", "application/jsonl", "text/tab-separated-values",
}

CONTENT_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'"
)

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def content_disposition(kind: str, name: str) -> str:
    """``attachment; filename="..."; filename*=UTF-8''...`` (RFC 6266 / RFC 5987)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name) or "download"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def is_inline_safe(mime: str) -> bool:
    return mime in INLINE_TYPES or mime.startswith(INLINE_PREFIXES)


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | str:
    """One byte range as (start, end exclusive); None to send everything; "unsatisfiable".

    Several ranges or a malformed header are ignored (the whole file is sent), as RFC 9110
    allows.
    """
    if not header:
        return None
    m = _RANGE.match(header.strip().replace(" ", ""))
    if not m:
        return None
    first, last = m.groups()
    if first == "" and last == "":
        return None
    if first == "":
        suffix = int(last)
        if suffix == 0:
            return "unsatisfiable"
        return (max(size - suffix, 0), size) if size else "unsatisfiable"
    start = int(first)
    end = size if last == "" else min(int(last) + 1, size)
    if start >= size or start >= end:
        return "unsatisfiable"
    return start, end


class OpenFileResponse(Response):
    """Streams bytes [start, end) of an open file descriptor, which it closes when done."""

    def __init__(self, fd: int, start: int, end: int, status_code: int, headers: dict[str, str]) -> None:
        super().__init__(status_code=status_code, headers=headers)
        self.fd: int | None = fd
        self.start = start
        self.end = end
        self.headers["content-length"] = str(end - start)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __del__(self) -> None:  # a response built but never sent still lets go of its file
        try:
            self.close()
        except Exception:
            pass

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            if scope.get("method") == "HEAD" or self.start >= self.end:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            async with anyio.create_task_group() as tg:

                async def watch_disconnect() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    tg.cancel_scope.cancel()

                tg.start_soon(watch_disconnect)
                pos = self.start
                fd = self.fd
                assert fd is not None
                try:
                    while pos < self.end:
                        chunk = await anyio.to_thread.run_sync(os.pread, fd, min(READ_SIZE, self.end - pos), pos)
                        if not chunk:  # the file shrank under us
                            break
                        pos += len(chunk)
                        await send({"type": "http.response.body", "body": chunk, "more_body": pos < self.end})
                    if pos < self.end:
                        await send({"type": "http.response.body", "body": b"", "more_body": False})
                except OSError:
                    pass  # the client went away (servers raise on send after a disconnect)
                tg.cancel_scope.cancel()
        finally:
            self.close()


def file_response(
    request: Request, fd: int, st: os.stat_result, name: str, mime: str, download: bool = False
) -> Response:
    """The response for GET on a file's content; takes ownership of ``fd``."""
    try:
        version = f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}".encode()
        etag = '"' + hashlib.md5(version, usedforsecurity=False).hexdigest() + '"'
        last_modified = formatdate(st.st_mtime, usegmt=True)
        attach = download or not is_inline_safe(mime)
        served = "text/plain" if mime in TEXT_AS_PLAIN else mime
        if served.startswith("text/") or served in ("application/json",):
            served += "; charset=utf-8"
        headers = {
            "content-type": served,
            "content-disposition": content_disposition("attachment" if attach else "inline", name),
            "accept-ranges": "bytes",
            "etag": etag,
            "last-modified": last_modified,
            "cache-control": "private, no-cache",
            "x-content-type-options": "nosniff",
            "content-security-policy": CONTENT_CSP,
            "x-frame-options": "SAMEORIGIN",
            "cross-origin-resource-policy": "same-origin",
        }
        if request.headers.get("if-none-match") == etag:
            os.close(fd)
            kept = {k: headers[k] for k in ("etag", "cache-control", "last-modified")}
            return Response(status_code=304, headers=kept)
        size = st.st_size
        wanted = parse_range(request.headers.get("range"), size)
        if_range = request.headers.get("if-range")
        if wanted is not None and if_range is not None and if_range not in (etag, last_modified):
            wanted = None  # the file changed since the client's first part: send it all
        if isinstance(wanted, str):  # "unsatisfiable"
            os.close(fd)
            kept = {"content-range": f"bytes */{size}", **{k: headers[k] for k in ("accept-ranges", "etag")}}
            return Response(status_code=416, headers=kept)
        if wanted is None:
            return OpenFileResponse(fd, 0, size, 200, headers)
        start, end = wanted
        headers["content-range"] = f"bytes {start}-{end - 1}/{size}"
        return OpenFileResponse(fd, start, end, 206, headers)
    except BaseException:
        try:
            os.close(fd)
        except OSError:
            pass
        raise
