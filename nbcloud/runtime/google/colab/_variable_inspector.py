"""The notebook's variables, for the page's Variables panel (the hub asks; see
nbcloud/hub/execution/introspection.py).

The hub evaluates ``snapshot()`` or ``table(name)`` as a user expression of a silent execute
request (``silent=True, store_history=False``): nothing runs in the user's namespace, the
execution count, ``_`` and ``In``/``Out`` stay as they were. Only cheap facts are read from each
value (type, shape, ``nbytes``, ``len``) and its text is cut with ``reprlib``, so a huge array
or string costs no more than a small one.
"""

from __future__ import annotations

import json
import reprlib
import sys
import types
from typing import Any

from google.colab._ipython import get_ipython

MAX_VARIABLES = 500
VALUE_CHARS = 120

_ARRAY_MODULES = ("numpy", "pandas", "torch", "tensorflow", "jax", "jaxlib", "cupy", "xarray", "polars")


class _Repr(reprlib.Repr):
    """reprlib with limits, plus bytes and arrays (whose own repr numpy/pandas keep short)."""

    def __init__(self) -> None:
        super().__init__()
        self.maxstring = VALUE_CHARS
        self.maxother = VALUE_CHARS
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = self.maxdeque = 10
        self.maxdict = 10
        self.maxlevel = 3

    def repr_bytes(self, x: bytes, level: int) -> str:
        head = VALUE_CHARS // 2
        text = repr(x[:head])
        return text if len(x) <= head else text[:-1] + "..." + text[-1]

    def repr_bytearray(self, x: bytearray, level: int) -> str:
        return f"bytearray({self.repr_bytes(bytes(x[: VALUE_CHARS]), level)})"

    def repr_instance(self, x: Any, level: int) -> str:
        try:
            text = repr(x)
        except Exception:
            return f"<{type(x).__name__} object>"
        return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 3] + "..."


_repr = _Repr()


def _module_of(value: Any) -> str:
    return type(value).__module__ or ""


def _hidden(name: str, value: Any, hidden: dict[str, Any]) -> bool:
    if name.startswith("_") or isinstance(value, types.ModuleType):
        return True
    if name in hidden and hidden[name] is value:  # In, Out, exit, quit, get_ipython, ...
        return True
    module = _module_of(value)
    return module.startswith(("google.colab", "IPython.", "ipykernel."))


def _shape(value: Any) -> str | None:
    shape = getattr(value, "shape", None)
    if shape is None or not _module_of(value).startswith(_ARRAY_MODULES):
        return None
    try:
        return str(tuple(int(d) if d is not None else None for d in shape))
    except (TypeError, ValueError):
        return str(shape)[:VALUE_CHARS]


def _memory(value: Any) -> int | None:
    module = _module_of(value)
    try:
        if module.startswith("pandas"):
            usage = value.memory_usage(deep=False)
            return int(usage.sum() if hasattr(usage, "sum") else usage)
        if module.startswith("torch"):
            return int(value.element_size() * value.nelement())
        nbytes = getattr(value, "nbytes", None) if module.startswith(_ARRAY_MODULES) else None
        if isinstance(nbytes, int):
            return nbytes
        return sys.getsizeof(value)
    except Exception:
        return None


def _size(value: Any) -> str | None:
    """How many elements (arrays) or items (sized containers)."""
    try:
        if _module_of(value).startswith(_ARRAY_MODULES):
            size = getattr(value, "size", None)
            if callable(size):  # torch: size() is the shape
                size = value.numel() if hasattr(value, "numel") else None
            return str(int(size)) if size is not None else None
        if not isinstance(value, type) and hasattr(type(value), "__len__"):
            return str(len(value))
    except Exception:
        return None
    return None


def _type_name(value: Any) -> str:
    if isinstance(value, type):
        return "type"
    return type(value).__name__


def _is_dataframe(value: Any) -> bool:
    return type(value).__name__ == "DataFrame" and _module_of(value).startswith("pandas")


def describe(name: str, value: Any) -> dict[str, Any]:
    shape = _shape(value)
    size = _size(value)
    if shape is None and size is not None and not isinstance(value, (str, bytes, bytearray)):
        shape = f"{size} items"
    try:
        text = _repr.repr(value)
    except Exception:
        text = f"<{_type_name(value)} object>"
    return {
        "name": name,
        "type": _type_name(value),
        "shape": shape,
        "size": size,
        "memory": _memory(value),
        "value": text[: VALUE_CHARS + 3],
        "is_dataframe": _is_dataframe(value),
    }


class _Json:
    """A result the kernel formats as JSON (``application/json``, and its text is JSON too)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def _repr_json_(self) -> Any:
        return self.value

    def __repr__(self) -> str:
        return json.dumps(self.value)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def snapshot() -> _Json:
    """Every user variable, by name: what the Variables panel lists."""
    shell = get_ipython()
    if shell is None:
        return _Json([])
    hidden = getattr(shell, "user_ns_hidden", {}) or {}
    found = []
    for name, value in list(shell.user_ns.items()):
        if not isinstance(name, str) or _hidden(name, value, hidden):
            continue
        found.append(describe(name, value))
        if len(found) >= MAX_VARIABLES:
            break
    found.sort(key=lambda v: v["name"].lower())
    return _Json(found)


class _Table:
    def __init__(self, name: str, frame: Any) -> None:
        self.name = name
        self.frame = frame

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        from google.colab.data_table import DataTable

        rows, columns = self.frame.shape
        return {
            "text/html": DataTable(self.frame)._repr_html_(),
            "text/plain": f"{self.name}: DataFrame with {rows} rows and {columns} columns",
        }


def table(name: str) -> _Table:
    """The DataFrame variable ``name`` as Colab's interactive table."""
    shell = get_ipython()
    namespace = shell.user_ns if shell is not None else {}
    if name not in namespace:
        raise NameError(f"name {name!r} is not defined")
    value = namespace[name]
    if not _is_dataframe(value):
        raise TypeError(f"{name} is a {type(value).__name__}, not a DataFrame")
    return _Table(name, value)


_guarded = False


def guard_scratch() -> _Json:
    """A run without history (the page's scratch cell: ``store_history=False``) leaves ``_``,
    ``Out`` and ``_N`` alone: IPython's display hook would otherwise file its result under the
    last cell's number. Installed once per kernel, by the hub before its first scratch run."""
    global _guarded
    shell = get_ipython()
    if shell is None or _guarded:
        return _Json(_guarded)
    saved: list[int] = []

    def before(info: Any) -> None:
        if not getattr(info, "store_history", True):
            saved.append(shell.displayhook.cache_size)
            shell.displayhook.cache_size = 0  # update_user_ns does nothing without a cache

    def after(result: Any) -> None:
        if saved:
            shell.displayhook.cache_size = saved.pop()

    shell.events.register("pre_run_cell", before)
    shell.events.register("post_run_cell", after)
    _guarded = True
    return _Json(True)
