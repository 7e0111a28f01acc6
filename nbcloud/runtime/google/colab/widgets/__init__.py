"""High level widgets for display in the output area (Colab's ``google.colab.widgets``): a grid
and a tab bar whose cells hold ordinary outputs, and Colab's interactive table."""

import importlib as _importlib
from typing import Any as _Any

from google.colab.widgets._grid import Grid, create_grid
from google.colab.widgets._tabbar import TabBar
from google.colab.widgets._widget import WidgetException

__all__ = ["Grid", "InteractiveTable", "TabBar", "WidgetException", "create_grid"]

# Imported on first use, not with the package as Colab does: it brings anywidget, and with it
# ipywidgets and psygnal (about 60 modules), into every kernel at start, so an idle runtime would
# use more memory than on the hub's own environment. Notebooks see no difference.
_LAZY = {"InteractiveTable": "google.colab.widgets._interactive_table"}


def __getattr__(name: str) -> _Any:
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
