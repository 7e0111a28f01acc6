"""Tabs of output: ``tb = widgets.TabBar(['a', 'b']); with tb.output_to('b'): print('hi')``."""

from __future__ import annotations

import contextlib
import html
import json
from collections.abc import Iterator

from google.colab.widgets._widget import CapturingWidget

_SCRIPT = """<script>(function(){var root=document.getElementById(%s);if(!root)return;
var side=root.getAttribute('data-side');
var tabs=root.querySelectorAll('[role=tab]'),panels=root.querySelectorAll('[role=tabpanel]');
function pick(i){tabs.forEach(function(t,j){t.setAttribute('aria-selected',String(i===j));
t.style.fontWeight=i===j?'bold':'normal';t.style.setProperty(side+'-color',i===j?'#1a73e8':'transparent');});
panels.forEach(function(p,j){p.hidden=i!==j;});}
tabs.forEach(function(t,i){t.addEventListener('click',function(){pick(i);});});})();</script>"""

# Where the tabs sit (Colab's locations), the side of a tab that marks it selected, and the
# direction of the box that holds tabs and panels.
_LAYOUT = {
    "top": ("border-bottom", "column", "row"),
    "bottom": ("border-top", "column", "row"),
    "start": ("border-right", "row", "column"),
    "end": ("border-left", "row", "column"),
}


class TabBar(CapturingWidget):
    """Tabs whose panels hold ordinary outputs (Colab's ``widgets.TabBar``).

    ``output_to(tab, select=True)``, ``clear_tab(tab=None)``, ``remove(wait=False)`` and
    iteration (``for i in tb:`` writes into each tab in turn) as in Colab; a tab is named by its
    0-based index or by its name (a name that appears twice can only be reached by index)."""

    def __init__(self, tab_names: list[str], location: str = "top"):
        if location not in ("top", "bottom", "start", "end"):
            raise ValueError(f"Invalid value for location: {location!r}")
        super().__init__()
        self.tab_names = [str(n) for n in tab_names]
        self.location = location
        self._selected = 0
        self._publish()  # as in Colab: the tab bar shows as soon as it is made

    def _index(self, tab: int | str) -> int:
        if isinstance(tab, str):
            names = tuple(self.tab_names)
            index = names.index(tab)  # ValueError: tuple.index(x): x not in tuple, as in Colab
            if tab in names[index + 1:]:
                raise ValueError(f"Ambiguous tab name: {tab} ")
            return index
        if not 0 <= tab < len(self.tab_names):
            raise IndexError(f"no tab {tab}; this TabBar has {len(self.tab_names)} tabs")
        return tab

    def _render(self) -> str:
        side, direction, bar_direction = _LAYOUT[self.location]
        bar = "".join(
            f'<button role="tab" aria-selected="{str(i == self._selected).lower()}" '
            f'style="border:0;{side}:2px solid {"#1a73e8" if i == self._selected else "transparent"};'
            f'background:none;padding:4px 12px;cursor:pointer;font-weight:{"bold" if i == self._selected else "normal"}">'
            f"{html.escape(name)}</button>"
            for i, name in enumerate(self.tab_names)
        )
        panels = "".join(
            f'<div role="tabpanel" aria-label="{html.escape(name)}"{"" if i == self._selected else " hidden"}>'
            f"{self._cell_html(i)}</div>"
            for i, name in enumerate(self.tab_names)
        )
        orientation = "vertical" if bar_direction == "column" else "horizontal"
        tablist = (f'<div role="tablist" aria-orientation="{orientation}" '
                   f'style="display:flex;flex-direction:{bar_direction};align-items:flex-start">{bar}</div>')
        body = f'<div style="flex:1">{panels}</div>'
        body = body + tablist if self.location in ("bottom", "end") else tablist + body
        return (f'<div class="colab-tabbar" id="{self._display_id}" data-side="{side}" '
                f'style="display:flex;flex-direction:{direction};text-align:left">{body}</div>'
                + _SCRIPT % json.dumps(self._display_id))

    @contextlib.contextmanager
    def output_to(self, tab: int | str, select: bool = True) -> Iterator[None]:
        """Outputs of the block go into ``tab`` (an index or a name), which is shown if ``select``."""
        index = self._index(tab)
        if select:
            self._selected = index
        with self._capture_into(index):
            yield

    def clear_tab(self, tab: int | str | None = None) -> None:
        """Clear ``tab``; without an argument, the tab being written to (as in Colab)."""
        if tab is None:
            self._clear_active()
        else:
            self._clear(self._index(tab))

    def __iter__(self) -> Iterator[int]:
        for i in range(len(self.tab_names)):
            with self.output_to(i):
                yield i
