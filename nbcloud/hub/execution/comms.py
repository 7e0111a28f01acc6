"""Jupyter widgets: the kernel's comms, kept as the notebook's live widget state and relayed.

The hub owns the kernel connection, so it is the widgets' "frontend" towards the kernel and the
kernel's stand-in towards pages:
- every ``comm_open``/``comm_msg``/``comm_close`` the kernel publishes (during a cell or after,
  when a callback runs) updates the live state (model id -> latest state) and goes to every page
  with the notebook open; a page that (re)opens gets every model at once (``snapshot``);
- a page's ``comm_msg`` goes to the kernel's shell channel; the kernel's ``status: idle`` for it
  goes back to the pages, so their widget models stop throttling (ipywidgets waits for it);
- ipywidgets' Output widget protocol: while an Output model's ``msg_id`` names a request, the
  outputs of that request belong to the widget (its ``outputs`` state), not to the cell. Outputs
  of a callback nobody captures go into the cell that displayed the widget.

Events to pages (JSON): ``{"type": "comm_open", "comm_id", "target_name", "data", "metadata",
"buffers"}``, ``{"type": "comm_msg", "comm_id", "data", "buffers", "parent_msg_id"}``,
``{"type": "comm_close", "comm_id"}``, ``{"type": "comm_status", "msg_id", "execution_state"}``,
``{"type": "widgets", "models": [comm_open events]}`` (the snapshot; it replaces what a page had).
Buffers travel as base64 strings.
"""

from __future__ import annotations

import base64
import copy
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nbcloud.hub.documents.widget_state import live_model_entry
from nbcloud.hub.execution.event_messages import CommOpen, HubMessage, Widgets
from nbcloud.hub.execution.outputs import to_output

WIDGET_TARGET = "jupyter.widget"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
CAPTURED_MESSAGES = frozenset({"stream", "display_data", "execute_result", "error", "clear_output"})
# A page may name its message (ipywidgets matches echoes by it); anything else gets a fresh id.
PAGE_MSG_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_MODELS = 10_000
MAX_SENT_REMEMBERED = 1000


@dataclass
class WidgetModel:
    comm_id: str
    target_name: str
    data: dict[str, Any]  # {"state": {...}, "buffer_paths": [...]}
    metadata: dict[str, Any]
    buffers: dict[tuple[Any, ...], bytes] = field(default_factory=dict)  # buffer path -> bytes
    clear_pending: bool = False

    @property
    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.data.setdefault("state", {})
        return state

    def merge(self, state: dict[str, Any], buffer_paths: list[Any], buffers: list[bytes]) -> None:
        self.state.update(state)
        # A key set again without a buffer is no longer binary.
        self.buffers = {p: b for p, b in self.buffers.items() if not p or p[0] not in state}
        for path, buffer in zip(buffer_paths, buffers, strict=False):
            self.buffers[tuple(path)] = bytes(buffer)

    def as_open_event(self) -> CommOpen:
        paths = list(self.buffers)
        data = {"state": self.state, "buffer_paths": [list(p) for p in paths]}
        return {"type": "comm_open", "comm_id": self.comm_id, "target_name": self.target_name, "data": data,
                "metadata": self.metadata, "buffers": [_b64(self.buffers[p]) for p in paths]}


def _b64(buffer: Any) -> str:
    return base64.b64encode(bytes(buffer)).decode("ascii")


def references(state: Any) -> set[str]:
    """The model ids a widget state refers to (``"IPY_MODEL_<id>"`` anywhere inside it)."""
    found: set[str] = set()
    stack = [state]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if value.startswith("IPY_MODEL_"):
                found.add(value[len("IPY_MODEL_"):])
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
    return found


class WidgetComms:
    """One notebook's widget models and the routing of their messages.

    ``publish(event)`` sends an event to every page with the notebook open; ``write_output(cell_id,
    kind, content)`` puts an uncaptured callback output into a cell (the session does the writing).
    """

    def __init__(self, publish: Callable[[HubMessage], None],
                 write_output: Callable[[str, str, dict[str, Any]], None],
                 changed: Callable[[], None] | None = None) -> None:
        self.publish = publish
        self.write_output = write_output
        # Told when a model's state changed (the notebook saves the widget state; see
        # documents.widget_state).
        self.changed = changed or (lambda: None)
        self.models: dict[str, WidgetModel] = {}
        self.cell_of: dict[str, str] = {}  # model id -> the cell that displayed it (or its parent)
        self._sent: dict[str, str] = {}  # msg_id of a page's message -> comm_id it went to

    # ----- the kernel's side ------------------------------------------------------------------------

    def received(self, msg: dict[str, Any], cell_id: str | None = None) -> bool:
        """Handles one iopub message; True when it was the widgets' (nothing else should use it).

        ``cell_id`` is the cell whose request the message answers, when a cell is running it.
        """
        kind, content = msg["header"]["msg_type"], msg.get("content") or {}
        parent_id = (msg.get("parent_header") or {}).get("msg_id")
        if kind == "comm_open":
            # The widget protocol version travels in the message's metadata, not its content.
            self._opened(content, msg.get("metadata") or content.get("metadata") or {}, msg.get("buffers") or [])
            return True
        if kind == "comm_msg":
            self._message(content, msg.get("buffers") or [], parent_id)
            return True
        if kind == "comm_close":
            comm_id = str(content.get("comm_id"))
            if self.models.pop(comm_id, None) is not None:
                self.cell_of.pop(comm_id, None)
                self.publish({"type": "comm_close", "comm_id": comm_id})
                self.changed()
            return True
        if kind in CAPTURED_MESSAGES and parent_id and self._capture(kind, content, parent_id):
            return True
        if kind == "status" and parent_id in self._sent:
            if content.get("execution_state") == "idle":
                self._sent.pop(parent_id, None)
                self.publish({"type": "comm_status", "msg_id": parent_id, "execution_state": "idle"})
            return True
        if cell_id is not None:
            if kind in ("display_data", "execute_result"):
                self.displayed(cell_id, content)
            return False
        # Outside any cell: a callback's output goes to the cell that shows its widget.
        sent_to = self._sent.get(parent_id or "")
        target = self.cell_of.get(sent_to or "")
        if target is not None and (kind in CAPTURED_MESSAGES or kind == "update_display_data"):
            if kind in ("display_data", "execute_result"):
                self.displayed(target, content)
            self.write_output(target, kind, content)
        return sent_to is not None

    def _opened(self, content: dict[str, Any], metadata: dict[str, Any], buffers: list[bytes]) -> None:
        if content.get("target_name") != WIDGET_TARGET or len(self.models) >= MAX_MODELS:
            return
        comm_id = str(content.get("comm_id"))
        data = copy.deepcopy(content.get("data") or {})
        model = WidgetModel(comm_id, WIDGET_TARGET, {"state": data.get("state") or {}}, dict(metadata))
        model.merge({}, data.get("buffer_paths") or [], buffers)
        self.models[comm_id] = model
        self.publish(model.as_open_event())
        self.changed()

    def _message(self, content: dict[str, Any], buffers: list[bytes], parent_id: str | None) -> None:
        comm_id = str(content.get("comm_id"))
        model = self.models.get(comm_id)
        if model is None:
            return
        data = content.get("data") or {}
        if data.get("method") in ("update", "echo_update") and isinstance(data.get("state"), dict):
            model.merge(copy.deepcopy(data["state"]), data.get("buffer_paths") or [], buffers)
            if "msg_id" in data["state"]:
                model.clear_pending = False
            self.changed()
        self.publish({"type": "comm_msg", "comm_id": comm_id, "data": data,
                      "buffers": [_b64(b) for b in buffers], "parent_msg_id": parent_id})

    def displayed(self, cell_id: str, content: dict[str, Any]) -> None:
        """A cell shows a widget view: callbacks of that widget and its parts print there."""
        view = (content.get("data") or {}).get(WIDGET_VIEW_MIME)
        if not isinstance(view, dict) or not isinstance(view.get("model_id"), str):
            return
        todo = [view["model_id"]]
        while todo:
            model_id = todo.pop()
            if self.cell_of.get(model_id) == cell_id:
                continue
            self.cell_of[model_id] = cell_id
            model = self.models.get(model_id)
            if model is not None:
                todo.extend(references(model.state))

    # ----- ipywidgets' Output widget ---------------------------------------------------------------

    def capture(self, msg: dict[str, Any]) -> bool:
        """True when an output of a request goes to an Output widget capturing that request."""
        kind = msg["header"]["msg_type"]
        parent_id = (msg.get("parent_header") or {}).get("msg_id")
        content = msg.get("content") or {}
        return bool(kind in CAPTURED_MESSAGES and parent_id and self._capture(kind, content, parent_id))

    def _capture(self, kind: str, content: dict[str, Any], parent_id: str) -> bool:
        # The innermost `with out:` wins; ipywidgets sets msg_id on entry and clears it on exit.
        capturing = [m for m in self.models.values()
                     if m.state.get("_model_name") == "OutputModel" and m.state.get("msg_id") == parent_id]
        if not capturing:
            return False
        model = capturing[-1]
        outputs = list(model.state.get("outputs") or [])
        if kind == "clear_output":
            if content.get("wait"):
                model.clear_pending = True
                return True
            outputs = []
        else:
            output = to_output(kind, content)
            if output is None:
                return True
            if model.clear_pending:
                outputs, model.clear_pending = [], False
            last = outputs[-1] if outputs else None
            if (output["output_type"] == "stream" and last and last.get("output_type") == "stream"
                    and last.get("name") == output["name"]):
                outputs[-1] = {**last, "text": last.get("text", "") + output["text"]}
            else:
                outputs.append(output)
        model.state["outputs"] = outputs
        self.changed()
        self.publish({"type": "comm_msg", "comm_id": model.comm_id, "parent_msg_id": None, "buffers": [],
                      "data": {"method": "update", "state": {"outputs": outputs}, "buffer_paths": []}})
        return True

    # ----- the pages' side -------------------------------------------------------------------------

    def snapshot(self) -> Widgets:
        return {"type": "widgets", "models": [m.as_open_event() for m in self.models.values()]}

    def from_page(self, message: dict[str, Any]) -> tuple[str, dict[str, Any], list[bytes], str] | None:
        """A page's ``comm_msg`` as (comm_id, data, buffers, msg_id) for the kernel, or None when it
        names no live widget."""
        comm_id = message.get("comm_id")
        data = message.get("data")
        if not isinstance(comm_id, str) or comm_id not in self.models or not isinstance(data, dict):
            return None
        try:
            buffers = [base64.b64decode(b, validate=True) for b in message.get("buffers") or []]
        except (TypeError, ValueError):
            return None
        msg_id = message.get("msg_id")
        if not isinstance(msg_id, str) or not PAGE_MSG_ID.match(msg_id):
            msg_id = uuid.uuid4().hex
        if data.get("method") == "update" and isinstance(data.get("state"), dict):
            # The kernel echoes only to other frontends' benefit; keep our copy current now.
            self.models[comm_id].merge(copy.deepcopy(data["state"]), data.get("buffer_paths") or [], buffers)
            self.changed()
        self._sent[msg_id] = comm_id
        while len(self._sent) > MAX_SENT_REMEMBERED:
            self._sent.pop(next(iter(self._sent)))
        return comm_id, data, buffers, msg_id

    def saved_model(self, model_id: str) -> dict[str, Any] | None:
        """A live model as the notebook's saved widget state holds it, or None."""
        model = self.models.get(model_id)
        return live_model_entry(model.state, model.buffers) if model is not None else None

    def reset(self) -> None:
        """The kernel is gone: its widgets with it."""
        self.models.clear()
        self.cell_of.clear()
        self._sent.clear()
        self.publish(self.snapshot())
