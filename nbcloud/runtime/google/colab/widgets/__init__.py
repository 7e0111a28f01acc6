"""Layout widgets: a grid and a tab bar whose cells hold ordinary outputs."""

from google.colab.widgets._grid import Grid, create_grid
from google.colab.widgets._tabbar import TabBar
from google.colab.widgets._widget import WidgetException

__all__ = ["Grid", "TabBar", "WidgetException", "create_grid"]
