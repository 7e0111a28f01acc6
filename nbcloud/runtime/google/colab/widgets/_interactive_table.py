"""Colab's interactive table: a pandas DataFrame, a page at a time, sortable (an anywidget).

The widget and its browser code (``_interactive_table.js``/``.css``, copied from Colab's
colabtools, Apache License 2.0) are Colab's. It needs the ``anywidget`` package, which Colab
preinstalls; where it is missing, making a table says how to install it.
"""

from __future__ import annotations

import importlib.resources
from typing import Any

try:
    import anywidget
    import traitlets
except ImportError:  # the runtime environment without anywidget
    anywidget = None  # type: ignore[assignment]
    traitlets = None  # type: ignore[assignment]

MISSING = ("widgets.InteractiveTable needs the anywidget package, which this runtime does not have: "
           "run !pip install anywidget, then run this cell again.")


def _try_load_resource(fn: str) -> str:
    try:
        return importlib.resources.files("google.colab.widgets").joinpath(fn).read_text()
    except FileNotFoundError:
        print(f"Warning: {fn!r} not found")
        return ""


if anywidget is not None and traitlets is not None:

    class InteractiveTable(anywidget.AnyWidget):  # type: ignore[misc]
        """An interactive table anywidget for Colab."""

        _css = _try_load_resource("_interactive_table.css")
        _esm = _try_load_resource("_interactive_table.js")

        data: Any = None  # the whole DataFrame, on the Python side only

        active_data: Any = traitlets.List().tag(sync=True)
        columns: Any = traitlets.List().tag(sync=True)
        rows = traitlets.Int(0).tag(sync=True)
        page_num = traitlets.Int(0).tag(sync=True)
        page_size = traitlets.Int(10).tag(sync=True)
        sort_column = traitlets.Int(None, allow_none=True).tag(sync=True)
        sort_ascending = traitlets.Bool(True).tag(sync=True)

        def __init__(self, df: Any = None, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            if df is not None:
                self.set_data(df)

        @traitlets.observe("page_num", "page_size", "sort_column", "sort_ascending")
        def _observe_state_change(self, _: Any) -> None:
            self.update_active_data()

        def set_page(self, page_num: int) -> None:
            if page_num != self.page_num:
                self.page_num = page_num
                self.update_active_data()

        def update_active_data(self) -> None:
            if self.data is None:
                return
            start_row = self.page_num * self.page_size
            end_row = start_row + self.page_size
            if self.sort_column is not None:
                self.data.sort_values(by=self.columns[self.sort_column], ascending=self.sort_ascending, inplace=True)
            self.active_data = self.data[start_row:end_row].to_dict(orient="records")

        def set_data(self, df: Any) -> None:
            self.data = df
            self.rows = len(self.data)
            self.columns = df.columns.tolist()
            self.page_num = 0
            self.update_active_data()

else:

    class InteractiveTable:  # type: ignore[no-redef]
        """Stands in for Colab's table where anywidget is missing, and says so when made."""

        def __init__(self, df: Any = None, **kwargs: Any) -> None:
            raise ImportError(MISSING)
