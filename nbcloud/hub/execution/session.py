"""One notebook's execution: its runtime, its queue of cells, and where outputs go."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from nbcloud.hub.documents.room import CellNotFound, DocumentClosed
from nbcloud.hub.execution.colab import ColabRequests
from nbcloud.hub.execution.comms import WidgetComms
from nbcloud.hub.execution.events import EventHub
from nbcloud.hub.execution.invoke import FunctionCalls
from nbcloud.hub.execution.kernel import connect
from nbcloud.hub.execution.outputs import crash_output, to_output
from nbcloud.hub.execution.shell import ShellInput
from nbcloud.hub.runtimes.backend import Runtime, RuntimeBackend
from nbcloud.hub.runtimes.pool import RuntimeLimitReached
from nbcloud.hub.runtimes.start_line import ordinal

if TYPE_CHECKING:
    from nbcloud.hub.secrets.store import SecretStore
    from nbcloud.hub.documents.service import DocumentService
    from nbcloud.hub.runtimes.pool import RuntimePool

log = logging.getLogger("nbcloud.execution")


class StaleEdits(Exception):
    """A run asked for code the hub has not received yet (the page's edits never arrived)."""


class RuntimeUnavailable(Exception):
    """No runtime could be started for this notebook; the message says what to do."""


def start_failed_message(exc: Exception) -> str:
    if isinstance(exc, RuntimeLimitReached):
        return str(exc)  # says which notebooks hold runtimes and how to close one
    why = str(exc).strip() or type(exc).__name__
    return (f"The runtime could not start ({why}). Run the cell again to retry; if it keeps failing, "
            "ask your administrator (the hub's log says why).")

RuntimeStatus = Literal["none", "starting", "idle", "busy", "dead"]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat().replace("+00:00", "Z")


@dataclass
class RunRequest:
    cell_id: str
    user_id: int


class KernelDied(Exception):
    pass


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
        self._client: Any = None
        self._queue: deque[RunRequest] = deque()
        self._wakeup = asyncio.Event()
        self._worker: asyncio.Task | None = None
        self._runtime_lock = asyncio.Lock()
        self._running: RunRequest | None = None
        self._input_replies: dict[int, asyncio.Future[str]] = {}
        self._status: RuntimeStatus = "none"
        self._message: str | None = None
        self._place = 0  # place in the line of kernel starts while waiting (1 = next), else 0
        self._closed = False
        self.colab = ColabRequests(self)
        self.shell = ShellInput(self)
        self.functions = FunctionCalls(self)
        self._unassigning = False
        self._restarting = False  # a restart the person asked for: the kernel's exit is no crash
        self._background: set[asyncio.Task] = set()
        self.widgets = WidgetComms(self.events.publish, self._callback_output, self._widgets_changed)
        # The notebook's saves write the widget models its outputs show (documents.widget_state).
        documents.live_widgets[item_id] = self.widgets.saved_model
        # One reader of the kernel's iopub, always on: widget messages come between cells too.
        self._iopub_pump: asyncio.Task | None = None
        self._cell_iopub: tuple[str, asyncio.Queue] | None = None  # the running request's messages
        self._callback_outputs: list[tuple[str, str, dict[str, Any]]] = []
        self._callback_writers: dict[str, _OutputWriter] = {}

    def background(self, coro) -> asyncio.Task:
        """Run ``coro`` on its own, holding a reference until it ends."""
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    # ----- status -----------------------------------------------------------------------------

    @property
    def status(self) -> RuntimeStatus:
        return self._status

    def describe(self) -> dict[str, Any]:
        return {
            "type": "runtime",
            "status": self._status,
            "message": f"Starting runtime ({ordinal(self._place)} in line)" if self._place else self._message,
            "place": self._place or None,
            "running": self._running.cell_id if self._running else None,
            "queued": [r.cell_id for r in self._queue],
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
                self.runtime, self._client = runtime, await connect(runtime, alive=lambda: self.backend.is_alive(runtime))
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
            self._set_status("busy" if self._running else "idle", self._message)
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

    def _drop_client(self) -> None:
        if self._iopub_pump is not None:
            self._iopub_pump.cancel()
            self._iopub_pump = None
        if self.widgets.models:
            # Their last state stays in the notebook, so their outputs still draw once they are gone.
            try:
                self.documents.keep_widget_state(self.item_id)
            except Exception:
                log.exception("keeping the widget state of %s failed", self.item_id)
        self.widgets.reset()
        self._callback_writers.clear()
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.stop_channels()
        self._client = None
        self.runtime = None

    async def _pump_iopub(self, client: Any) -> None:
        """Hands the running cell its request's messages; the rest are the widgets' (comms, and
        what their callbacks print)."""
        while True:
            msg = await client.get_iopub_msg()
            cell = self._cell_iopub
            if cell is not None and msg["parent_header"].get("msg_id") == cell[0]:
                cell[1].put_nowait(msg)
                continue
            try:
                self.widgets.received(msg)
                if self._callback_outputs:
                    await self._write_callback_outputs()
            except Exception:  # one odd message must not stop the pump
                log.exception("handling a widget message of %s failed", self.item_id)

    def _callback_output(self, cell_id: str, kind: str, content: dict[str, Any]) -> None:
        self._callback_outputs.append((cell_id, kind, content))

    async def _write_callback_outputs(self) -> None:
        pending, self._callback_outputs = self._callback_outputs, []
        async with self.documents.hold(self.item_id, self.owner_id) as doc:
            for cell_id, kind, content in pending:
                writer = self._callback_writers.get(cell_id)
                if writer is None or writer.doc is not doc:
                    writer = self._callback_writers[cell_id] = _OutputWriter(doc, cell_id)
                    # A callback adds to what the cell already shows.
                    with contextlib.suppress(CellNotFound):
                        shown = doc.get_cell(cell_id).get("outputs", [])
                        writer.count, writer.tags = len(shown), [frozenset()] * len(shown)
                        last = shown[-1] if shown else {}
                        writer.last_stream = last.get("name") if last.get("output_type") == "stream" else None
                with contextlib.suppress(CellNotFound, DocumentClosed):
                    if kind == "clear_output":
                        writer.clear(wait=bool(content.get("wait")))
                    else:
                        writer.add(kind, content)

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
            if any(r.cell_id == cell_id for r in self._queue):
                continue
            self._queue.append(RunRequest(cell_id, user_id))
            doc.set_execution_state(cell_id, "queued")
            queued.append(cell_id)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name=f"execute-{self.item_id}")
        self._wakeup.set()
        self.events.publish(self.describe())
        return queued

    async def _work(self) -> None:
        async with self.documents.hold(self.item_id, self.owner_id) as doc:
            while self._queue and not self._closed:
                request = self._queue.popleft()
                self._running = request
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
                    if self._running is request:  # a restart may have started another worker
                        self._running = None
            if self._status == "busy":
                self._set_status("idle")

    def _on_crash(self, doc, request: RunRequest, message: str) -> None:
        with contextlib.suppress(CellNotFound, DocumentClosed):
            doc.append_output(request.cell_id, crash_output(message))
            doc.set_execution_state(request.cell_id, "idle")
        # Cells waiting behind the crash would run in a fresh, empty runtime: drop them.
        for waiting in self._queue:
            with contextlib.suppress(CellNotFound, DocumentClosed):
                doc.set_execution_state(waiting.cell_id, "idle")
        self._queue.clear()
        self._drop_client()
        self._set_status("dead", message)
        # Restart at once so the next run finds a runtime ready.
        asyncio.create_task(self._restart_after_crash(message))

    async def unassign(self) -> None:
        """``runtime.unassign()``: throw the runtime away; the next run gets a fresh one."""
        self._unassigning = True
        await self.pool.release(self.owner_id, self.item_id)

    def _on_unassigned(self, doc, request: RunRequest) -> None:
        self._unassigning = False
        for cell in [request, *self._queue]:
            with contextlib.suppress(CellNotFound, DocumentClosed):
                doc.set_execution_state(cell.cell_id, "idle")
        self._queue.clear()
        self._drop_client()
        self._set_status("none", "The runtime was disconnected and deleted (runtime.unassign()). "
                         "Run a cell to get a new one.")

    async def _restart_after_crash(self, message: str) -> None:
        with contextlib.suppress(Exception):
            await self.ensure_runtime()
            self._set_status("idle", message)

    async def _run_cell(self, doc, request: RunRequest) -> None:
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
        msg_id = client.execute(code, store_history=True, allow_stdin=True, stop_on_error=True)
        cell_iopub: asyncio.Queue = asyncio.Queue()
        self._cell_iopub = (msg_id, cell_iopub)
        self._callback_writers.pop(cell_id, None)
        timing: dict[str, str] = {"iopub.status.busy": _now()}
        outputs = _OutputWriter(doc, cell_id)
        # The cells queued when the error was shown; one queued after the user saw it still runs.
        queued_at_error: list[RunRequest] | None = None

        async def iopub() -> None:
            while True:
                msg = await cell_iopub.get()
                runtime.touch()
                if self.widgets.received(msg, cell_id):
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
                        nonlocal queued_at_error
                        queued_at_error = list(self._queue)
                    outputs.add(kind, content)

        async def shell() -> dict[str, Any]:
            while True:
                reply = await client.get_shell_msg()
                if reply["parent_header"].get("msg_id") == msg_id:
                    timing["shell.execute_reply"] = _now()
                    return reply

        async def stdin() -> None:
            while True:
                msg = await client.get_stdin_msg()
                if msg["parent_header"].get("msg_id") != msg_id or msg["header"]["msg_type"] != "input_request":
                    continue
                value = await self._ask(request, msg["content"])
                client.input(value)

        async def died() -> None:
            info = await self.backend.wait(runtime)
            raise KernelDied(info.message if info else "the runtime stopped")

        async def finished() -> dict[str, Any]:
            reply_task = asyncio.ensure_future(shell())
            await iopub()
            return await reply_task

        tasks = [asyncio.ensure_future(c) for c in (finished(), stdin(), died())]
        try:
            done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            first = done.pop()
            reply = first.result()  # re-raises KernelDied
        finally:
            for task in tasks:
                task.cancel()
            self._cell_iopub = None
            self._cancel_inputs(request)
            self.colab.cancel_all()
            self.shell.cell_ended(request)
        with doc.transaction():
            count = reply["content"].get("execution_count")
            if count is not None:
                doc.set_execution_count(cell_id, count)
            doc.set_cell_metadata(cell_id, "execution", timing)
            doc.set_execution_state(cell_id, "idle")
        if reply["content"].get("status") == "error":
            # Like Jupyter's "Run all": an error stops the cells queued after it.
            stopped = list(self._queue) if queued_at_error is None else queued_at_error
            for waiting in stopped:
                with contextlib.suppress(CellNotFound, DocumentClosed, ValueError):
                    self._queue.remove(waiting)
                    doc.set_execution_state(waiting.cell_id, "idle")

    # ----- input() --------------------------------------------------------------------------------

    async def _ask(self, request: RunRequest, content: dict[str, Any]) -> str:
        loop = asyncio.get_running_loop()
        key = id(request)
        future: asyncio.Future[str] = loop.create_future()
        self._input_replies[key] = future
        self.events.publish(
            {"type": "input_request", "cell_id": request.cell_id, "prompt": content.get("prompt", ""),
             "password": bool(content.get("password"))},
            user_id=request.user_id,
        )
        return await future

    def answer_input(self, user_id: int, value: str) -> bool:
        """The browser's reply to an input() prompt; only the user who ran the cell may answer."""
        request = self._running
        if request is None or request.user_id != user_id:
            return False
        future = self._input_replies.pop(id(request), None)
        if future is None or future.done():
            return False
        future.set_result(value)
        self.events.publish({"type": "input_done", "cell_id": request.cell_id}, user_id=user_id)
        return True

    def _cancel_inputs(self, request: RunRequest) -> None:
        future = self._input_replies.pop(id(request), None)
        if future is not None and not future.done():
            future.cancel()
            self.events.publish({"type": "input_done", "cell_id": request.cell_id}, user_id=request.user_id)

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
        stopped = [r.cell_id for r in self._queue]
        self._queue.clear()
        if self._running is not None:
            stopped.append(self._running.cell_id)
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
                    for cell_id in stopped:
                        with contextlib.suppress(CellNotFound, DocumentClosed):
                            doc.set_execution_state(cell_id, "idle")
                runtime = self.runtime
                if runtime is not None:
                    self._set_status("starting")
                    self._drop_client()
                    await self.backend.restart(runtime)
        finally:
            self._restarting = False
        await self.ensure_runtime()

    async def close(self) -> None:
        self._closed = True
        self._queue.clear()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._worker
        self.functions.close()
        self._drop_client()
        if self.documents.live_widgets.get(self.item_id) == self.widgets.saved_model:
            del self.documents.live_widgets[self.item_id]


class _OutputWriter:
    """Writes one run's outputs into the document, honouring clear_output(wait=True),
    update_display_data and Colab's output tags (``google.colab.output.use_tags`` marks the
    outputs that follow; ``clear_output`` with ``output_tags`` removes only those)."""

    def __init__(self, doc, cell_id: str) -> None:
        self.doc = doc
        self.cell_id = cell_id
        self.clear_pending = False
        self.display_ids: dict[str, list[int]] = {}
        self.count = 0
        self.last_stream: str | None = None
        self.active_tags: set[str] = set()
        self.tags: list[frozenset[str]] = []  # per output in the document, in order

    def clear(self, wait: bool, tags: Any = ()) -> None:
        if tags:
            self._clear_tagged(frozenset(str(t) for t in tags))
        elif wait:
            self.clear_pending = True
        else:
            self._clear_now()

    def _clear_now(self) -> None:
        self.doc.clear_outputs(self.cell_id)
        self.clear_pending = False
        self.display_ids.clear()
        self.count = 0
        self.last_stream: str | None = None
        self.tags = []

    def _clear_tagged(self, wanted: frozenset[str]) -> None:
        current = self.doc.get_cell(self.cell_id).get("outputs", [])
        keep = [i for i in range(len(current)) if not (i < len(self.tags) and wanted <= self.tags[i])]
        if len(keep) == len(current):
            return
        moved = {old: new for new, old in enumerate(keep)}
        self.doc.set_outputs(self.cell_id, [current[i] for i in keep])
        self.tags = [self.tags[i] for i in keep if i < len(self.tags)]
        self.display_ids = {d: [moved[i] for i in idx if i in moved] for d, idx in self.display_ids.items()}
        self.count = len(keep)
        self.last_stream = None

    def add(self, kind: str, content: dict[str, Any]) -> None:
        area = (content.get("metadata") or {}).get("outputarea") if kind == "display_data" else None
        if isinstance(area, dict) and area.get("nodisplay"):
            self.active_tags.update(str(t) for t in area.get("add_tags") or ())
            self.active_tags.difference_update(str(t) for t in area.get("remove_tags") or ())
            return
        output = to_output(kind, content)
        if output is None:
            return
        display_id = (content.get("transient") or {}).get("display_id")
        if kind == "update_display_data":
            if display_id in self.display_ids:
                current = self.doc.get_cell(self.cell_id).get("outputs", [])
                for index in self.display_ids[display_id]:
                    if index < len(current):
                        current[index] = output
                self.doc.set_outputs(self.cell_id, current)
            return
        stream = output.get("name") if kind == "stream" else None
        tags = frozenset(self.active_tags)
        with self.doc.transaction():
            if self.clear_pending:
                self._clear_now()
            if stream is not None and stream == self.last_stream and self.tags and self.tags[-1] != tags:
                # Text under other tags must stay a separate output, so it can be cleared alone.
                self.doc.set_outputs(self.cell_id, [*self.doc.get_cell(self.cell_id).get("outputs", []), output])
                new_output = True
            else:
                # The document merges consecutive text of one stream into one output, as Jupyter does.
                new_output = self.doc.append_output(self.cell_id, output)
        if new_output:
            self.count += 1
            self.tags.append(tags)
        self.last_stream = stream
        after = self.count
        if display_id:
            self.display_ids.setdefault(display_id, []).append(after - 1)
