"""Moving files between the runtime and the person's computer.

``upload()`` asks the page (request ``files_upload``, body ``{"multiple": true}``) to let the
person pick files; the page answers ``{"files": [{"name": str, "data": base64 str}]}`` or an
empty list when they cancel. ``download(path)`` sends the file (request ``files_download``,
body ``{"name", "size", "data": base64}``) and does not wait. ``view(path)`` opens a file of
/content (or of the mounted Drive) in the page's file viewer (request ``files_view``, body
``{"path": absolute path}``); the hub checks the path and answers ``{}`` or an error.
"""

from __future__ import annotations

import base64
import os

from google.colab import _message

MAX_DOWNLOAD_BYTES = 200 * 1024**2
_VIEW_TIMEOUT_SEC = 30


def _safe_name(name: str) -> str:
    base = os.path.basename(str(name).replace("\\", "/"))
    if base in ("", ".", ".."):
        raise ValueError(f"the page sent a file without a usable name: {name!r}")
    return base


def _free_name(folder: str, name: str) -> str:
    """``name``, or ``name (1).ext`` when that file exists, as a browser saves downloads."""
    stem, ext = os.path.splitext(name)
    candidate, n = name, 0
    while os.path.exists(os.path.join(folder, candidate)):
        n += 1
        candidate = f"{stem} ({n}){ext}"
    return candidate


def upload(target_dir: str = "") -> dict[str, bytes]:
    """Let the person pick files; save them in the working folder (or ``target_dir``).

    Returns ``{file name: contents}``.
    """
    reply = _message.blocking_request("files_upload", {"multiple": True}, timeout_sec=None) or {}
    folder = target_dir or os.getcwd()
    os.makedirs(folder, exist_ok=True)
    uploaded: dict[str, bytes] = {}
    for entry in reply.get("files", []):
        name = _safe_name(entry.get("name", ""))
        data = base64.b64decode(entry.get("data", ""))
        saved = _free_name(folder, name)
        with open(os.path.join(folder, saved), "wb") as fh:
            fh.write(data)
        print(f"Saving {name} to {saved}")
        uploaded[saved] = data
    return uploaded


def download(filename: str) -> None:
    """Download a file of the runtime to the person's computer."""
    path = os.fspath(filename)
    if not os.path.exists(path):
        raise FileNotFoundError(f"Cannot find file: {path}")
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path} is a folder; zip it first (!zip -r out.zip {path}) and download the zip.")
    size = os.path.getsize(path)
    if size > MAX_DOWNLOAD_BYTES:
        raise ValueError(f"{path} is larger than {MAX_DOWNLOAD_BYTES // 1024**2} MB; copy it to your Drive "
                         "(drive.mount) and download it from there.")
    with open(path, "rb") as fh:
        data = base64.b64encode(fh.read()).decode()
    _message.send_request("files_download", {"name": os.path.basename(path), "size": size, "data": data})


def _content_dir() -> str:
    return os.environ.get("NBCLOUD_CONTENT_DIR") or "/content"


def view(filepath: str) -> None:
    """Open a file of /content in the page's file viewer (relative paths start at the working folder)."""
    path = os.path.abspath(os.path.expanduser(os.fspath(filepath)))
    content = _content_dir().rstrip("/") or "/"
    if path != content and not path.startswith(content + "/"):
        raise ValueError(f"{path} is outside {content}: files.view() shows files in {content}. "
                         f"Copy it there first, for example: !cp {path} {content}/")
    if not os.path.lexists(path):
        raise FileNotFoundError(f"Cannot find file: {path}")
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path} is a folder; files.view() shows files.")
    _message.blocking_request("files_view", {"path": path}, timeout_sec=_VIEW_TIMEOUT_SEC)
