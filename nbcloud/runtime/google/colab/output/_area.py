"""Where outputs go, and how tall the output may grow, as Colab's ``google.colab.output``.

Each is a small JavaScript output that calls the output frame's ``google.colab.output`` API, as
Colab's own are. nbcloud shows each rich output in its own frame (Colab: one frame per cell),
so ``redirect_to_element`` and the header/footer areas reach only elements of the output that
makes the call; ``no_vertical_scroll`` applies to every output of the cell.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

from google.colab import _ipython

_API = "google.colab.output"


def _js(code: str) -> None:
    if _ipython.in_ipython():
        from IPython import display

        display.display(display.Javascript(code))


def _set_area(element_js: str) -> None:
    _js(f"{_API}.setActiveOutputArea({element_js});")


def _element(selector: str) -> str:
    return f"document.querySelector({json.dumps(selector)})"


@contextlib.contextmanager
def redirect_to_element(selector: str) -> Iterator[None]:
    """Redirect the block's outputs to the element ``selector`` (a CSS selector), then restore."""
    _set_area(_element(selector))
    try:
        yield
    finally:
        _set_area(f"{_API}.getDefaultOutputArea()")


@contextlib.contextmanager
def to_header_area() -> Iterator[None]:
    """Will redirect output to a header."""
    with redirect_to_element("#output-header") as s:
        yield s


@contextlib.contextmanager
def to_footer_area() -> Iterator[None]:
    """Will redirect output to a footer."""
    with redirect_to_element("#output-footer") as s:
        yield s


@contextlib.contextmanager
def to_default_area() -> Iterator[None]:
    """Restores output to output into default area."""
    _set_area(f"{_API}.getDefaultOutputArea()")
    yield


def no_vertical_scroll() -> None:
    """Never show a vertical scrollbar for the output.

    The output cell will be as large as necessary to show all the output.
    """
    _js(f"{_API}.setIframeHeight(-1, true, {{interactive: true, maxHeight: 99999}});")
