"""Colab requests from a running cell (``google.colab._message``), and their answers.

The runtime publishes ``colab_request`` on iopub (metadata ``colab_msg_id`` and
``colab_request_type``, content ``{"request": body}``) and waits for a ``colab_reply`` on its
stdin channel. The hub answers some requests itself:

* ``GetSecret`` ``{"key"}``: from the secrets store, if the person who ran the cell has that
  secret and granted this notebook access (``{"exists", "access", "payload"}``);
* ``drive_mount``: asks the page for consent first (a ``drive_mount`` request the page answers
  ``{"consent": true}``); then hands the person's MyDrive to the runtime (see
  ``runtimes.drive_mount``) and answers ``{"socket": path}``;
* ``drive_unmount`` ``{"path"}``: detaches a Drive the hub attached in the sandbox
  (``drive.flush_and_unmount()``), answering ``{"unmounted": bool}``;
* ``unassign_runtime``: shuts the runtime down;
* ``files_view`` ``{"path"}`` (``files.view``): checks that the path is a file in the runtime's
  /content (never following a link) or in the person's Drive at /content/drive/MyDrive, then
  tells the pages of the person who ran the cell ``{"type": "files_view", "cell_id", "source":
  "runtime" | "drive", "path", "item_id"?}`` (they open the file viewer) and answers ``{}``; a
  path outside /content, a folder or a link is answered with an error the cell shows;
* ``cell_display_stdin``, ``cell_update_stdin``, ``cell_remove_stdin``: a shell command's input
  box, which expects no answer (see execution.shell).

Every other request goes to the browsers of the person who ran the cell as the event
``{"type": "colab_request", "cell_id", "request_id", "request_type", "request"}``; the first
``{"type": "colab_reply", "request_id", "reply" | "error"}`` from one of *their* sockets is
sent to the kernel. When a request is answered or its cell ends, they get
``{"type": "colab_request_done", "cell_id", "request_id"}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from nbcloud.hub.drive.quota import usage
from nbcloud.hub.errors import DomainError
from nbcloud.hub.execution import shell
from nbcloud.hub.execution.event_messages import FilesView
from nbcloud.hub.execution.protocols import (
    KernelClient,
    Message,
    RunRequest,
    SessionHandle,
)
from nbcloud.hub.execution.runtime_files import runtime_files
from nbcloud.hub.runtimes.drive_mount import DriveMountError

log = logging.getLogger("nbcloud.execution.colab")

DRIVE_REFUSED = ("Drive access was not allowed, so nothing was mounted. Run drive.mount('/content/drive') "
                 "again and choose Connect to Drive when the page asks.")


class RequestFailed(Exception):
    """The request is answered with this error (the runtime raises MessageError)."""


@dataclass
class Pending:
    user_id: int
    cell_id: str
    future: asyncio.Future[Any]


class ColabRequests:
    """The Colab requests of the running cell of one notebook session."""

    def __init__(self, session: SessionHandle, shell_input: shell.ShellInput) -> None:
        self.session = session
        self.shell_input = shell_input
        self._pending: dict[str, Pending] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # ----- from the kernel ------------------------------------------------------------------------

    def received(self, request: RunRequest, msg: Message, client: KernelClient) -> None:
        """An iopub ``colab_request`` of the running cell: answer it in the background."""
        meta = msg.get("metadata") or {}
        request_id = str(meta.get("colab_msg_id") or "")
        kind = str(meta.get("colab_request_type") or "")
        if not request_id:
            return
        body = (msg.get("content") or {}).get("request")
        if kind in shell.KINDS:  # a shell command's input box: nothing to answer
            self.shell_input.received(request, kind, request_id, body, client)
            return
        task = asyncio.create_task(self._answer(request, client, request_id, kind, body))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, request: RunRequest, client: KernelClient, request_id: str, kind: str, body: Any) -> None:
        try:
            if kind == "GetSecret":
                key = body.get("key", "") if isinstance(body, dict) else ""
                data = await asyncio.to_thread(self.session.secrets.answer, request.user_id,
                                               self.session.item_id, key)
            elif kind == "drive_mount":
                data = await self._mount_drive(request, request_id, body if isinstance(body, dict) else {})
            elif kind == "files_view":
                data = await self._view_file(request, body if isinstance(body, dict) else {})
            elif kind == "drive_unmount":
                data = await self._unmount_drive(body if isinstance(body, dict) else {})
            elif kind == "unassign_runtime":
                self._reply(client, request_id, data={})
                # Not one of this cell's tasks: ending the cell must not cancel the shutdown.
                self.session.background(self.session.unassign())
                return
            else:
                data = await self.ask_page(request, request_id, kind, body)
        except RequestFailed as failed:
            self._reply(client, request_id, error=str(failed))
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("answering colab request %s (%s)", request_id, kind)
            self._reply(client, request_id, error=f"nbcloud could not answer {kind}: {exc}")
            return
        self._reply(client, request_id, data=data)

    @staticmethod
    def _reply(client: KernelClient, request_id: str, *, data: Any = None, error: str | None = None) -> None:
        value: dict[str, Any] = {"type": "colab_reply", "colab_msg_id": request_id}
        if error is not None:
            value["error"] = error
        else:
            value["data"] = data
        with contextlib.suppress(Exception):  # the kernel may be gone
            client.stdin_channel.send(client.session.msg("input_reply", {"value": value}))

    # ----- the page -------------------------------------------------------------------------------

    async def ask_page(self, request: RunRequest, request_id: str, kind: str, body: Any) -> Any:
        """Send the request to the browsers of the person who ran the cell; wait for one to answer."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = Pending(request.user_id, request.cell_id, future)
        self.session.events.publish(
            {"type": "colab_request", "cell_id": request.cell_id, "request_id": request_id,
             "request_type": kind, "request": body},
            user_id=request.user_id,
        )
        try:
            return await future
        finally:
            if self._pending.pop(request_id, None) is not None:
                self.session.events.publish(
                    {"type": "colab_request_done", "cell_id": request.cell_id, "request_id": request_id},
                    user_id=request.user_id,
                )

    def answer(self, user_id: int, message: dict[str, Any]) -> bool:
        """A page's ``colab_reply``. Only the person who ran the cell may answer its requests."""
        pending = self._pending.get(str(message.get("request_id", "")))
        if pending is None or pending.user_id != user_id or pending.future.done():
            return False
        if "error" in message:
            pending.future.set_exception(RequestFailed(str(message["error"])))
        else:
            pending.future.set_result(message.get("reply"))
        return True

    def cancel_all(self) -> None:
        """The cell ended: drop what is still waiting (its kernel no longer reads replies)."""
        for task in list(self._tasks):
            task.cancel()

    async def close(self) -> None:
        """The session closes: every answer still being worked out is cancelled and awaited."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # ----- files.view -----------------------------------------------------------------------------

    async def _view_file(self, request: RunRequest, body: dict[str, Any]) -> dict[str, Any]:
        path = str(body.get("path", ""))
        try:
            files = runtime_files(self.session)
            parts = files.relative(path)
            if parts is None:
                raise RequestFailed(f"{path} is outside /content. files.view() shows files in /content "
                                    "(copy the file there first, for example with !cp).")
            event: FilesView = {"type": "files_view", "cell_id": request.cell_id, "source": "runtime",
                                "path": "/".join(parts)}
            if len(parts) > 2 and parts[:2] == ("drive", "MyDrive"):
                mount = await asyncio.to_thread(files.stat, parts[:2])
                if mount.kind == "link":  # drive.mount(): the file is in the person's Drive
                    item = await asyncio.to_thread(self.session.documents.drive.item_at, request.user_id, parts[2:])
                    if item.is_folder:
                        raise RequestFailed(f"{path} is a folder. files.view() shows files.")
                    event = {"type": "files_view", "cell_id": request.cell_id, "source": "drive",
                             "path": "/".join(parts[2:]), "item_id": item.id}
            if event["source"] == "runtime":
                entry = await asyncio.to_thread(files.stat, parts)
                if entry.kind == "link":
                    raise RequestFailed(f"{path} is a symbolic link; files.view() does not follow links. "
                                        "View the file it points to.")
                if entry.kind != "file":
                    raise RequestFailed(f"{path} is {'a folder' if entry.kind == 'folder' else 'not a regular file'}. "
                                        "files.view() shows files.")
        except DomainError as exc:  # no runtime, no such file, ...: the cell shows why
            raise RequestFailed(exc.message) from None
        self.session.events.publish(event, user_id=request.user_id)
        return {}

    # ----- Drive ----------------------------------------------------------------------------------

    async def _mount_drive(self, request: RunRequest, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        session = self.session
        runtime = session.runtime
        if not session.backend.capabilities.drive or runtime is None:
            raise RequestFailed("This runtime cannot mount a Drive. Use files.upload() or the Drive page instead.")
        if request.user_id != session.owner_id:
            raise RequestFailed("Only the owner of this runtime can mount their Drive in it.")
        readonly = bool(body.get("readonly"))
        try:
            consent = await self.ask_page(request, request_id, "drive_mount",
                                          {"mountpoint": str(body.get("mountpoint", "")), "readonly": readonly})
        except RequestFailed:
            raise RequestFailed(DRIVE_REFUSED) from None
        if not (consent is True or (isinstance(consent, dict) and consent.get("consent") is True)):
            raise RequestFailed(DRIVE_REFUSED)
        drive = session.documents.drive
        await asyncio.to_thread(drive.ensure_user_root, request.user_id)
        mydrive = await asyncio.to_thread(drive.local_path, request.user_id, "")
        try:
            # The owner's quota holds for what the kernel writes there (runtimes.drive_quota).
            socket_path = await session.backend.offer_drive(runtime, mydrive, readonly=readonly,
                                                            usage=lambda: usage(drive, request.user_id))
        except DriveMountError as exc:
            raise RequestFailed(str(exc)) from None
        return {"socket": socket_path}

    async def _unmount_drive(self, body: dict[str, Any]) -> dict[str, Any]:
        runtime = self.session.runtime
        if not self.session.backend.capabilities.drive or runtime is None:
            return {"unmounted": False}
        try:
            return {"unmounted": await self.session.backend.release_drive(runtime, str(body.get("path", "")))}
        except DriveMountError as exc:
            raise RequestFailed(str(exc)) from None
