"""Requests to the runtime beside the cells' runs: completions, docs, the variable list, a
DataFrame's table view and the scratch cell's code (execution.scratch).

They go on a second kernel client of the notebook's session, with its shell channel only; its
replies are matched to their requests by parent msg_id. Never on the cells' client, whose shell
replies only the running cell reads. Their iopub messages (busy/idle, and the scratch cell's
outputs) come to the session's one iopub reader, which hands them here (``received``): they are
told apart by the side client's Jupyter session id, so they never reach the running cell or the
widgets. The side client is made on the first request for a runtime and dropped with the cells'
client (restart, crash, unassign). Nothing here starts a runtime: with none, "no runtime".

Variables and the DataFrame view are one silent execute request each (``silent=True,
store_history=False``, no code) whose user expression calls the runtime's
google.colab._variable_inspector: the user's namespace, history and execution count stay as
they were.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import keyword
import logging
from collections.abc import Callable
from typing import Any

from nbcloud.hub.execution.event_messages import CompletionItem, VariableInfo
from nbcloud.hub.execution.outputs import to_output
from nbcloud.hub.execution.protocols import KernelClient, Message
from nbcloud.hub.runtimes.backend import Runtime

log = logging.getLogger("nbcloud.execution.introspection")

# How long a completion, docs or variables request waits for the kernel: longer means a cell
# holds the kernel (the kernel answers one request at a time).
SIDE_TIMEOUT_SECONDS = 10.0
# After a scratch run's reply: how long its last outputs may take to arrive on iopub.
SCRATCH_OUTPUT_GRACE_SECONDS = 5.0

_DOC_TYPES = ("text/plain", "text/html", "text/markdown")

NO_RUNTIME = "no runtime"
BUSY = "the runtime is busy"
RESTARTED = "the runtime restarted"

_INSPECTOR = "__import__('google.colab._variable_inspector', fromlist=['snapshot'])"
# What a scratch cell shows (update_display_data and clear_output are not kept: it has no displays).
_SCRATCH_OUTPUTS = frozenset({"stream", "display_data", "execute_result", "error"})


class SideRequestFailed(Exception):
    """The runtime could not be asked (none, busy, restarted) or said no; the message says which."""


def is_variable_name(name: str) -> bool:
    """A Python identifier that is not a keyword: the only thing put into a user expression."""
    return name.isidentifier() and not keyword.iskeyword(name) and len(name) <= 255


class _ScratchRun:
    def __init__(self, emit: Callable[[dict[str, Any]], None]) -> None:
        self.emit = emit
        self.idle = asyncio.Event()


class SideRequests:
    """The side kernel client of one notebook session, and the requests waiting on it."""

    def __init__(self, item_id: str, runtime: Callable[[], Runtime | None]) -> None:
        self.item_id = item_id
        self._runtime_now = runtime  # the session's connected runtime, or None
        self._client: KernelClient = None
        self._runtime: Runtime | None = None
        self._reader: asyncio.Task[None] | None = None
        self._waiting: dict[str, asyncio.Future[Message]] = {}
        self._sessions: set[str] = set()  # Jupyter session ids of the side clients of this runtime
        self._scratch: dict[str, _ScratchRun] = {}
        self._scratch_guarded = False  # the runtime keeps a scratch run's result out of `_`/Out

    # ----- the client ---------------------------------------------------------------------------

    def _client_now(self) -> KernelClient:
        runtime = self._runtime_now()
        if runtime is None:
            raise SideRequestFailed(NO_RUNTIME)
        if self._client is None or self._runtime is not runtime:
            self.drop()
            client = runtime.client()
            client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
            self._client, self._runtime = client, runtime
            self._sessions.add(client.session.session)
            self._reader = asyncio.create_task(self._read(client), name=f"side-shell-{self.item_id}")
        runtime.touch()
        return self._client

    async def _read(self, client: KernelClient) -> None:
        while True:
            try:
                reply: Message = await client.get_shell_msg()
            except asyncio.CancelledError:
                raise
            except Exception:  # the channel closed under it
                log.debug("the side client of %s stopped reading", self.item_id, exc_info=True)
                return
            future = self._waiting.pop(reply["parent_header"].get("msg_id", ""), None)
            if future is not None and not future.done():
                future.set_result(reply)

    def drop(self) -> None:
        """The runtime went (restart, crash, unassign): let go of its side client; what waits fails."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
        client, self._client, self._runtime = self._client, None, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.stop_channels()
        self._sessions.clear()
        self._scratch_guarded = False
        waiting, self._waiting = self._waiting, {}
        for future in waiting.values():
            if not future.done():
                future.set_exception(SideRequestFailed(RESTARTED))
        for run in self._scratch.values():
            run.idle.set()
        self._scratch.clear()

    async def _ask(self, send: Callable[[KernelClient], str], timeout: float | None,
                   scratch: _ScratchRun | None = None) -> Message:
        """Send one request (``send`` returns its msg_id) and wait for its shell reply."""
        client = self._client_now()
        msg_id = send(client)
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._waiting[msg_id] = future
        if scratch is not None:
            self._scratch[msg_id] = scratch
        try:
            reply = await asyncio.wait_for(future, timeout)
            if scratch is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(scratch.idle.wait(), SCRATCH_OUTPUT_GRACE_SECONDS)
            return reply
        except TimeoutError:
            raise SideRequestFailed(BUSY) from None
        finally:
            self._waiting.pop(msg_id, None)
            self._scratch.pop(msg_id, None)
            if self._runtime is not None:
                self._runtime.touch()

    # ----- iopub, from the session's reader -----------------------------------------------------

    def received(self, msg: Message) -> bool:
        """True when ``msg`` is a side request's (handled here); False for the session's own.

        A scratch run's outputs go to its page; its widgets' comm messages are the widgets'
        (False). Busy/idle of completions, docs and variables is dropped."""
        parent = msg.get("parent_header") or {}
        if not self._sessions or parent.get("session") not in self._sessions:
            return False
        kind: str = msg["header"]["msg_type"]
        if kind.startswith("comm_"):
            return False
        run = self._scratch.get(parent.get("msg_id", ""))
        if run is None:
            return True
        content = msg.get("content") or {}
        if kind == "status":
            if content.get("execution_state") == "idle":
                run.idle.set()
            return True
        if kind in _SCRATCH_OUTPUTS:
            output = to_output(kind, content)
            if output is not None:
                run.emit(output)
        return True

    # ----- the requests -------------------------------------------------------------------------

    async def complete(self, code: str, cursor_pos: int) -> tuple[list[str], int, int, list[CompletionItem]]:
        """IPython's completions (jedi's types and signatures when it has them); offsets in code points."""
        reply = await self._ask(lambda c: c.complete(code, cursor_pos), SIDE_TIMEOUT_SECONDS)
        content = reply["content"]
        if content.get("status") != "ok":
            raise SideRequestFailed(str(content.get("evalue") or "the runtime could not complete this"))
        matches = [m for m in content.get("matches") or [] if isinstance(m, str)]
        typed = (content.get("metadata") or {}).get("_jupyter_types_experimental") or []
        by_text = {str(t.get("text")): t for t in typed if isinstance(t, dict)}
        items: list[CompletionItem] = []
        for match in matches:
            info = by_text.get(match) or {}
            kind, signature = info.get("type"), info.get("signature")
            # "<unknown>": jedi ran out of its time budget (it warms up on the first asks).
            known = isinstance(kind, str) and kind and kind != "<unknown>"
            items.append({"text": match, "type": kind if known else None,
                          "signature": signature if isinstance(signature, str) and signature else None})
        start, end = content.get("cursor_start"), content.get("cursor_end")
        return (matches, start if isinstance(start, int) else cursor_pos,
                end if isinstance(end, int) else cursor_pos, items)

    async def inspect(self, code: str, cursor_pos: int, detail_level: int) -> tuple[bool, dict[str, str]]:
        reply = await self._ask(lambda c: c.inspect(code, cursor_pos, detail_level), SIDE_TIMEOUT_SECONDS)
        content = reply["content"]
        if content.get("status") != "ok":
            raise SideRequestFailed(str(content.get("evalue") or "the runtime could not inspect this"))
        data = content.get("data") or {}
        kept = {k: v for k, v in data.items() if k in _DOC_TYPES and isinstance(v, str)}
        return bool(content.get("found")) and bool(kept), kept

    async def _expression(self, expression: str) -> dict[str, Any]:
        """The mime bundle of one user expression, evaluated by a silent execute request."""
        reply = await self._ask(
            lambda c: c.execute("", silent=True, store_history=False, user_expressions={"v": expression},
                                allow_stdin=False, stop_on_error=False),
            SIDE_TIMEOUT_SECONDS,
        )
        content = reply["content"]
        if content.get("status") != "ok":
            raise SideRequestFailed(BUSY if content.get("status") == "aborted" else "the runtime could not answer")
        result = (content.get("user_expressions") or {}).get("v") or {}
        if result.get("status") != "ok":
            raise SideRequestFailed(f"{result.get('ename', 'Error')}: {result.get('evalue', '')}")
        data = result.get("data")
        return data if isinstance(data, dict) else {}

    async def variables(self) -> list[VariableInfo]:
        data = await self._expression(f"{_INSPECTOR}.snapshot()")
        listed = data.get("application/json")
        if listed is None:
            try:
                listed = json.loads(data.get("text/plain", "[]"))
            except ValueError:
                raise SideRequestFailed("the runtime's variable list could not be read") from None
        return [_variable(v) for v in listed if isinstance(v, dict)] if isinstance(listed, list) else []

    async def variable_view(self, name: str) -> dict[str, Any]:
        if not is_variable_name(name):
            raise SideRequestFailed("not a variable name")
        return await self._expression(f"{_INSPECTOR}.table({name!r})")

    async def scratch(self, code: str, emit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        """Run ``code`` without history or stdin, its outputs to ``emit``; the reply's content.
        No time limit (a scratch cell may run long); interrupting the runtime stops it. Its
        result is kept out of the user's `_`, `Out` and `_N` (the runtime's guard_scratch)."""
        if not self._scratch_guarded:
            await self._expression(f"{_INSPECTOR}.guard_scratch()")
            self._scratch_guarded = True
        run = _ScratchRun(emit)
        reply = await self._ask(
            lambda c: c.execute(code, silent=False, store_history=False, allow_stdin=False, stop_on_error=False),
            None, scratch=run,
        )
        return dict(reply["content"])


def _variable(v: dict[str, Any]) -> VariableInfo:
    def text(key: str) -> str | None:
        value = v.get(key)
        return str(value) if value is not None else None

    memory = v.get("memory")
    return {
        "name": str(v.get("name", "")),
        "type": str(v.get("type", "")),
        "shape": text("shape"),
        "size": text("size"),
        "memory": memory if isinstance(memory, int) and not isinstance(memory, bool) else None,
        "value": str(v.get("value", "")),
        "is_dataframe": v.get("is_dataframe") is True,
    }
