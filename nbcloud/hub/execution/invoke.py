"""``google.colab.kernel.invokeFunction`` from an output: a registered Python callback, run in the
notebook's kernel without showing up as a cell run.

As in Colab the page asks (event ``{"type": "invoke_function", "request_id", "cell_id", "name",
"args", "kwargs"}``) and the hub calls ``google.colab.output._js._invoke_function`` in the kernel,
silently (no execution count, no history). It goes through a kernel client of its own, so the
running cell's client never sees (and drops) its messages; the kernel queues it after the running
cell. What the callback prints or displays lands in the outputs of the cell whose output called
it, as in Colab; its return value comes back as a MIME bundle ``{"data", "metadata"}`` (return
``IPython.display.JSON(...)`` for structured values), or an error message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from nbcloud.hub.documents.room import CellNotFound, DocumentClosed
from nbcloud.hub.execution.kernel import connect
from nbcloud.hub.execution.output_writer import OutputWriter
from nbcloud.hub.execution.protocols import KernelClient, SessionHandle
from nbcloud.hub.runtimes.backend import Runtime

log = logging.getLogger("nbcloud.execution.invoke")

MAX_NAME = 256


class InvokeFailed(Exception):
    """The call failed; the message says why and what to do."""


def invocation(name: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    """The expression the kernel evaluates (as a user expression, so its value comes back formatted)."""
    return (
        "__import__('google.colab.output._js', fromlist=['_invoke_function'])._invoke_function("
        f"{json.dumps(name)}, {json.dumps(json.dumps(args))}, {json.dumps(json.dumps(kwargs))})"
    )


class FunctionCalls:
    """Invocations for one notebook session, one at a time, through their own kernel client."""

    def __init__(self, session: SessionHandle) -> None:
        self.session = session
        self._client: KernelClient = None
        self._runtime: Runtime | None = None
        self._lock = asyncio.Lock()

    async def invoke(self, cell_id: str, name: Any, args: Any, kwargs: Any) -> dict[str, Any]:
        if not isinstance(name, str) or not name or len(name) > MAX_NAME:
            raise InvokeFailed("invokeFunction needs the name of a function registered with output.register_callback.")
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise InvokeFailed("invokeFunction takes (name, args: array, kwargs: object).")
        code = invocation(name, args, kwargs)
        async with self._lock:
            client = await self._connected()
            try:
                return await self._run(client, cell_id, code)
            except (asyncio.CancelledError, InvokeFailed):
                raise
            except Exception as exc:  # noqa: BLE001 - whatever broke, the page hears why and what to do
                self._drop()
                raise InvokeFailed(f"The runtime did not answer ({exc}). Run a cell, then try again.") from None

    async def _connected(self) -> KernelClient:
        runtime = await self.session.ensure_runtime()
        if self._client is None or self._runtime is not runtime:
            self._drop()
            self._client, self._runtime = await connect(runtime), runtime
        return self._client

    def _drop(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.stop_channels()
        self._client = self._runtime = None

    async def _run(self, client: KernelClient, cell_id: str, code: str) -> dict[str, Any]:
        msg_id = client.execute("", silent=True, store_history=False, allow_stdin=False,
                                user_expressions={"result": code})
        outputs: list[tuple[str, dict[str, Any]]] = []

        async def iopub() -> None:
            while True:
                msg = await client.get_iopub_msg()
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                kind, content = msg["header"]["msg_type"], msg["content"]
                if kind == "status" and content.get("execution_state") == "idle":
                    return
                if kind in ("stream", "display_data", "error"):
                    outputs.append((kind, content))

        async def shell() -> dict[str, Any]:
            while True:
                reply: dict[str, Any] = await client.get_shell_msg()
                if reply["parent_header"].get("msg_id") == msg_id:
                    return reply

        reply_task = asyncio.ensure_future(shell())
        try:
            await iopub()
            reply = await reply_task
        finally:
            reply_task.cancel()
        await self._write_outputs(cell_id, outputs)
        content = reply["content"]
        if content.get("status") != "ok":
            raise InvokeFailed(f"{content.get('ename', 'Error')}: {content.get('evalue', '')}")
        result = (content.get("user_expressions") or {}).get("result") or {}
        if result.get("status") != "ok":
            raise InvokeFailed(f"{result.get('ename', 'Error')}: {result.get('evalue', '')}")
        return {"data": result.get("data") or {}, "metadata": result.get("metadata") or {}}

    async def _write_outputs(self, cell_id: str, outputs: list[tuple[str, dict[str, Any]]]) -> None:
        """What the callback printed goes under the output that called it."""
        if not outputs:
            return
        session = self.session
        with contextlib.suppress(CellNotFound, DocumentClosed):
            async with session.documents.hold(session.item_id, session.owner_id) as doc:
                doc.get_cell(cell_id)  # raises CellNotFound for a cell that is gone
                writer = OutputWriter(doc, cell_id, session.displays)
                for kind, content in outputs:
                    writer.add(kind, content)

    def close(self) -> None:
        self._drop()
