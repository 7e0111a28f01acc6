"""Kernel outputs (iopub messages) into a cell of the live document.

One :class:`OutputWriter` follows one run of one cell (or one widget callback, or one
``invokeFunction`` call) and keeps what it needs to honour ``clear_output(wait=True)`` and Colab's
output tags (``google.colab.output.use_tags`` marks the outputs that follow; ``clear_output``
with ``output_tags`` removes only those). Displays with an id are the notebook's, not the run's:
``update_display_data`` redraws them in whichever cell shows them (displays.py).
"""

from __future__ import annotations

import contextlib
from typing import Any

from nbcloud.hub.documents.room import CellNotFound, DocumentClosed, LiveDocument
from nbcloud.hub.documents.service import DocumentService
from nbcloud.hub.execution.displays import DisplayIndex
from nbcloud.hub.execution.outputs import to_output


class OutputWriter:
    """Writes one run's outputs into ``cell_id`` of ``doc``."""

    def __init__(self, doc: LiveDocument, cell_id: str, displays: DisplayIndex | None = None) -> None:
        self.doc = doc
        self.cell_id = cell_id
        self.clear_pending = False
        # The notebook session's index; a writer on its own knows only the displays it showed.
        self.displays = displays if displays is not None else DisplayIndex()
        self.count = 0
        self.last_stream: str | None = None
        self.active_tags: set[str] = set()
        self.tags: list[frozenset[str]] = []  # per output in the document, in order

    @classmethod
    def continuing(cls, doc: LiveDocument, cell_id: str, displays: DisplayIndex | None = None) -> OutputWriter:
        """A writer that adds to what the cell already shows (a widget callback's prints)."""
        writer = cls(doc, cell_id, displays)
        with contextlib.suppress(CellNotFound):
            shown = doc.get_cell(cell_id).get("outputs", [])
            writer.count, writer.tags = len(shown), [frozenset()] * len(shown)
            last = shown[-1] if shown else {}
            writer.last_stream = last.get("name") if last.get("output_type") == "stream" else None
        return writer

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
        self.count = 0
        self.last_stream = None
        self.tags = []

    def _clear_tagged(self, wanted: frozenset[str]) -> None:
        current = self.doc.get_cell(self.cell_id).get("outputs", [])
        keep = [i for i in range(len(current)) if not (i < len(self.tags) and wanted <= self.tags[i])]
        if len(keep) == len(current):
            return
        self.doc.set_outputs(self.cell_id, [current[i] for i in keep])
        self.tags = [self.tags[i] for i in keep if i < len(self.tags)]
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
        display_id = str(display_id) if display_id else None
        if kind == "update_display_data":
            if display_id is not None:
                self.displays.update(self.doc, display_id, output)  # an id never shown: nothing
            return
        if display_id is not None:
            output = self.displays.mark(output, display_id)
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
        if display_id is not None:
            self.displays.shown(self.doc, display_id, self.cell_id)


class CallbackOutputs:
    """What widget callbacks print or display between cells (and what no Output widget
    captures): it goes under the outputs of the cell that displayed the widget, as in Jupyter."""

    def __init__(self, documents: DocumentService, item_id: str, owner_id: int,
                 displays: DisplayIndex | None = None) -> None:
        self.documents = documents
        self.item_id = item_id
        self.owner_id = owner_id
        self.displays = displays if displays is not None else DisplayIndex()
        self._pending: list[tuple[str, str, dict[str, Any]]] = []
        self._writers: dict[str, OutputWriter] = {}

    def __bool__(self) -> bool:
        return bool(self._pending)

    def add(self, cell_id: str, kind: str, content: dict[str, Any]) -> None:
        """One output (or ``clear_output``) of a callback; written by the next :meth:`write`."""
        self._pending.append((cell_id, kind, content))

    def cell_runs(self, cell_id: str) -> None:
        """The cell runs again: its outputs start over, so later callbacks follow the new ones."""
        self._writers.pop(cell_id, None)

    def reset(self) -> None:
        """The kernel is gone, and its widgets with it."""
        self._writers.clear()

    async def write(self) -> None:
        pending, self._pending = self._pending, []
        async with self.documents.hold(self.item_id, self.owner_id) as doc:
            for cell_id, kind, content in pending:
                writer = self._writers.get(cell_id)
                if writer is None or writer.doc is not doc:
                    writer = self._writers[cell_id] = OutputWriter.continuing(doc, cell_id, self.displays)
                with contextlib.suppress(CellNotFound, DocumentClosed):
                    if kind == "clear_output":
                        writer.clear(wait=bool(content.get("wait")))
                    else:
                        writer.add(kind, content)
