"""Saved widget state: what JupyterLab's "Save Widget State Automatically" writes into a notebook.

When a notebook is saved, the widget models its outputs show go into
``metadata.widgets["application/vnd.jupyter.widget-state+json"]`` (the format of
https://github.com/jupyter-widgets/ipywidgets/blob/main/packages/schema/v2/state.schema.json),
so a widget view output can still be drawn (read-only) when its model is no longer live: after a
runtime or hub restart, and in Jupyter, nbviewer or GitHub.

Only the models that widget view outputs still in the notebook need are kept: those outputs'
``model_id`` and, transitively, every model an ``"IPY_MODEL_<id>"`` reference (or a widget view
output inside an Output widget) names. A live model (the runtime's current state) wins over the
saved copy; a saved model with no live replacement (a restarted runtime, a notebook written by
Jupyter) is kept as it was. Nothing else: the file does not grow with dead widgets.

Where it lives: the hub writes this into the live Y document's notebook metadata, just before it
serializes the document for saving, rather than only into the bytes it writes. Then the live
document and the file say the same thing: pages read the saved state from the document they
already sync (so a widget whose model is gone still draws), a download of the open notebook
carries it, and a notebook reopened from the file (after a hub restart) starts from what the
page showed. The metadata changes only at a save and only when the state changed, so it costs
one small update per save, not one per slider step.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable, Mapping
from typing import Any

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
# A model's binary buffers larger than this are not saved (the model is saved without them and
# says so in the notebook's metadata): a saved widget must not turn a notebook into a data file.
MAX_SAVED_BUFFER_BYTES = 8 * 1024 * 1024


def _view_ids(value: Any, found: set[str]) -> None:
    """Model ids of widget view outputs and ``IPY_MODEL_`` references anywhere in ``value``."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item.startswith("IPY_MODEL_"):
                found.add(item[len("IPY_MODEL_"):])
        elif isinstance(item, dict):
            view = item.get(WIDGET_VIEW_MIME)
            if isinstance(view, dict) and isinstance(view.get("model_id"), str):
                found.add(view["model_id"])
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def shown_model_ids(notebook: Mapping[str, Any]) -> set[str]:
    """The model ids the widget view outputs of the notebook's code cells name."""
    found: set[str] = set()
    for cell in notebook.get("cells") or []:
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs") or []:
            view = (output.get("data") or {}).get(WIDGET_VIEW_MIME) if isinstance(output, dict) else None
            if isinstance(view, dict) and isinstance(view.get("model_id"), str):
                found.add(view["model_id"])
    return found


def saved_state(notebook: Mapping[str, Any]) -> dict[str, Any]:
    """The notebook's saved models (model id -> saved model), or {}."""
    widgets = (notebook.get("metadata") or {}).get("widgets")
    saved = widgets.get(WIDGET_STATE_MIME) if isinstance(widgets, dict) else None
    state = saved.get("state") if isinstance(saved, dict) else None
    return state if isinstance(state, dict) else {}


def live_model_entry(state: Mapping[str, Any], buffers: Mapping[tuple[Any, ...], bytes]) -> dict[str, Any]:
    """One live model (its state and binary buffers by path) as the widget-state format saves it."""
    entry: dict[str, Any] = {
        "model_name": str(state.get("_model_name", "")),
        "model_module": str(state.get("_model_module", "")),
        "model_module_version": str(state.get("_model_module_version", "")),
        "state": copy.deepcopy(dict(state)),
    }
    saved, dropped = [], []
    for path, data in buffers.items():
        if not path:
            continue
        if len(data) > MAX_SAVED_BUFFER_BYTES:
            dropped.append(list(path))
            continue
        saved.append({"path": list(path), "encoding": "base64", "data": base64.b64encode(data).decode("ascii")})
    if saved:
        entry["buffers"] = saved
    if dropped:
        # The binary values themselves are not in "state" (they travel as buffers); say why they
        # are missing instead of leaving a reader to guess.
        entry["nbcloud_dropped_buffers"] = {
            "paths": dropped,
            "reason": f"binary values over {MAX_SAVED_BUFFER_BYTES // (1024 * 1024)} MiB are not saved",
        }
    return entry


def widget_state(
    notebook: Mapping[str, Any], live: Callable[[str], dict[str, Any] | None] | None = None,
) -> dict[str, Any] | None:
    """The widget state the notebook should hold: ``{"version_major": 2, "version_minor": 0,
    "state": {...}}``, or None when its outputs show no widget that is live or saved.

    ``live(model_id)`` is the saved-format entry of a live model (``live_model_entry``), or None.
    """
    saved = saved_state(notebook)
    state: dict[str, Any] = {}
    todo = list(shown_model_ids(notebook))
    while todo:
        model_id = todo.pop()
        if model_id in state:
            continue
        entry = live(model_id) if live is not None else None
        if entry is None:
            entry = saved.get(model_id)
        if not isinstance(entry, dict):
            continue  # neither live nor saved: nothing to keep
        state[model_id] = entry
        refs: set[str] = set()
        _view_ids(entry.get("state"), refs)
        todo.extend(refs - state.keys())
    if not state:
        return None
    return {"version_major": 2, "version_minor": 0, "state": state}


def with_widget_state(metadata: Mapping[str, Any], state: dict[str, Any] | None) -> Any:
    """The notebook's ``metadata.widgets`` with ``state`` in it (other keys kept); None to remove it."""
    current = metadata.get("widgets")
    if state is None and not (isinstance(current, dict) and WIDGET_STATE_MIME in current):
        return current  # nothing to save and nothing saved: leave what is there as it is
    widgets = dict(current) if isinstance(current, dict) else {}
    if state is None:
        widgets.pop(WIDGET_STATE_MIME, None)
    else:
        widgets[WIDGET_STATE_MIME] = state
    return widgets or None
