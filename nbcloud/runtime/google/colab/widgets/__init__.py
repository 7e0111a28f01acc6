"""Layout widgets: a grid and a tab bar whose cells hold ordinary outputs."""

from google.colab.widgets._grid import Grid, create_grid
from google.colab.widgets._tabbar import TabBar

__all__ = ["Grid", "TabBar", "create_grid"]
