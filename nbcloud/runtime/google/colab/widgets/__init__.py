"""High level widgets for display in the output area (Colab's ``google.colab.widgets``): a grid
and a tab bar whose cells hold ordinary outputs, and Colab's interactive table."""

from google.colab.widgets._grid import Grid, create_grid
from google.colab.widgets._interactive_table import InteractiveTable
from google.colab.widgets._tabbar import TabBar
from google.colab.widgets._widget import WidgetException

__all__ = ["Grid", "InteractiveTable", "TabBar", "WidgetException", "create_grid"]
