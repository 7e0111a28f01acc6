"""A grid of output cells: ``grid = widgets.Grid(2, 2); with grid.output_to(0, 1): print('hi')``."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator

from google.colab.widgets._widget import CapturingWidget


class Grid(CapturingWidget):
    def __init__(self, rows: int, columns: int, header_row: bool = False, header_column: bool = False,
                 style: str | None = None):
        super().__init__()
        if rows < 1 or columns < 1:
            raise ValueError("A grid needs at least one row and one column.")
        self.rows, self.columns = int(rows), int(columns)
        self.header_row, self.header_column = header_row, header_column
        self._style = style or ""

    def _check(self, row: int, col: int) -> tuple[int, int]:
        if not (0 <= row < self.rows and 0 <= col < self.columns):
            raise IndexError(f"cell ({row}, {col}) is outside this {self.rows}x{self.columns} grid")
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

    def clear_cell(self, row: int | None = None, column: int | None = None) -> None:
        """Clear cell (row, column); without arguments, the cell being written to (as in Colab)."""
        if row is None:
            self._clear_active()
            return
        self._clear(self._check(row, column if column is not None else 0))

    def __iter__(self) -> Iterator[tuple[int, int]]:
        """Visit every cell in order, with outputs going into it: ``for row, col in grid: ...``."""
        for r in range(self.rows):
            for c in range(self.columns):
                with self.output_to(r, c):
                    yield r, c


def create_grid(rows: int, columns: int, **kwargs) -> Grid:
    """A Grid, shown at once."""
    grid = Grid(rows, columns, **kwargs)
    grid._publish()
    return grid
