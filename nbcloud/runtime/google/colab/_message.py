"""Requests from the runtime to the notebook page, in Colab's wire protocol.

A request is an iopub message of type ``colab_request`` with content ``{"request": body}`` and
metadata ``{"colab_msg_id": id, "colab_request_type": type}``, whose parent is the cell being
run. The answer comes back on the kernel's stdin channel as an ``input_reply`` whose value is
``{"type": "colab_reply", "colab_msg_id": id, "data": ...}`` or ``{..., "error": message}``.

The nbcloud hub routes requests to the browser of the person who ran the cell, or answers
some itself (secrets, Drive mounts); the runtime cannot tell the two apart.
"""

from __future__ import annotations

import sys
import time
import uuid
from typing import Any

from google.colab import _ipython, errors

_NOT_READY = object()
_POLL_SECONDS = 0.025


class MessageError(errors.Error):
    """The page (or the hub) answered a request with an error."""


def _read_next_input_message() -> Any:
    """The value of the next message waiting on the stdin socket, or _NOT_READY."""
    import zmq

    kernel = _ipython.get_kernel()
    try:
        _ident, reply = kernel.session.recv(kernel.stdin_socket, zmq.NOBLOCK)
    except Exception:  # a malformed message counts as no message
        return _NOT_READY
    if reply is None:
        return _NOT_READY
    return reply.get("content", {}).get("value", "")


def read_reply_from_input(message_id: str, timeout_sec: float | None = None) -> Any:
    """Block until the reply to ``message_id`` arrives (other stdin messages are dropped).

    Returns the reply's data, or None after ``timeout_sec``. Raises MessageError when the reply
    carries an error. Ctrl-C (interrupt) stops the wait.
    """
    deadline = time.monotonic() + timeout_sec if timeout_sec else None
    while deadline is None or time.monotonic() < deadline:
        reply = _read_next_input_message()
        if reply is _NOT_READY or not isinstance(reply, dict):
            time.sleep(_POLL_SECONDS)
            continue
        if reply.get("type") == "colab_reply" and reply.get("colab_msg_id") == message_id:
            if "error" in reply:
                raise MessageError(reply["error"])
            return reply.get("data")
    return None


def send_request(request_type: str, request_body: Any, parent: dict[str, Any] | None = None) -> str:
    """Send a request to the page; returns its id (for read_reply_from_input)."""
    app = _ipython.get_kernelapp()
    request_id = str(uuid.uuid4())
    if parent is None:
        parent = _ipython.current_parent()
    sys.stdout.flush()
    sys.stderr.flush()
    msg = app.session.msg(
        "colab_request",
        content={"request": request_body},
        metadata={"colab_msg_id": request_id, "colab_request_type": request_type},
        parent=parent,
    )
    app.session.send(app.iopub_socket, msg)
    return request_id


def blocking_request(request_type: str, request: Any = "", timeout_sec: float | None = 5,
                     parent: dict[str, Any] | None = None) -> Any:
    """Send a request and wait for its reply (None after ``timeout_sec``; None waits forever)."""
    request_id = send_request(request_type, request, parent=parent)
    return read_reply_from_input(request_id, timeout_sec)
