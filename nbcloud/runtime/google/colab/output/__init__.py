"""Colab's output helpers: JavaScript in the cell's output, callbacks, tags, output areas."""

from google.colab.output import _widgets  # noqa: F401  (anywidget reads _widgets._installed_url, as in Colab)
from google.colab.output._area import (
    no_vertical_scroll,
    redirect_to_element,
    to_default_area,
    to_footer_area,
    to_header_area,
)
from google.colab.output._js import eval_js, register_callback, unregister_callback
from google.colab.output._ports import serve_kernel_port_as_iframe, serve_kernel_port_as_window
from google.colab.output._tags import clear, get_active_tags, reset_tags, temporary, use_tags

__all__ = [
    "clear", "disable_custom_widget_manager", "enable_custom_widget_manager", "eval_js", "get_active_tags",
    "no_vertical_scroll", "redirect_to_element", "register_callback", "reset_tags", "serve_kernel_port_as_iframe",
    "serve_kernel_port_as_window", "temporary", "to_default_area", "to_footer_area", "to_header_area",
    "unregister_callback", "use_tags",
]


def enable_custom_widget_manager() -> None:
    """Colab turns on third-party ipywidgets this way; nbcloud renders them without a switch."""


def disable_custom_widget_manager() -> None:
    """See enable_custom_widget_manager."""
