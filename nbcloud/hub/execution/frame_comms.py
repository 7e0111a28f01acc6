"""Comms between an output frame's ``google.colab.kernel.comms`` and the kernel.

Colab lets the JavaScript of an output open a Jupyter comm to the kernel (``comms.open(target)``)
and listen for comms the kernel opens (``comms.registerTarget(target, callback)``). Here the
frame talks to its page (postMessage), the page to the hub (the events socket, messages of type
``frame_comm``), the hub to the kernel's shell channel; the kernel's answers come back the same
way. Widget comms (``jupyter.widget``) are not these: see execution.comms.

Who gets what:
- a comm a page opened belongs to the person whose page opened it: only their pages hear its
  messages, only they may send on it or close it (the page then hands them to the one frame that
  opened it);
- a comm the kernel opens goes to the person who ran the cell that opened it (or, between cells,
  to the runtime's owner), with the cell's id, so their page hands it to a frame of that cell
  that registered the target;
- only the person who may run the notebook's cells opens or sends (a viewer cannot); the events
  socket checks trust and the owner before calling here.

Events to pages: ``{"type": "frame_comm", "kind": "open" | "msg" | "close" | "reply", ...}``
(``reply`` answers a page's ``open``/``msg`` by ``request_id``: sent to the kernel, or ``error``).
Buffers travel as base64 strings.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nbcloud.hub.execution.event_messages import FrameCommEvent, HubMessage
from nbcloud.hub.execution.protocols import KernelClient, Message

WIDGET_TARGET = "jupyter.widget"
MAX_FRAME_COMMS = 1000
MAX_BUFFER_BYTES = 32 * 1024 * 1024


class FrameCommRefused(Exception):
    """A page's frame comm message the hub does not pass on; the message says why and what to do."""


@dataclass
class FrameComm:
    comm_id: str
    user_id: int
    cell_id: str


def _b64(buffer: Any) -> str:
    return base64.b64encode(bytes(buffer)).decode("ascii")


def decode_buffers(buffers: list[str]) -> list[bytes]:
    try:
        decoded = [base64.b64decode(b, validate=True) for b in buffers]
    except (binascii.Error, ValueError):
        raise FrameCommRefused("A comm message's buffers must be base64. Reload the page.") from None
    if sum(len(b) for b in decoded) > MAX_BUFFER_BYTES:
        raise FrameCommRefused("A comm message may carry at most 32 MiB of buffers. Send less at a time.")
    return decoded


class FrameComms:
    """The output frames' comms of one notebook session."""

    def __init__(self, publish: Callable[..., None], owner_id: int) -> None:
        self._publish = publish
        self.owner_id = owner_id
        self.comms: dict[str, FrameComm] = {}

    def _tell(self, event: FrameCommEvent, user_id: int) -> None:
        message: HubMessage = event
        self._publish(message, user_id=user_id)

    # ----- from a page ----------------------------------------------------------------------------

    def open(self, client: KernelClient, user_id: int, comm_id: str, cell_id: str, target_name: str,
             data: Any, buffers: list[str]) -> None:
        """A frame's ``comms.open``: a comm_open to the kernel, on behalf of ``user_id``."""
        if client is None:
            raise FrameCommRefused("The runtime is not connected. Run a cell to start it, then try again.")
        if comm_id in self.comms:
            raise FrameCommRefused("That comm is already open. Open a new one.")
        if len(self.comms) >= MAX_FRAME_COMMS:
            raise FrameCommRefused("Too many comms are open in this notebook. Close some, or restart the runtime.")
        if not target_name or target_name == WIDGET_TARGET:
            raise FrameCommRefused(f"An output cannot open a comm to the target {target_name!r}.")
        raw = decode_buffers(buffers)
        self.comms[comm_id] = FrameComm(comm_id, user_id, cell_id)
        msg = client.session.msg("comm_open", {"comm_id": comm_id, "target_name": target_name, "data": data})
        client.session.send(client.shell_channel.socket, msg, buffers=raw)

    def send(self, client: KernelClient, user_id: int, comm_id: str, data: Any, buffers: list[str]) -> None:
        comm = self._own(user_id, comm_id)
        if client is None:
            raise FrameCommRefused("The runtime is not connected; this comm closed with it.")
        msg = client.session.msg("comm_msg", {"comm_id": comm.comm_id, "data": data})
        client.session.send(client.shell_channel.socket, msg, buffers=decode_buffers(buffers))

    def close(self, client: KernelClient, user_id: int, comm_id: str) -> None:
        comm = self._own(user_id, comm_id)
        del self.comms[comm.comm_id]
        if client is not None:
            msg = client.session.msg("comm_close", {"comm_id": comm.comm_id, "data": {}})
            client.session.send(client.shell_channel.socket, msg)

    def _own(self, user_id: int, comm_id: str) -> FrameComm:
        comm = self.comms.get(comm_id)
        if comm is None or comm.user_id != user_id:
            raise FrameCommRefused("No such comm is open for this page. It may have closed; open a new one.")
        return comm

    def reply(self, user_id: int, request_id: str, error: str | None = None) -> None:
        event: FrameCommEvent = {"type": "frame_comm", "kind": "reply", "request_id": request_id}
        if error is not None:
            event["error"] = error
        self._tell(event, user_id)

    # ----- from the kernel ------------------------------------------------------------------------

    def received(self, msg: Message, user_id: int | None = None, cell_id: str | None = None) -> bool:
        """One iopub message; True when it was a frame comm's (the widgets must not see it).

        ``user_id`` and ``cell_id``: who ran the cell whose request this message answers, if any.
        """
        kind, content = msg["header"]["msg_type"], msg.get("content") or {}
        if kind not in ("comm_open", "comm_msg", "comm_close"):
            return False
        comm_id = str(content.get("comm_id"))
        buffers = [_b64(b) for b in msg.get("buffers") or []]
        if kind == "comm_open":
            target = str(content.get("target_name") or "")
            if target == WIDGET_TARGET or len(self.comms) >= MAX_FRAME_COMMS:
                return False
            opened = FrameComm(comm_id, user_id if user_id is not None else self.owner_id, cell_id or "")
            self.comms[comm_id] = opened
            self._tell({"type": "frame_comm", "kind": "open", "comm_id": comm_id, "cell_id": opened.cell_id,
                        "target_name": target, "data": content.get("data"), "buffers": buffers}, opened.user_id)
            return True
        comm = self.comms.get(comm_id)
        if comm is None:
            return False
        if kind == "comm_msg":
            self._tell({"type": "frame_comm", "kind": "msg", "comm_id": comm_id, "data": content.get("data"),
                        "buffers": buffers}, comm.user_id)
        else:
            del self.comms[comm_id]
            self._tell({"type": "frame_comm", "kind": "close", "comm_id": comm_id}, comm.user_id)
        return True

    def reset(self) -> None:
        """The kernel is gone: every frame comm closes with it."""
        comms, self.comms = self.comms, {}
        for comm in comms.values():
            self._tell({"type": "frame_comm", "kind": "close", "comm_id": comm.comm_id}, comm.user_id)
