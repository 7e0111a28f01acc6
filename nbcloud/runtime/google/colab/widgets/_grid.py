"""A grid of output cells: ``grid = widgets.Grid(2, 2); with grid.output_to(0, 1): print('hi')``."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from google.colab.widgets._widget import CapturingWidget, WidgetException


class Grid(CapturingWidget):
    """A table whose cells hold ordinary outputs (Colab's ``widgets.Grid``).

    ``output_to(row, column)``, ``clear_cell(row=None, col=None)``, ``remove(wait=False)`` and
    iteration (``for row, col in grid:`` writes into each cell in turn) as in Colab."""

    def __init__(self, rows: int, columns: int, header_row: bool = False, header_column: bool = False,
                 style: str = ""):
        super().__init__()
        self.rows, self.columns = int(rows), int(columns)
        self.header_row, self.header_column = header_row, header_column
        self._style = style or ""
        self._publish()  # as in Colab: the grid shows as soon as it is made

    def _check(self, row: int, col: int) -> tuple[int, int]:
        if row < 0 or col < 0 or row >= self.rows or col >= self.columns:
            raise WidgetException(f"Cell ({row}, {col}) is outside of boundaries of {self.rows}x{self.columns} grid")
        return row, col

    def _render(self) -> str:
        rows = []
        for r in range(self.rows):
            cells = []
            for c in range(self.columns):
                tag = "th" if (r == 0 and self.header_row) or (c == 0 and self.header_column) else "td"
                cells.append(f'<{tag} class="colab-grid-cell" data-row="{r}" data-col="{c}" '
                             f'style="border:1px solid #ccc;padding:4px;vertical-align:top;text-align:left">{self._cell_html((r, c))}</{tag}>')
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return (f'<table class="colab-grid" id="{self._display_id}" style="border-collapse:collapse;'
                f'{html.escape(self._style)}">' + "".join(rows) + "</table>")

    @contextlib.contextmanager
    def output_to(self, row: int, column: int) -> Iterator[None]:
        """Outputs of the block go into cell (row, column)."""
        with self._capture_into(self._check(row, column)):
            yield

    def clear_cell(self, row: int | None = None, col: int | None = None) -> None:
        """Clear cell (row, col); without arguments, the cell being written to (as in Colab)."""
        if row is None:
            self._clear_active()
            return
        if row < 0 or row >= self.rows:
            raise ValueError(f"{row} is not a valid row")
        if col is None or col < 0 or col >= self.columns:
            raise ValueError(f"{col} is not a valid column")
        self._clear((row, col))

    def __iter__(self) -> Iterator[tuple[int, int]]:
        """Visit every cell in order, with outputs going into it: ``for row, col in grid: ...``."""
        for r in range(self.rows):
            for c in range(self.columns):
                with self.output_to(r, c):
                    yield r, c


    def _populate(self, row_data: Iterable[Any], col_data: Iterable[Any], render: Callable[[Any, Any], Any],
                  header_render: Callable[[Any], Any] | None = None) -> Grid:
        """Fill the grid with ``render(row, col)`` of every pair (Colab's ``create_grid``)."""
        from IPython.display import display

        def display_one_cell(render_func: Callable[..., Any], *args: Any) -> None:
            result = render_func(*args)
            if result is not None:
                display(result)

        header = header_render or display
        rows, cols = list(row_data), list(col_data)
        row_offset = 1 if self.header_row else 0
        col_offset = 1 if self.header_column else 0
        if row_offset + len(rows) > self.rows or col_offset + len(cols) > self.columns:
            raise WidgetException(f"Can not fit {len(rows)}x{len(cols)} data into {self.rows}x{self.columns} grid. ")
        for row, col in self:
            row -= row_offset
            col -= col_offset
            if row >= len(rows) or col >= len(cols) or (row < 0 and col < 0):
                continue
            if row < 0:
                display_one_cell(header, cols[col])
            elif col < 0:
                display_one_cell(header, rows[row])
            else:
                display_one_cell(render, rows[row], cols[col])
        return self


def create_grid(row_data: Iterable[Any], col_data: Iterable[Any], render: Callable[[Any, Any], Any],
                header_render: Callable[[Any], Any] | None = None, header_row: bool = True,
                header_column: bool = True) -> Grid:
    """A Grid of ``render(row, col)`` for every row and column, with the rows and columns as
    headers (Colab's ``widgets.create_grid``): ``create_grid(x, y, render=lambda a, b: a * b)``."""
    rows, cols = list(row_data), list(col_data)
    grid = Grid(len(rows) + header_row, len(cols) + header_column, header_row=header_row,
                header_column=header_column)
    return grid._populate(rows, cols, render, header_render)
