"""Tagging outputs and clearing only the tagged ones.

Like Colab, a zero-size display message with metadata ``{"outputarea": {"nodisplay": true,
"add_tags": [...], "remove_tags": [...]}}`` changes the tags of the outputs that follow, and a
``clear_output`` message with ``output_tags`` removes only outputs carrying all those tags.
The nbcloud hub applies both when it writes outputs into the notebook.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import uuid
from collections.abc import Iterable, Iterator

from google.colab import _ipython

_local = threading.local()


def _tags() -> set[str]:
    """This thread's active tags, made on first use."""
    if not hasattr(_local, "tags"):
        _local.tags = set()
    tags: set[str] = _local.tags
    return tags


def _active_tags() -> set[str] | None:
    return getattr(_local, "tags", None)


def _as_list(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _change_tags(add: Iterable[str] = (), remove: Iterable[str] = ()) -> set[str]:
    tags = _tags()
    add, remove = tuple(add), tuple(remove)
    tags.update(add)
    tags.difference_update(remove)
    sys.stdout.flush()
    sys.stderr.flush()
    if _ipython.in_ipython():
        from IPython import display

        display.publish_display_data({}, metadata={"outputarea": {"nodisplay": True, "add_tags": add, "remove_tags": remove}})
    return tags


def reset_tags() -> None:
    """Forget the active tags (an escape hatch if a context was never closed)."""
    if hasattr(_local, "tags"):
        del _local.tags


def get_active_tags() -> set[str]:
    return set(_active_tags() or ())


@contextlib.contextmanager
def use_tags(tags: str | Iterable[str], append: bool = True) -> Iterator[set[str]]:
    """Mark every output made inside the block with ``tags`` (see ``clear``)."""
    wanted = _as_list(tags)
    current = set(_tags())
    added = set(wanted) - current
    removed = set() if append else current - set(wanted)
    try:
        yield _change_tags(add=added, remove=removed)
    finally:
        _change_tags(add=removed, remove=added)


def clear(wait: bool = False, output_tags: str | Iterable[str] = ()) -> None:
    """Clear the cell's output, or only outputs marked with all of ``output_tags``."""
    tags = tuple(_as_list(output_tags))
    sys.stdout.flush()
    sys.stderr.flush()
    ip = _ipython.get_ipython()
    kernel = getattr(ip, "kernel", None)
    pub = getattr(getattr(ip, "display_pub", None), "pub_socket", None)
    if kernel is None or pub is None:
        from IPython.display import clear_output

        clear_output(wait=wait)
        return
    kernel.session.send(
        pub, "clear_output", {"wait": wait, "output_tags": tags},
        parent=ip.display_pub.parent_header, ident=ip.display_pub.topic,
    )


@contextlib.contextmanager
def temporary() -> Iterator[str]:
    """Outputs made inside the block are cleared when it ends (not when it raises)."""
    tag = str(uuid.uuid4())
    with use_tags(tag):
        yield tag
    clear(output_tags=tag)
