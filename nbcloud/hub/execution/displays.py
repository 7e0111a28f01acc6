"""Where each display of the runtime's kernel is shown, in any cell of the notebook.

``display(x, display_id=True)`` in one cell and ``handle.update(y)`` in a later one redraw the
first cell's output, as in Jupyter and Colab: ``update_display_data`` replaces every output that
carries its ``display_id``, whichever cell shows it (google.colab.widgets' ``clear_tab()`` and
``remove()`` rely on it). An id never shown is ignored, as Jupyter does.

The id travels in the message's ``transient`` field, which nbformat does not keep. So each such
output carries it in its own metadata (``metadata.nbcloud``, valid nbformat, saved with the
notebook) together with the kernel that showed it: the document may be closed and opened again
from its file (nobody on it for a while, a hub restart) while the kernel lives on, and a display
of an earlier kernel (before a restart) is never redrawn by a later one that happens to reuse
the id. The index itself only says which cells to look in; the outputs are found by their
metadata, so outputs a person cleared or cells a person deleted simply drop out of it.
"""

from __future__ import annotations

import contextlib
from typing import Any

from nbcloud.hub.documents.room import CellNotFound, LiveDocument

KEY = "nbcloud"  # the output metadata key that carries the display id and its kernel


def display_of(metadata: dict[str, Any]) -> tuple[str, str] | None:
    """(display id, kernel) of an output, from its metadata; None for an output with no id."""
    mark = metadata.get(KEY)
    if not isinstance(mark, dict) or not isinstance(mark.get("display_id"), str):
        return None
    return mark["display_id"], str(mark.get("kernel") or "")


class DisplayIndex:
    """The cells that show each display id of one notebook's kernel (one per notebook session)."""

    def __init__(self) -> None:
        self.kernel = ""  # the kernel's session id (header.session of its messages); "" before any
        self._cells: dict[str, list[str]] = {}  # display id -> the cells showing it, first shown first
        self._doc: LiveDocument | None = None  # the document (this load of it) the index describes

    def heard_from(self, kernel: str | None) -> None:
        """A message of the kernel: a new kernel (a restart, a fresh runtime) shows none of the
        old kernel's displays."""
        if kernel and kernel != self.kernel:
            self.kernel = kernel
            self._cells.clear()

    def mark(self, output: dict[str, Any], display_id: str) -> dict[str, Any]:
        """``output`` with its display id (and this kernel) in its metadata."""
        metadata = dict(output.get("metadata") or {})
        metadata[KEY] = {"display_id": display_id, "kernel": self.kernel}
        return {**output, "metadata": metadata}

    def shown(self, doc: LiveDocument, display_id: str, cell_id: str) -> None:
        """``cell_id`` now shows an output (marked by :meth:`mark`) with ``display_id``."""
        self._follow(doc)
        cells = self._cells.setdefault(display_id, [])
        if cell_id not in cells:
            cells.append(cell_id)

    def update(self, doc: LiveDocument, display_id: str, output: dict[str, Any]) -> int:
        """``update_display_data``: ``output`` replaces every output with ``display_id``, in every
        cell, where it is. Returns how many were replaced (0 for an id never shown)."""
        self._follow(doc)
        cells = self._cells.get(display_id)
        if not cells:
            return 0
        output = self.mark(output, display_id)
        wanted = (display_id, self.kernel)

        def matches(metadata: dict[str, Any]) -> bool:
            return display_of(metadata) == wanted

        replaced, still_shown = 0, []
        with doc.transaction():
            for cell_id in cells:
                with contextlib.suppress(CellNotFound):  # a person deleted the cell
                    count = doc.replace_outputs(cell_id, matches, output)
                    if count:
                        replaced += count
                        still_shown.append(cell_id)
        # Cells whose outputs were cleared (a new run, "Clear output", clear_output()) drop out.
        if still_shown:
            self._cells[display_id] = still_shown
        else:
            del self._cells[display_id]
        return replaced

    def _follow(self, doc: LiveDocument) -> None:
        """The document was opened again (from its file): rebuild from the outputs it holds."""
        if doc is self._doc:
            return
        self._doc = doc
        self._cells.clear()
        for cell_id in doc.cell_ids():
            for output in doc.get_cell(cell_id).get("outputs") or ():
                shown = display_of(output.get("metadata") or {})
                if shown is not None and shown[1] == self.kernel:
                    cells = self._cells.setdefault(shown[0], [])
                    if cell_id not in cells:
                        cells.append(cell_id)
