"""The hub's own edits of a live notebook: what the execution layer writes (outputs, execution
counts and states, metadata) and reads (a cell's type and source).

Each change is one Y transaction, so it reaches every page as one update and is autosaved like
a page's edit. Long stream texts go through kept_text.py, so the document holds their head only.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from typing import Any

from jupyter_ydoc import YNotebook
from jupyter_ydoc.utils import cast_all
from pycrdt import Array, Map, Text

from nbcloud.hub.documents.kept_text import KEY as KEPT_KEY
from nbcloud.hub.documents.kept_text import KeptText


class CellNotFound(KeyError):
    """No cell with that id in the notebook (a page deleted it)."""


class DocumentClosed(RuntimeError):
    """The room closed (everyone left, or the hub is stopping): open the notebook again."""


class NotebookEditor:
    def __init__(self, item_id: str, notebook: YNotebook, kept: KeptText) -> None:
        self.item_id = item_id
        self.notebook = notebook
        self.kept = kept
        self.closed = False  # set by the room when it closes: later edits raise DocumentClosed

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several changes into one update (one message to every browser)."""
        with self.notebook.ydoc.transaction(origin="hub"):
            yield

    def content(self) -> dict[str, Any]:
        """The notebook as an nbformat dict, as it is now (every output whole)."""
        return self.kept.restore(self.notebook.get())

    def cell_ids(self) -> list[str]:
        return [str(c.get("id")) for c in self.notebook.ycells]

    def _ycell(self, cell_id: str) -> Map[Any]:
        if self.closed:
            raise DocumentClosed(self.item_id)
        for ycell in self.notebook.ycells:
            if ycell.get("id") == cell_id:
                found: Map[Any] = ycell
                return found
        raise CellNotFound(cell_id)

    def get_cell(self, cell_id: str) -> dict[str, Any]:
        cell: dict[str, Any] = self.notebook._cell_to_py(self._ycell(cell_id))
        return cell

    def cell_type(self, cell_id: str) -> str:
        """The cell's type, without copying its outputs (which may be megabytes)."""
        return str(self._ycell(cell_id).get("cell_type"))

    def cell_source(self, cell_id: str) -> str:
        return str(self._ycell(cell_id)["source"])

    def append_output(self, cell_id: str, output: dict[str, Any]) -> bool:
        """Add one nbformat output to a code cell. Consecutive stream text of the same name is
        merged into one output, as Jupyter does, except into or out of a kept text (too long to
        show, see kept_text.py). True when it became an output of its own."""
        ycell = self._ycell(cell_id)
        output = self.kept.keep(output)
        with self.transaction():
            youtputs = ycell.get("outputs")
            if not isinstance(youtputs, Array):
                youtputs = Array()
                ycell["outputs"] = youtputs
            if output.get("output_type") == "stream" and len(youtputs) > 0:
                last = youtputs[len(youtputs) - 1]
                if (
                    isinstance(last, Map)
                    and last.get("output_type") == "stream"
                    and last.get("name") == output.get("name")
                    and isinstance(last.get("text"), Text)
                    and KEPT_KEY not in last
                    and KEPT_KEY not in output
                ):
                    text = output.get("text", "")
                    ytext: Text = last["text"]
                    ytext.insert(len(ytext), text if isinstance(text, str) else "".join(text))
                    return False
            youtputs.append(self.notebook._create_youtputs([output])[0])
            return True

    def set_outputs(self, cell_id: str, outputs: list[dict[str, Any]]) -> None:
        """Replace a cell's outputs (``[]`` clears them)."""
        ycell = self._ycell(cell_id)
        with self.transaction():
            self.notebook._set_ycell_outputs(ycell, [self.kept.keep(output) for output in outputs])

    def clear_outputs(self, cell_id: str) -> None:
        self.set_outputs(cell_id, [])

    def replace_outputs(self, cell_id: str, matches: Callable[[dict[str, Any]], bool],
                        output: dict[str, Any]) -> int:
        """Put ``output`` in place of each output of the cell whose metadata ``matches`` (a display
        redrawn by ``update_display_data``), leaving the others as they are. Only the metadata of
        each output is read, not its data (which may be megabytes). Returns how many were replaced."""
        ycell = self._ycell(cell_id)
        youtputs = ycell.get("outputs")
        if not isinstance(youtputs, Array):
            return 0
        found = []
        for index, youtput in enumerate(youtputs):
            metadata = youtput.get("metadata") if isinstance(youtput, Map) else None
            if isinstance(metadata, Map):  # a page may have written it as a shared map
                metadata = metadata.to_py()
            if isinstance(metadata, dict) and matches(metadata):
                found.append(index)
        if found:
            with self.transaction():
                for index in found:
                    del youtputs[index]
                    youtputs.insert(index, self.notebook._create_youtputs([self.kept.keep(output)])[0])
        return len(found)

    def set_execution_count(self, cell_id: str, count: int | None) -> None:
        ycell = self._ycell(cell_id)
        with self.transaction():
            ycell["execution_count"] = count

    def set_execution_state(self, cell_id: str, state: str) -> None:
        """JupyterLab's transient per-cell state: "idle", "busy" or "running". Not saved."""
        ycell = self._ycell(cell_id)
        with self.transaction():
            ycell["execution_state"] = state

    def set_cell_metadata(self, cell_id: str, key: str, value: Any) -> None:
        """Set (or with ``value=None`` remove) one key of a cell's metadata."""
        ycell = self._ycell(cell_id)
        with self.transaction():
            meta = ycell.get("metadata")
            if not isinstance(meta, Map):
                meta = Map({})
                ycell["metadata"] = meta
            if value is None:
                if key in meta:
                    del meta[key]
            else:
                meta[key] = value

    def set_notebook_metadata(self, key: str, value: Any) -> None:
        """Set (or with ``value=None`` remove) one key of the notebook's metadata."""
        if self.closed:
            raise DocumentClosed(self.item_id)
        meta = self.notebook._ymeta.get("metadata")
        with self.transaction():
            if not isinstance(meta, Map):
                meta = Map({})
                self.notebook._ymeta["metadata"] = meta
            if value is None:
                if key in meta:
                    del meta[key]
            else:
                # Yjs has only floating-point numbers (what YNotebook.set does too).
                meta[key] = cast_all(copy.deepcopy(value), int, float) if isinstance(value, (dict, list)) else value
