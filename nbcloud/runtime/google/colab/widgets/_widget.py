"""What Grid and TabBar share: one display output that is redrawn as its cells fill.

Outputs made inside ``with widget.output_to(...)`` are captured (stdout, stderr and rich
displays), turned into HTML and put into the cell of the widget; the widget's display is then
updated in place (``update_display_data``). Everything renders in one sandboxed output frame.
"""

from __future__ import annotations

import base64
import contextlib
import html
import uuid
from collections.abc import Iterator
from typing import Any


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


class CapturingWidget:
    """A display output made of cells of captured output."""

    STYLE = ""

    def __init__(self) -> None:
        self._display_id = "colab-widget-" + uuid.uuid4().hex[:12]
        self._cells: dict[Any, list[str]] = {}
        self._shown = False

    # subclasses draw themselves
    def _render(self) -> str:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self._render()

    def _publish(self) -> None:
        from IPython.display import HTML, display

        if self._shown:
            display(HTML(self._render()), display_id=self._display_id, update=True)
        else:
            display(HTML(self._render()), display_id=self._display_id)
            self._shown = True

    def _cell_html(self, key: Any) -> str:
        return "".join(self._cells.get(key, []))

    @contextlib.contextmanager
    def _capture_into(self, key: Any) -> Iterator[None]:
        from IPython.utils.capture import capture_output

        if not self._shown:
            self._publish()
        with capture_output(stdout=True, stderr=True, display=True) as captured:
            try:
                yield
            finally:
                pass
        parts = self._cells.setdefault(key, [])
        if captured.stdout:
            parts.append(f"<pre>{html.escape(captured.stdout)}</pre>")
        if captured.stderr:
            parts.append(f'<pre style="background:#fdd">{html.escape(captured.stderr)}</pre>')
        for out in captured.outputs:
            parts.append(output_html(out.data))
        self._publish()

    def _clear(self, key: Any) -> None:
        self._cells[key] = []
        if self._shown:
            self._publish()
