"""Where outputs go: the cell's own area, its header or footer, or an element of an output.

As in Colab these are JavaScript outputs that call ``google.colab.output.setActiveOutputArea``
in the page; where the page has no such area they change nothing.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

from google.colab import _ipython


def _js(code: str) -> None:
    if _ipython.in_ipython():
        from IPython import display

        display.display(display.Javascript(code))


def _set_area(selector_js: str) -> None:
    _js("(window.google && google.colab && google.colab.output && google.colab.output.setActiveOutputArea)"
        f" && google.colab.output.setActiveOutputArea({selector_js});")


@contextlib.contextmanager
def redirect_to_element(selector: str) -> Iterator[None]:
    """Send the outputs of the block into the element ``selector`` of an earlier output."""
    _set_area(f"document.querySelector({json.dumps(selector)})")
    try:
        yield
    finally:
        _set_area("null")


@contextlib.contextmanager
def _area(name: str) -> Iterator[None]:
    _set_area(f"google.colab.output.getOutputArea ? google.colab.output.getOutputArea({json.dumps(name)}) : null")
    try:
        yield
    finally:
        _set_area("null")


def to_header_area():
    """Outputs of the block go above the cell's other outputs."""
    return _area("header")


def to_footer_area():
    """Outputs of the block go below the cell's other outputs."""
    return _area("footer")


def to_default_area():
    """Outputs of the block go to the cell's own output area."""
    return _area("default")
