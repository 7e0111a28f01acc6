"""What the hub does with each message a page sends on a notebook's events socket.

One handler per message type (``EventsConnection.handlers``); a message the hub cannot read, of a
type it does not know or with fields it cannot use is refused with ``{"type": "error", "code",
"detail"}`` on that socket alone, which stays open (a request that waits for its answer, ``execute``
or ``invoke_function``, gets the error in that answer instead). The socket itself (accept,
subscribe, the sender task) is the route's: see execution.routes.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, get_args

from nbcloud.hub.documents.room import CellNotFound
from nbcloud.hub.documents.state_vector import decode_state_vector
from nbcloud.hub.execution.event_messages import (
    REPLY_TYPE_OF_REQUEST,
    ColabReply,
    Complete,
    CompleteReply,
    Execute,
    ExecuteReply,
    FrameComm,
    HubMessage,
    InputReply,
    Inspect,
    InspectReply,
    InvokeFunction,
    InvokeFunctionReply,
    PageCommMsg,
    PageMessage,
    Refused,
    ScratchExecute,
    ShellStdinReply,
    Variables,
    VariablesReply,
    VariableView,
    VariableViewReply,
    parse_page_message,
    socket_error,
)
from nbcloud.hub.execution.frame_comms import FrameCommRefused
from nbcloud.hub.execution.introspection import SideRequestFailed
from nbcloud.hub.execution.invoke import InvokeFailed
from nbcloud.hub.execution.scratch import run_scratch
from nbcloud.hub.execution.session import NotebookSession, StaleEdits
from nbcloud.hub.trust.service import NOT_TRUSTED, TrustService, not_trusted_error

log = logging.getLogger("nbcloud.execution.events")

NOT_THE_RUNNER = "not_allowed"
NOT_THE_RUNNER_ERROR = "Only the person who runs this notebook's cells can ask its runtime."


class _Refusal(Exception):
    """A side request this person may not make; ``code`` as the page's execute refusals have."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class EventsConnection:
    """One page's events socket: what it sends, handled for ``user_id``; answers go to ``send``."""

    def __init__(self, session: NotebookSession, user_id: int, trust: TrustService,
                 send: Callable[[HubMessage], None]) -> None:
        self.session = session
        self.user_id = user_id
        self.trust = trust
        self._send = send
        self._calls: set[asyncio.Task[None]] = set()

    async def receive(self, text: str | bytes) -> None:
        """One frame from the page."""
        try:
            message = parse_page_message(text)
        except Refused as refused:
            self.refuse(refused, text)
            return
        await HANDLERS[type(message)](self, message)

    def refuse(self, refused: Refused, text: str | bytes) -> None:
        log.info("refused a message on the events socket of %s: %s", self.session.item_id, refused.detail)
        reply_type = REPLY_TYPE_OF_REQUEST.get(refused.message_type or "")
        request_id = _request_id(text)
        if reply_type == "execute_reply" and request_id is not None:
            self.send({"type": "execute_reply", "request_id": request_id, "error": refused.detail,
                       "code": refused.code})
        elif reply_type == "invoke_function_reply" and request_id is not None:
            self.send({"type": "invoke_function_reply", "request_id": request_id, "error": refused.detail})
        elif reply_type is not None and request_id is not None:
            self.send(_failed_reply(reply_type, request_id, refused.detail, refused.code))
        else:
            self.send(socket_error(refused))

    def send(self, message: HubMessage) -> None:
        # A page that stopped reading misses answers, as it misses events (it reloads on reconnect).
        with contextlib.suppress(asyncio.QueueFull):
            self._send(message)

    def close(self) -> None:
        """The socket closed: its calls still running have no one to answer."""
        for call in self._calls:
            call.cancel()

    def _start(self, call: Coroutine[Any, Any, None]) -> None:
        self._calls = {c for c in self._calls if not c.done()}
        self._calls.add(asyncio.create_task(call))

    # ----- the handlers ---------------------------------------------------------------------------

    async def input_reply(self, message: InputReply) -> None:
        self.session.answer_input(self.user_id, message.value)

    async def colab_reply(self, message: ColabReply) -> None:
        self.session.answer_colab(self.user_id, message.model_dump(exclude_unset=True))

    async def shell_stdin_reply(self, message: ShellStdinReply) -> None:
        self.session.answer_shell(self.user_id, message.model_dump())  # typed into a `!cmd` (execution.shell)

    async def comm_msg(self, message: PageCommMsg) -> None:
        self.session.send_comm(message.model_dump())  # a widget's change or event (see execution.comms)

    async def frame_comm(self, message: FrameComm) -> None:
        """An output frame's comms.open / send / close (see execution.frame_comms). Only the person
        who may run the notebook's cells opens or sends: a viewer's page is refused."""
        comms, client = self.session.frame_comms, self.session.kernel_client
        try:
            if self.user_id != self.session.owner_id:
                raise FrameCommRefused("Only the person who runs this notebook's cells can talk to its runtime.")
            if message.kind != "close" and not await self.trust.is_trusted(self.session.item_id, self.user_id):
                raise FrameCommRefused(not_trusted_error().message)
            if message.kind == "open":
                comms.open(client, self.user_id, message.comm_id, message.cell_id, message.target_name,
                           message.data, message.buffers)
            elif message.kind == "msg":
                comms.send(client, self.user_id, message.comm_id, message.data, message.buffers)
            else:
                comms.close(client, self.user_id, message.comm_id)
        except FrameCommRefused as refused:
            if message.request_id:
                comms.reply(self.user_id, message.request_id, str(refused))
            return
        if message.request_id:
            comms.reply(self.user_id, message.request_id)

    async def execute(self, message: Execute) -> None:
        self._start(self._execute(message))

    async def invoke_function(self, message: InvokeFunction) -> None:
        self._start(self._invoke_function(message))

    async def _execute(self, message: Execute) -> None:
        """Like POST .../execute, with the page's Y state vector, so the cells run the code the
        page has (no round trip to flush its edits first)."""
        answer: ExecuteReply = {"type": "execute_reply", "request_id": message.request_id}
        try:
            state = base64.b64decode(message.state_vector, validate=True)
            decode_state_vector(state)  # ValueError when it is not one
            if not await self.trust.is_trusted(self.session.item_id, self.user_id):
                answer["error"], answer["code"] = not_trusted_error().message, NOT_TRUSTED
            else:
                answer["queued"] = await self.session.enqueue(message.cell_ids, self.user_id, after_state=state)
        except CellNotFound as e:
            answer["error"] = f"No cell with id {e.args[0]} in this notebook. Reload the page."
        except StaleEdits:
            answer["error"] = ("Your latest edits have not reached the hub. "
                               "Check your connection and run the cell again.")
        except (ValueError, binascii.Error) as e:
            answer["error"] = f"Bad execute request: {e}"
        self.send(answer)

    async def _invoke_function(self, message: InvokeFunction) -> None:
        """The answer goes to this page's socket alone. A saved output's script calls this too,
        so an untrusted notebook's calls are refused."""
        answer: InvokeFunctionReply = {"type": "invoke_function_reply", "request_id": message.request_id}
        try:
            if not await self.trust.is_trusted(self.session.item_id, self.user_id):
                raise InvokeFailed(not_trusted_error().message)
            answer["result"] = await self.session.functions.invoke(message.cell_id, message.name, message.args,
                                                                   message.kwargs)
        except InvokeFailed as failed:
            answer["error"] = str(failed)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the page must get an answer whatever happened
            answer["error"] = f"nbcloud could not call the function: {exc}"
        self.send(answer)


    # ----- side requests: completion, docs, variables, scratch (execution.introspection) -------------

    async def complete(self, message: Complete) -> None:
        self._start(self._side(message))

    async def inspect(self, message: Inspect) -> None:
        self._start(self._side(message))

    async def variables(self, message: Variables) -> None:
        self._start(self._side(message))

    async def variable_view(self, message: VariableView) -> None:
        self._start(self._side(message))

    async def scratch_execute(self, message: ScratchExecute) -> None:
        self._start(self._side(message))

    async def _may_ask(self) -> None:
        """Only the person who may run the notebook's cells asks its runtime, as for a run: the
        runtime is theirs, and a notebook they do not trust runs nothing, not even completions
        (jedi imports modules; a variable's repr runs its code)."""
        if self.user_id != self.session.owner_id:
            raise _Refusal(NOT_THE_RUNNER_ERROR, NOT_THE_RUNNER)
        if not await self.trust.is_trusted(self.session.item_id, self.user_id):
            raise _Refusal(not_trusted_error().message, NOT_TRUSTED)

    async def _side(self, message: Complete | Inspect | Variables | VariableView | ScratchExecute) -> None:
        """Ask the runtime on the session's side client; the answer goes to this page alone."""
        reply_type = REPLY_TYPE_OF_REQUEST[message.type]
        side = self.session.side
        try:
            await self._may_ask()
            if isinstance(message, Complete):
                matches, start, end, items = await side.complete(message.code, message.cursor_pos)
                completed: CompleteReply = {"type": "complete_reply", "request_id": message.request_id,
                                            "matches": matches, "cursor_start": start, "cursor_end": end,
                                            "items": items}
                self.send(completed)
            elif isinstance(message, Inspect):
                found, data = await side.inspect(message.code, message.cursor_pos, message.detail_level)
                inspected: InspectReply = {"type": "inspect_reply", "request_id": message.request_id,
                                           "found": found, "data": data}
                self.send(inspected)
            elif isinstance(message, Variables):
                listed: VariablesReply = {"type": "variables_reply", "request_id": message.request_id,
                                          "variables": await side.variables()}
                self.send(listed)
            elif isinstance(message, VariableView):
                view: VariableViewReply = {"type": "variable_view_reply", "request_id": message.request_id,
                                           "data": await side.variable_view(message.name)}
                self.send(view)
            else:
                self.send(await run_scratch(side, message.request_id, message.code, self.send))
        except _Refusal as refusal:
            self.send(_failed_reply(reply_type, message.request_id, str(refusal), refusal.code))
        except SideRequestFailed as failed:
            self.send(_failed_reply(reply_type, message.request_id, str(failed)))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the page must get an answer whatever happened
            log.exception("a %s request on %s failed", message.type, self.session.item_id)
            self.send(_failed_reply(reply_type, message.request_id, f"nbcloud could not ask the runtime: {exc}"))


def _failed_reply(reply_type: str, request_id: str, error: str, code: str | None = None) -> HubMessage:
    """The answer of a side request that got no answer from the runtime: empty, with ``error``."""
    reply: HubMessage
    if reply_type == "complete_reply":
        reply = {"type": "complete_reply", "request_id": request_id, "matches": [], "cursor_start": 0,
                 "cursor_end": 0, "items": [], "error": error}
    elif reply_type == "inspect_reply":
        reply = {"type": "inspect_reply", "request_id": request_id, "found": False, "data": {}, "error": error}
    elif reply_type == "variables_reply":
        reply = {"type": "variables_reply", "request_id": request_id, "variables": [], "error": error}
    elif reply_type == "variable_view_reply":
        reply = {"type": "variable_view_reply", "request_id": request_id, "data": {}, "error": error}
    else:
        reply = {"type": "scratch_reply", "request_id": request_id, "status": "error", "execution_count": None,
                 "error": error}
    if code is not None:
        reply["code"] = code
    return reply


def _request_id(text: str | bytes) -> str | None:
    """The request_id of a refused message, when it has a readable one."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    request_id = value.get("request_id") if isinstance(value, dict) else None
    return request_id if isinstance(request_id, str) else None


# The dispatch table: message type -> handler. Every member of PageMessage has one; a new member
# without one fails here, at import, rather than on the first page that sends it.
HANDLERS: dict[type[PageMessage], Callable[[EventsConnection, Any], Awaitable[None]]] = {
    Execute: EventsConnection.execute,
    InputReply: EventsConnection.input_reply,
    ColabReply: EventsConnection.colab_reply,
    ShellStdinReply: EventsConnection.shell_stdin_reply,
    InvokeFunction: EventsConnection.invoke_function,
    PageCommMsg: EventsConnection.comm_msg,
    FrameComm: EventsConnection.frame_comm,
    Complete: EventsConnection.complete,
    Inspect: EventsConnection.inspect,
    Variables: EventsConnection.variables,
    VariableView: EventsConnection.variable_view,
    ScratchExecute: EventsConnection.scratch_execute,
}
_unhandled = set(get_args(get_args(PageMessage)[0])) - set(HANDLERS)
if _unhandled:
    raise TypeError(f"events socket messages without a handler: {sorted(m.__name__ for m in _unhandled)}")
