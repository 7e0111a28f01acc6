"""What Grid and TabBar share: one display output that is redrawn as its cells fill.

Outputs made inside ``with widget.output_to(...)`` are captured (stdout, stderr and rich
displays), turned into HTML and put into the cell of the widget; the widget's display is then
updated in place (``update_display_data``). Everything renders in one sandboxed output frame.

As in Colab, matplotlib figures drawn inside the block are shown in that cell when the block
ends (the inline backend would otherwise show them after the whole notebook cell), and
``clear_cell()`` / ``clear_tab()`` without arguments clear the cell being written to. A widget
made inside another one's cell (a TabBar in a Grid cell) redraws in place there too.

As in Colab a widget shows as soon as it is made, and ``remove()`` takes it out of the output
(its cells' contents with it); writing to it again shows it again, empty but for the new output.
"""

from __future__ import annotations

import base64
import contextlib
import html
import sys
import uuid
from collections.abc import Iterator
from typing import Any

from google.colab import errors

WidgetException = errors.WidgetException


def output_html(data: dict[str, Any]) -> str:
    """One rich output as an HTML fragment (the richest form first)."""
    if "text/html" in data:
        return str(data["text/html"])
    if "image/svg+xml" in data:
        return str(data["image/svg+xml"])
    for mime in ("image/png", "image/jpeg", "image/gif"):
        if mime in data:
            raw = data[mime]
            b64 = raw if isinstance(raw, str) else base64.b64encode(raw).decode()
            return f'<img src="data:{mime};base64,{b64.strip()}">'
    if "text/markdown" in data:
        return f"<pre>{html.escape(str(data['text/markdown']))}</pre>"
    if "text/plain" in data:
        return f"<pre>{html.escape(str(data['text/plain']))}</pre>"
    return ""


def flush_figures() -> None:
    """Show the matplotlib figures drawn so far (the inline backend's end-of-cell step)."""
    sys.stdout.flush()
    sys.stderr.flush()
    if "matplotlib" not in sys.modules:
        return
    try:
        from matplotlib_inline.backend_inline import flush_figures as flush
    except ImportError:  # pragma: no cover - matplotlib without the inline backend
        return
    flush()


class CapturingWidget:
    """A display output made of cells of captured output."""

    STYLE = ""

    def __init__(self) -> None:
        self._display_id = "colab-widget-" + uuid.uuid4().hex[:12]
        # cell key -> [(display id of the output or None, html)]
        self._cells: dict[Any, list[tuple[str | None, str]]] = {}
        self._shown = False
        self._active: tuple[Any, Any] | None = None  # (cell key, its capture) while a block runs
        self._removed = False

    # subclasses draw themselves
    def _render(self) -> str:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self._render()

    def _publish(self) -> None:
        from IPython.display import HTML, display

        self._removed = False
        if self._shown:
            display(HTML(self._render()), display_id=self._display_id, update=True)
        else:
            display(HTML(self._render()), display_id=self._display_id)
            self._shown = True

    def _cell_html(self, key: Any) -> str:
        return "".join(part for _display_id, part in self._cells.get(key, []))

    @contextlib.contextmanager
    def _capture_into(self, key: Any) -> Iterator[None]:
        from IPython.utils.capture import capture_output

        if self._active is not None:
            raise WidgetException("Already inside a component: finish that `with ... output_to(...)` block first")
        if not self._shown or self._removed:
            self._publish()
        captured = None
        try:
            with capture_output(stdout=True, stderr=True, display=True) as captured:
                self._active = (key, captured)
                try:
                    yield
                finally:
                    try:
                        flush_figures()
                    finally:
                        self._active = None
        finally:
            # Also when the block raised, or never resumed: `for p, _ in zip(names, grid)` leaves
            # the grid's last cell open until the loop lets go of it (GeneratorExit).
            if captured is not None:
                self._commit(key, captured)

    def _commit(self, key: Any, captured: Any) -> None:
        parts = self._cells.setdefault(key, [])
        if captured.stdout:
            parts.append((None, f"<pre>{html.escape(captured.stdout)}</pre>"))
        if captured.stderr:
            parts.append((None, f'<pre style="background:#fdd">{html.escape(captured.stderr)}</pre>'))
        for out in captured.outputs:
            display_id = (getattr(out, "transient", None) or {}).get("display_id")
            fragment = output_html(out.data)
            if getattr(out, "update", False):
                # update_display_data: redraw the earlier output(s) with that id where they are
                parts[:] = [(d, fragment if d == display_id else h) for d, h in parts]
            else:
                parts.append((display_id, fragment))
        self._publish()

    def _clear(self, key: Any) -> None:
        self._cells[key] = []
        if self._active is not None and self._active[0] == key:
            # what the running block has written so far goes too
            captured = self._active[1]
            sys.stdout.flush()
            sys.stderr.flush()
            for name in ("_stdout", "_stderr"):
                stream = getattr(captured, name, None)
                if stream is not None:
                    stream.seek(0)
                    stream.truncate()
            outputs = getattr(captured, "_outputs", None)
            if outputs is not None:
                del outputs[:]
        if self._shown and not self._removed:
            self._publish()

    def remove(self, wait: bool = False) -> None:
        """Take the widget out of the output, with everything in it (Colab's ``remove``).
        ``wait`` is accepted as in Colab; the widget goes at once either way."""
        from IPython.display import HTML, display

        sys.stdout.flush()
        sys.stderr.flush()
        self._cells.clear()
        if self._shown:
            display(HTML(""), display_id=self._display_id, update=True)
        self._removed = True

    def _clear_active(self) -> None:
        if self._active is None:
            raise WidgetException("No active component selected: call this inside `with ... output_to(...)`, "
                                  "or name the one to clear")
        self._clear(self._active[0])
