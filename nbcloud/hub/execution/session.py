"""One notebook's execution: its runtime, the cell running in it, and where the kernel's
messages go.

The session composes parts that each do one job (see protocols.py): the run queue
(run_queue.py), the writer of outputs (output_writer.py), and the requests that need a person:
``input()`` (prompts.py), Colab requests (colab.py), a shell command's input box (shell.py),
widget comms (comms.py), ``invokeFunction`` (invoke.py). Here: starting and losing the runtime
(crash, restart, ``runtime.unassign()``), the one reader of the kernel's iopub, and the run of
one cell. Every task it starts is its own and ends with it (``close``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Coroutine
from typing import Any, Literal

from nbcloud.hub.documents.room import CellNotFound, DocumentClosed, LiveDocument
from nbcloud.hub.documents.service import DocumentService
from nbcloud.hub.execution.colab import ColabRequests
from nbcloud.hub.execution.comms import WidgetComms
from nbcloud.hub.execution.displays import DisplayIndex
from nbcloud.hub.execution.event_messages import RuntimeStatusEvent
from nbcloud.hub.execution.events import EventHub
from nbcloud.hub.execution.frame_comms import FrameComms
from nbcloud.hub.execution.introspection import SideRequests
from nbcloud.hub.execution.invoke import FunctionCalls
from nbcloud.hub.execution.kernel import connect
from nbcloud.hub.execution.output_writer import CallbackOutputs, OutputWriter
from nbcloud.hub.execution.outputs import crash_output, to_output
from nbcloud.hub.execution.prompts import InputPrompts
from nbcloud.hub.execution.protocols import KernelClient, Message, RunRequest
from nbcloud.hub.execution.run_queue import RunQueue
from nbcloud.hub.execution.scratch import help_pages
from nbcloud.hub.execution.shell import ShellInput
from nbcloud.hub.runtimes.backend import Runtime, RuntimeBackend
from nbcloud.hub.runtimes.pool import RuntimeLimitReached, RuntimePool
from nbcloud.hub.runtimes.start_line import ordinal
from nbcloud.hub.secrets.store import SecretStore

log = logging.getLogger("nbcloud.execution")

__all__ = ["KernelDied", "NotebookSession", "RunRequest", "RuntimeStatus", "RuntimeUnavailable", "StaleEdits"]


class StaleEdits(Exception):
    """A run asked for code the hub has not received yet (the page's edits never arrived)."""


class RuntimeUnavailable(Exception):
    """No runtime could be started for this notebook; the message says what to do."""


class KernelDied(Exception):
    """The runtime's kernel process ended under a running cell."""


def start_failed_message(exc: Exception) -> str:
    if isinstance(exc, RuntimeLimitReached):
        return str(exc)  # says which notebooks hold runtimes and how to close one
    why = str(exc).strip() or type(exc).__name__
    return (f"The runtime could not start ({why}). Run the cell again to retry; if it keeps failing, "
            "ask your administrator (the hub's log says why).")


RuntimeStatus = Literal["none", "starting", "idle", "busy", "dead"]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")


class NotebookSession:
    """Runs the cells of one notebook, one at a time, in the notebook's runtime."""

    def __init__(
        self, item_id: str, owner_id: int, documents: DocumentService, pool: RuntimePool, backend: RuntimeBackend,
        secrets: SecretStore,
    ) -> None:
        self.item_id = item_id
        self.owner_id = owner_id
        self.documents = documents
        self.secrets = secrets
        self.pool = pool
        self.backend = backend
        self.events = EventHub()
        self.runtime: Runtime | None = None
        self._client: KernelClient = None
        self.queue = RunQueue()
        self._worker: asyncio.Task[None] | None = None
        self._runtime_lock = asyncio.Lock()
        self._status: RuntimeStatus = "none"
        self._message: str | None = None
        self._place = 0  # place in the line of kernel starts while waiting (1 = next), else 0
        self._closed = False
        self._unassigning = False
        self._restarting = False  # a restart the person asked for: the kernel's exit is no crash
        self._background: set[asyncio.Task[None]] = set()
        # The requests that need a person, and invokeFunction; each gets this session as a SessionHandle.
        self.prompts = InputPrompts(self)
        self.shell = ShellInput(self)
        self.colab = ColabRequests(self, self.shell)
        self.functions = FunctionCalls(self)
        # Which cells show each display id, so a later cell's update_display_data redraws them.
        self.displays = DisplayIndex()
        self.callback_outputs = CallbackOutputs(documents, item_id, owner_id, self.displays)
        self.widgets = WidgetComms(self.events.publish, self.callback_outputs.add, self._widgets_changed)
        # The notebook's saves write the widget models its outputs show (documents.widget_state).
        documents.live_widgets[item_id] = self.widgets.saved_model
        # google.colab.kernel.comms of output frames (execution.frame_comms).
        self.frame_comms = FrameComms(self.events.publish, owner_id)
        # One reader of the kernel's iopub, always on: widget messages come between cells too.
        self._iopub_pump: asyncio.Task[None] | None = None
        self._cell_iopub: tuple[str, asyncio.Queue[Message]] | None = None  # the running request's messages
        # Completions, docs, variables and the scratch cell, on a second kernel client (execution.introspection).
        self.side = SideRequests(item_id, lambda: self.runtime if self._client is not None else None)

    def background(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run ``coro`` on its own, holding a reference until it ends; ``close`` cancels it."""
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    # ----- status -----------------------------------------------------------------------------

    @property
    def status(self) -> RuntimeStatus:
        return self._status

    @property
    def closed(self) -> bool:
        return self._closed

    def idle(self) -> bool:
        """Nothing running, waiting or asked of a person, and no page listening: the service may
        forget this session once its notebook and runtime are gone too."""
        return (self.queue.running is None and not self.queue and self.events.count == 0
                and (self._worker is None or self._worker.done()) and not self._background)

    def describe(self) -> RuntimeStatusEvent:
        running = self.queue.running
        return {
            "type": "runtime",
            "status": self._status,
            "message": f"Starting runtime ({ordinal(self._place)} in line)" if self._place else self._message,
            "place": self._place or None,
            "running": running.cell_id if running else None,
            "queued": self.queue.waiting_cells(),
        }

    def _set_status(self, status: RuntimeStatus, message: str | None = None) -> None:
        self._status = status
        if message is not None or status in ("idle", "busy"):
            self._message = message
        self.events.publish(self.describe())

    # ----- runtime ------------------------------------------------------------------------------

    async def ensure_runtime(self) -> Runtime:
        async with self._runtime_lock:
            if self.runtime is not None and self._client is not None:
                return self.runtime
            self._set_status("starting", self._message)
            try:
                runtime = await self.pool.acquire(self.owner_id, self.item_id, on_place=self._in_line)
                self.runtime = runtime
                self._client = await connect(runtime, alive=lambda: self.backend.is_alive(runtime))
            except asyncio.CancelledError:
                self._place = 0
                raise
            except Exception as exc:
                # Never leave the page on "starting" for ever: say what happened and what to do.
                if isinstance(exc, RuntimeLimitReached):
                    log.info("runtime of %s refused: %s", self.item_id, exc)
                else:
                    log.exception("the runtime of %s did not start", self.item_id)
                self._place = 0
                self.runtime = self._client = None
                self._set_status("dead", start_failed_message(exc))
                raise RuntimeUnavailable(start_failed_message(exc)) from exc
            self._iopub_pump = asyncio.create_task(self._pump_iopub(self._client), name=f"iopub-{self.item_id}")
            self._set_status("busy" if self.queue.running else "idle", self._message)
            return runtime

    def _in_line(self, place: int) -> None:
        """The pool moved this notebook's start in the line: every page on it hears its place."""
        self._place = place
        if self._status == "starting":
            self.events.publish(self.describe())

    def _widgets_changed(self) -> None:
        """A widget's state changed: the notebook's next autosave writes it (as after an edit)."""
        room = self.documents.get_open(self.item_id)
        if room is not None:
            room.request_save()

    def _drop_client(self) -> asyncio.Task[None] | None:
        """Let go of the kernel connection; returns the iopub reader, cancelled, to await."""
        pump, self._iopub_pump = self._iopub_pump, None
        if pump is not None:
            pump.cancel()
        if self.widgets.models:
            # Their last state stays in the notebook, so their outputs still draw once they are gone.
            try:
                self.documents.keep_widget_state(self.item_id)
            except Exception:
                log.exception("keeping the widget state of %s failed", self.item_id)
        self.widgets.reset()
        self.frame_comms.reset()
        self.callback_outputs.reset()
        self.side.drop()
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.stop_channels()
        self._client = None
        self.runtime = None
        return pump

    async def _pump_iopub(self, client: KernelClient) -> None:
        """Hands the running cell its request's messages; the rest are the widgets' (comms, and
        what their callbacks print)."""
        while True:
            msg: Message = await client.get_iopub_msg()
            self.displays.heard_from(msg["header"].get("session"))
            cell = self._cell_iopub
            if cell is not None and msg["parent_header"].get("msg_id") == cell[0]:
                cell[1].put_nowait(msg)
                continue
            try:
                if self.side.received(msg):  # a completion's busy/idle, a scratch cell's output
                    continue
                if self.frame_comms.received(msg):
                    continue
                if not self.widgets.received(msg) and msg["header"]["msg_type"] == "update_display_data":
                    await self._redraw_display(msg)
                if self.callback_outputs:
                    await self.callback_outputs.write()
            except Exception:  # one odd message must not stop the pump
                log.exception("handling a widget message of %s failed", self.item_id)

    async def _redraw_display(self, msg: Message) -> None:
        """A display updated outside any cell's run (a thread a finished cell started): redraw it
        wherever it is shown, as Jupyter does."""
        display_id = (msg["content"].get("transient") or {}).get("display_id")
        output = to_output("update_display_data", msg["content"])
        if not display_id or output is None:
            return
        with contextlib.suppress(CellNotFound, DocumentClosed):
            async with self.documents.hold(self.item_id, self.owner_id) as doc:
                self.displays.update(doc, str(display_id), output)

    def send_comm(self, message: dict[str, Any]) -> bool:
        """A page's comm_msg to a widget, sent to the kernel's shell channel."""
        client = self._client
        routed = self.widgets.from_page(message) if client is not None else None
        if routed is None:
            return False
        comm_id, data, buffers, msg_id = routed
        msg = client.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        msg["header"]["msg_id"] = msg_id
        msg["msg_id"] = msg_id
        client.session.send(client.shell_channel.socket, msg, buffers=buffers)
        if self.runtime is not None:
            self.runtime.touch()
        return True

    @property
    def kernel_client(self) -> KernelClient:
        """The kernel connection, or None while no runtime is connected."""
        return self._client

    # ----- the queue ----------------------------------------------------------------------------

    async def enqueue(self, cell_ids: list[str], user_id: int, after_state: bytes | None = None) -> list[str]:
        """Queue code cells to run. ``after_state``: the Y state vector of the page that asks;
        the cells wait until the document holds what that page had typed (StaleEdits if it
        never comes)."""
        doc = await self.documents.open(self.item_id, self.owner_id)
        if after_state is not None and not await doc.wait_for_state(after_state):
            raise StaleEdits()
        queued = []
        for cell_id in cell_ids:
            if doc.cell_type(cell_id) != "code":  # raises CellNotFound
                continue
            if not self.queue.add(cell_id, user_id):
                continue
            doc.set_execution_state(cell_id, "queued")
            queued.append(cell_id)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name=f"execute-{self.item_id}")
        self.events.publish(self.describe())
        return queued

    async def _work(self) -> None:
        async with self.documents.hold(self.item_id, self.owner_id) as doc:
            while self.queue and not self._closed:
                request = self.queue.start_next()
                try:
                    await self._run_cell(doc, request)
                except (CellNotFound, DocumentClosed):
                    pass
                except KernelDied as died:
                    if self._unassigning:
                        self._on_unassigned(doc, request)
                    elif self._restarting:
                        with contextlib.suppress(CellNotFound, DocumentClosed):
                            doc.set_execution_state(request.cell_id, "idle")
                    else:
                        self._on_crash(doc, request, str(died))
                except Exception:  # keep the queue alive whatever one cell does
                    log.exception("running cell %s of %s failed", request.cell_id, self.item_id)
                    with contextlib.suppress(Exception):
                        doc.set_execution_state(request.cell_id, "idle")
                finally:
                    self.queue.finished(request)
            if self._status == "busy":
                self._set_status("idle")

    def _set_idle(self, doc: LiveDocument, requests: list[RunRequest]) -> None:
        for request in requests:
            with contextlib.suppress(CellNotFound, DocumentClosed):
                doc.set_execution_state(request.cell_id, "idle")

    def _on_crash(self, doc: LiveDocument, request: RunRequest, message: str) -> None:
        with contextlib.suppress(CellNotFound, DocumentClosed):
            doc.append_output(request.cell_id, crash_output(message))
            doc.set_execution_state(request.cell_id, "idle")
        # Cells waiting behind the crash would run in a fresh, empty runtime: drop them.
        self._set_idle(doc, self.queue.drop_all())
        self._drop_client()
        self._set_status("dead", message)
        # Restart at once so the next run finds a runtime ready.
        self.background(self._restart_after_crash(message))

    async def unassign(self) -> None:
        """``runtime.unassign()``: throw the runtime away; the next run gets a fresh one."""
        self._unassigning = True
        await self.pool.release(self.owner_id, self.item_id)

    def _on_unassigned(self, doc: LiveDocument, request: RunRequest) -> None:
        self._unassigning = False
        self._set_idle(doc, [request, *self.queue.drop_all()])
        self._drop_client()
        self._set_status("none", "The runtime was disconnected and deleted (runtime.unassign()). "
                         "Run a cell to get a new one.")

    async def _restart_after_crash(self, message: str) -> None:
        with contextlib.suppress(Exception):
            await self.ensure_runtime()
            self._set_status("idle", message)

    async def _run_cell(self, doc: LiveDocument, request: RunRequest) -> None:
        try:
            runtime = await self.ensure_runtime()
        except RuntimeUnavailable as unavailable:
            with doc.transaction():
                doc.append_output(request.cell_id, {
                    "output_type": "error", "ename": "RuntimeUnavailable", "evalue": str(unavailable),
                    "traceback": [f"\x1b[0;31mRuntimeUnavailable\x1b[0m: {unavailable}"],
                })
                doc.set_execution_state(request.cell_id, "idle")
            return
        client = self._client
        cell_id = request.cell_id
        code = doc.cell_source(cell_id)
        with doc.transaction():
            doc.clear_outputs(cell_id)
            doc.set_execution_count(cell_id, None)
            doc.set_execution_state(cell_id, "running")
            doc.set_cell_metadata(cell_id, "execution", {"iopub.status.busy": _now()})
        self._set_status("busy")
        runtime.touch()
        msg_id: str = client.execute(code, store_history=True, allow_stdin=True, stop_on_error=True)
        cell_iopub: asyncio.Queue[Message] = asyncio.Queue()
        self._cell_iopub = (msg_id, cell_iopub)
        self.callback_outputs.cell_runs(cell_id)
        timing: dict[str, str] = {"iopub.status.busy": _now()}
        outputs = OutputWriter(doc, cell_id, self.displays)
        # The cells queued when the error was shown; one queued after the user saw it still runs.
        queued_at_error: list[RunRequest] | None = None

        async def iopub() -> None:
            nonlocal queued_at_error
            while True:
                msg = await cell_iopub.get()
                runtime.touch()
                if self.frame_comms.received(msg, request.user_id, cell_id) or self.widgets.received(msg, cell_id):
                    continue
                kind, content = msg["header"]["msg_type"], msg["content"]
                if kind == "status" and content.get("execution_state") == "idle":
                    timing["iopub.status.idle"] = _now()
                    return
                if kind == "execute_input":
                    timing["iopub.execute_input"] = _now()
                    doc.set_execution_count(cell_id, content.get("execution_count"))
                elif kind == "clear_output":
                    outputs.clear(wait=bool(content.get("wait")), tags=content.get("output_tags") or ())
                elif kind == "colab_request":
                    self.colab.received(request, msg, client)
                else:
                    if kind == "error":
                        queued_at_error = self.queue.waiting()
                    outputs.add(kind, content)

        async def shell() -> Message:
            while True:
                reply: Message = await client.get_shell_msg()
                if reply["parent_header"].get("msg_id") == msg_id:
                    timing["shell.execute_reply"] = _now()
                    return reply

        async def stdin() -> Message:
            while True:
                msg = await client.get_stdin_msg()
                if msg["parent_header"].get("msg_id") != msg_id or msg["header"]["msg_type"] != "input_request":
                    continue
                value = await self.prompts.ask(request, msg["content"])
                client.input(value)

        async def died() -> Message:
            info = await self.backend.wait(runtime)
            raise KernelDied(info.message if info else "the runtime stopped")

        async def finished() -> Message:
            reply_task = asyncio.ensure_future(shell())
            try:
                await iopub()
                return await reply_task
            finally:
                reply_task.cancel()

        tasks = [asyncio.ensure_future(c) for c in (finished(), stdin(), died())]
        try:
            done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            reply = done.pop().result()  # re-raises KernelDied
        finally:
            for task in tasks:
                task.cancel()
            # Each of them ends at its next await; wait for that, so none outlives the cell.
            await asyncio.gather(*tasks, return_exceptions=True)
            self._cell_iopub = None
            self.prompts.cell_ended(request)
            self.colab.cancel_all()
            self.shell.cell_ended(request)
        # `obj?`, `%pinfo`: IPython's pager sends its page in the reply, never as an output; it goes
        # to the side pager of the person who ran the cell.
        for page in help_pages(reply["content"]):
            self.events.publish({"type": "help", "cell_id": cell_id, "data": page}, user_id=request.user_id)
        with doc.transaction():
            count = reply["content"].get("execution_count")
            if count is not None:
                doc.set_execution_count(cell_id, count)
            doc.set_cell_metadata(cell_id, "execution", timing)
            doc.set_execution_state(cell_id, "idle")
        if reply["content"].get("status") == "error":
            # Like Jupyter's "Run all": an error stops the cells queued after it.
            self._set_idle(doc, self.queue.stop_after_error(queued_at_error))

    # ----- answers from pages -------------------------------------------------------------------

    def answer_input(self, user_id: int, value: str) -> bool:
        """The browser's reply to an input() prompt; only the user who ran the cell may answer."""
        return self.prompts.answer(self.queue.running, user_id, value)

    def answer_colab(self, user_id: int, message: dict[str, Any]) -> bool:
        """A page's ``colab_reply`` (see execution.colab)."""
        return self.colab.answer(user_id, message)

    def answer_shell(self, user_id: int, message: dict[str, Any]) -> bool:
        """A page's ``shell_stdin_reply``: typed into the running shell command (see execution.shell)."""
        return self.shell.answer(user_id, message)

    # ----- controls -----------------------------------------------------------------------------

    async def interrupt(self) -> None:
        if self.runtime is not None:
            await self.backend.interrupt(self.runtime)

    async def restart(self) -> None:
        """A fresh kernel: empty namespace, queue dropped, the running cell stopped; /content and
        installs stay. A cell run after the restart was asked for waits for the new kernel."""
        # What to stop is decided now, before anything awaits: later runs are for the new kernel.
        self._restarting = True
        stopped = self.queue.drop_all()
        if self.queue.running is not None:
            stopped.append(self.queue.running)
        worker, self._worker = self._worker, None
        if worker is not None and not worker.done():
            worker.cancel()
        try:
            # Holding the runtime lock keeps new runs in ensure_runtime() until the kernel is new.
            async with self._runtime_lock:
                if worker is not None:
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await worker
                async with self.documents.hold(self.item_id, self.owner_id) as doc:
                    self._set_idle(doc, stopped)
                runtime = self.runtime
                if runtime is not None:
                    self._set_status("starting")
                    pump = self._drop_client()
                    if pump is not None:
                        await asyncio.gather(pump, return_exceptions=True)
                    await self.backend.restart(runtime)
        finally:
            self._restarting = False
        await self.ensure_runtime()

    async def close(self) -> None:
        """Stop everything this session started, and wait until it has stopped."""
        self._closed = True
        self.queue.drop_all()
        owned: list[asyncio.Task[None]] = list(self._background)
        if self._worker is not None:
            owned.append(self._worker)
        for task in owned:
            task.cancel()
        await asyncio.gather(*owned, return_exceptions=True)
        await self.colab.close()
        self.functions.close()
        pump = self._drop_client()
        if pump is not None:
            await asyncio.gather(pump, return_exceptions=True)
        if self.documents.live_widgets.get(self.item_id) == self.widgets.saved_model:
            del self.documents.live_widgets[self.item_id]
