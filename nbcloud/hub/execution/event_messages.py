"""The messages of a notebook's events socket (``/api/notebooks/{id}/events``), one union per way.

Page to hub (``PageMessage``): pydantic models, validated as they arrive, so a handler gets typed
fields or the page gets a clear refusal. Hub to page (``HubMessage``): TypedDicts, because the
execution modules build them as plain dicts and a widget's stream of ``comm_msg`` should cost no
model per message; ``HUB_MESSAGE`` validates them in tests. The page's copy of both unions is
web/src/notebook/runtime/protocol.ts: change the two together.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, TypeAdapter, ValidationError, model_validator

# pydantic validates only typing_extensions' TypedDict before Python 3.12 (HUB_MESSAGE, in tests).
from typing_extensions import TypedDict

MAX_CELLS_PER_RUN = 10_000
# The code a completion, docs or scratch request may send (a cell's worth, in characters).
MAX_SIDE_CODE = 1_000_000

# ----- page -> hub --------------------------------------------------------------------------------


class _PageMessage(BaseModel):
    # Fields a newer page adds are ignored, so an old hub keeps working with it.
    model_config = ConfigDict(extra="ignore", frozen=True)


class Execute(_PageMessage):
    """Run cells once the hub's document holds what this page had typed (its Y state vector)."""

    type: Literal["execute"]
    request_id: str
    cell_ids: list[str] = Field(min_length=1, max_length=MAX_CELLS_PER_RUN)
    state_vector: str  # base64 of the page's Y.encodeStateVector


class InputReply(_PageMessage):
    """The answer to the open ``input()`` prompt."""

    type: Literal["input_reply"]
    value: str = ""


class ColabReply(_PageMessage):
    """The answer to a Colab request (``reply``), or why the page could not answer (``error``)."""

    type: Literal["colab_reply"]
    request_id: str
    reply: Any = None
    error: str | None = None


class ShellStdinReply(_PageMessage):
    """What the person typed into a running ``!cmd``'s input box."""

    type: Literal["shell_stdin_reply"]
    request_id: str
    value: str


class InvokeFunction(_PageMessage):
    """``google.colab.kernel.invokeFunction`` from an output of ``cell_id``."""

    type: Literal["invoke_function"]
    request_id: str
    cell_id: str = ""
    name: str
    args: list[Any] = Field(default_factory=list)
    kwargs: dict[str, Any] = Field(default_factory=dict)


class PageCommMsg(_PageMessage):
    """A widget's change or event, for the kernel (buffers are base64)."""

    type: Literal["comm_msg"]
    comm_id: str
    data: dict[str, Any]
    buffers: list[str] = Field(default_factory=list)
    msg_id: str | None = None


class FrameComm(_PageMessage):
    """``google.colab.kernel.comms`` in an output frame of ``cell_id``: open a comm to the kernel's
    ``target_name``, send on it, or close it (buffers are base64); see execution.frame_comms."""

    type: Literal["frame_comm"]
    kind: Literal["open", "msg", "close"]
    comm_id: str = Field(min_length=1, max_length=128)
    request_id: str = ""
    cell_id: str = ""
    target_name: str = ""
    data: Any = None  # any JSON, as Colab's comms take it
    buffers: list[str] = Field(default_factory=list)


class _CodeAtCursor(_PageMessage):
    request_id: StrictStr = Field(min_length=1, max_length=128)
    code: StrictStr = Field(max_length=MAX_SIDE_CODE)
    cursor_pos: StrictInt = Field(ge=0)  # in code points, as Jupyter's protocol (>= 5.2) counts

    @model_validator(mode="after")
    def _cursor_in_code(self) -> _CodeAtCursor:
        if self.cursor_pos > len(self.code):
            raise ValueError("cursor_pos is past the end of the code")
        return self


class Complete(_CodeAtCursor):
    """Completions at the cursor (execution.introspection)."""

    type: Literal["complete"]


class Inspect(_CodeAtCursor):
    """Docs of the name at the cursor; detail_level 1 adds its source (``obj??``)."""

    type: Literal["inspect"]
    detail_level: Literal[0, 1] = 0


class Variables(_PageMessage):
    """The user's variables in the runtime, for the Variables panel."""

    type: Literal["variables"]
    request_id: StrictStr = Field(min_length=1, max_length=128)


class VariableView(_PageMessage):
    """The DataFrame variable ``name`` as Colab's interactive table."""

    type: Literal["variable_view"]
    request_id: StrictStr = Field(min_length=1, max_length=128)
    name: StrictStr = Field(min_length=1, max_length=255)

    @model_validator(mode="after")
    def _an_identifier(self) -> VariableView:
        if not self.name.isidentifier():
            raise ValueError("name must be a Python variable name")
        return self


class ScratchExecute(_PageMessage):
    """Code of the page's scratch cell: run in the notebook's runtime, saved nowhere."""

    type: Literal["scratch_execute"]
    request_id: StrictStr = Field(min_length=1, max_length=128)
    code: StrictStr = Field(max_length=MAX_SIDE_CODE)


PageMessage = Annotated[
    Execute | InputReply | ColabReply | ShellStdinReply | InvokeFunction | PageCommMsg | FrameComm
    | Complete | Inspect | Variables | VariableView | ScratchExecute,
    Field(discriminator="type"),
]
PAGE_MESSAGE: TypeAdapter[PageMessage] = TypeAdapter(PageMessage)

# The messages that wait for an answer by request_id: a malformed one is answered in that reply,
# so the page's waiting call ends (with the error) instead of waiting forever.
REPLY_TYPE_OF_REQUEST = {
    "execute": "execute_reply", "invoke_function": "invoke_function_reply", "complete": "complete_reply",
    "inspect": "inspect_reply", "variables": "variables_reply", "variable_view": "variable_view_reply",
    "scratch_execute": "scratch_reply",
}


class Refused(Exception):
    """A message the hub does not take; ``code`` and ``detail`` go back to the page as an error."""

    def __init__(self, code: Literal["bad_message", "unknown_message", "invalid_message"], detail: str,
                 message_type: str | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.message_type = message_type


def parse_page_message(text: str | bytes) -> PageMessage:
    """The page's message, or Refused saying what is wrong with it."""
    try:
        return PAGE_MESSAGE.validate_json(text)
    except ValidationError as e:
        raise _refusal(e, text) from None


def _refusal(error: ValidationError, text: str | bytes) -> Refused:
    first = error.errors(include_url=False)[0]
    if first["type"] in ("json_invalid", "dict_type", "json_type"):
        return Refused("bad_message", "The events socket takes JSON objects with a \"type\"; this message is not one. "
                                      "Reload the page.")
    if first["type"] == "union_tag_not_found":
        return Refused("unknown_message", "This message has no \"type\". Reload the page.")
    if first["type"] == "union_tag_invalid":
        tag = first.get("ctx", {}).get("tag", "?")
        return Refused("unknown_message", f"The hub does not know messages of type {str(tag)[:80]!r}. "
                                          "Reload the page (it may be older or newer than the hub).")
    message_type = str(first["loc"][0]) if first["loc"] else None
    problems = "; ".join(
        f"{'.'.join(str(part) for part in e['loc'][1:]) or 'message'}: {e['msg']}"
        for e in error.errors(include_url=False)[:5]
    )
    return Refused("invalid_message", f"Bad {message_type} request: {problems}", message_type)


# ----- hub -> page --------------------------------------------------------------------------------


class RuntimeStatusEvent(TypedDict):
    """The runtime's status, to everyone with the notebook open (again on each change)."""

    type: Literal["runtime"]
    status: Literal["none", "starting", "idle", "busy", "dead"]
    message: str | None
    place: int | None  # while the start waits in line: 1 = next
    running: str | None
    queued: list[str]


class InputRequest(TypedDict):
    type: Literal["input_request"]
    cell_id: str
    prompt: str
    password: bool


class InputDone(TypedDict):
    type: Literal["input_done"]
    cell_id: str


class ExecuteReply(TypedDict):
    type: Literal["execute_reply"]
    request_id: str
    queued: NotRequired[list[str]]
    error: NotRequired[str]
    code: NotRequired[str]


class ColabRequest(TypedDict):
    type: Literal["colab_request"]
    cell_id: str
    request_id: str
    request_type: str
    request: Any


class ColabRequestDone(TypedDict):
    type: Literal["colab_request_done"]
    cell_id: str
    request_id: str


class FilesView(TypedDict):
    type: Literal["files_view"]
    cell_id: str
    source: Literal["runtime", "drive"]
    path: str
    item_id: NotRequired[str]


class ShellStdin(TypedDict):
    type: Literal["shell_stdin"]
    cell_id: str
    request_id: str
    echo: bool
    delay_ms: int


class ShellStdinDone(TypedDict):
    type: Literal["shell_stdin_done"]
    cell_id: str
    request_id: str


class InvokeFunctionReply(TypedDict):
    type: Literal["invoke_function_reply"]
    request_id: str
    result: NotRequired[Any]
    error: NotRequired[str]


class CommOpen(TypedDict):
    type: Literal["comm_open"]
    comm_id: str
    target_name: str
    data: dict[str, Any]
    metadata: dict[str, Any]
    buffers: list[str]


class CommMsg(TypedDict):
    type: Literal["comm_msg"]
    comm_id: str
    data: dict[str, Any]
    buffers: list[str]
    parent_msg_id: str | None


class CommClose(TypedDict):
    type: Literal["comm_close"]
    comm_id: str


class CommStatus(TypedDict):
    type: Literal["comm_status"]
    msg_id: str
    execution_state: str


class Widgets(TypedDict):
    """Every live widget model: on connect and after a kernel restart (replaces what a page had)."""

    type: Literal["widgets"]
    models: list[CommOpen]


class FrameCommEvent(TypedDict):
    """An output frame's comm (execution.frame_comms): the kernel opened one to a frame target
    (``open``), sent on one (``msg``) or closed one (``close``); ``reply`` answers a page's
    ``frame_comm`` of ``request_id`` (``error`` when it was not passed on)."""

    type: Literal["frame_comm"]
    kind: Literal["open", "msg", "close", "reply"]
    comm_id: NotRequired[str]
    cell_id: NotRequired[str]
    target_name: NotRequired[str]
    data: NotRequired[Any]
    buffers: NotRequired[list[str]]
    request_id: NotRequired[str]
    error: NotRequired[str]


class CompletionItem(TypedDict):
    text: str
    type: str | None  # jedi's: function, module, instance, keyword, path, magic, ...
    signature: str | None


class CompleteReply(TypedDict):
    """Offsets in code points. ``error``: "no runtime", "the runtime is busy", why it was refused
    (``code``: notebook_not_trusted when the person does not trust the notebook)."""

    type: Literal["complete_reply"]
    request_id: str
    matches: list[str]
    cursor_start: int
    cursor_end: int
    items: list[CompletionItem]
    error: NotRequired[str]
    code: NotRequired[str]


class InspectReply(TypedDict):
    type: Literal["inspect_reply"]
    request_id: str
    found: bool
    data: dict[str, str]  # text/plain, text/html, text/markdown
    error: NotRequired[str]
    code: NotRequired[str]


class VariableInfo(TypedDict):
    name: str
    type: str
    shape: str | None
    size: str | None
    memory: int | None  # bytes
    value: str  # a short repr (reprlib)
    is_dataframe: bool


class VariablesReply(TypedDict):
    type: Literal["variables_reply"]
    request_id: str
    variables: list[VariableInfo]
    error: NotRequired[str]
    code: NotRequired[str]


class VariableViewReply(TypedDict):
    type: Literal["variable_view_reply"]
    request_id: str
    data: dict[str, Any]  # a mime bundle: Colab's interactive table
    error: NotRequired[str]
    code: NotRequired[str]


class ScratchOutput(TypedDict):
    """One output of a scratch run (an nbformat output dict), to the page that ran it only."""

    type: Literal["scratch_output"]
    request_id: str
    output: dict[str, Any]


class ScratchReply(TypedDict):
    type: Literal["scratch_reply"]
    request_id: str
    status: Literal["ok", "error", "aborted"]
    execution_count: int | None
    error: NotRequired[str]
    code: NotRequired[str]


class Help(TypedDict):
    """A help page (``obj?``, ``obj??``, ``%pinfo``) of a cell, to the pages of the person who ran it."""

    type: Literal["help"]
    cell_id: str
    data: dict[str, str]


class SocketError(TypedDict):
    """A message of this page's that the hub refused (see ``Refused``); the socket stays open."""

    type: Literal["error"]
    code: str
    detail: str


HubMessage = Annotated[
    RuntimeStatusEvent | InputRequest | InputDone | ExecuteReply | ColabRequest | ColabRequestDone | FilesView
    | ShellStdin | ShellStdinDone | InvokeFunctionReply | CommOpen | CommMsg | CommClose | CommStatus | Widgets
    | FrameCommEvent | CompleteReply | InspectReply | VariablesReply | VariableViewReply | ScratchOutput
    | ScratchReply | Help | SocketError,
    Field(discriminator="type"),
]
HUB_MESSAGE: TypeAdapter[HubMessage] = TypeAdapter(HubMessage)


def socket_error(refused: Refused) -> SocketError:
    return {"type": "error", "code": refused.code, "detail": refused.detail}
