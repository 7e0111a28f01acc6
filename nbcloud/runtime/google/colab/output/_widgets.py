"""Colab's switch for third-party Jupyter widgets (``google.colab.output._widgets``).

Colab renders widgets outside ipywidgets' own only after ``enable_custom_widget_manager()``, which
points its frames at a widget manager on Google's CDN; ``_installed_url`` is that manager's URL.
nbcloud renders every installed widget package without a switch (the hub serves their front ends
from the runtime environment), so there is no manager to install and ``_installed_url`` stays None:
libraries that read it (anywidget does, when it sees ``google.colab``) then add no Colab metadata.
"""

from __future__ import annotations

_installed_url: str | None = None


def enable_custom_widget_manager(version: str = "5.0.0a") -> None:
    """Colab turns on third-party ipywidgets this way; nbcloud renders them without a switch."""


def disable_custom_widget_manager() -> None:
    """See enable_custom_widget_manager."""
