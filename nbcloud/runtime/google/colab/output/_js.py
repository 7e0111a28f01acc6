"""JavaScript evaluated in the cell's output frame, and Python callbacks it can call."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from google.colab import _message

_functions: dict[str, Callable[..., Any]] = {}


def eval_js(script: str, ignore_result: bool = False, timeout_sec: float | None = None) -> Any:
    """Evaluate ``script`` in the running cell's output and return its (JSON) result.

    A Promise is awaited by the page. With ``ignore_result`` this returns at once.
    """
    request_id = _message.send_request("cell_javascript_eval", {"script": script})
    if ignore_result:
        return None
    return _message.read_reply_from_input(request_id, timeout_sec)


def register_callback(function_name: str, callback: Callable[..., Any]) -> None:
    """Let output JavaScript call ``callback`` through
    ``google.colab.kernel.invokeFunction(function_name, args, kwargs)``."""
    _functions[function_name] = callback


def unregister_callback(function_name: str) -> None:
    """Removes a function previously registered by register_callback.

    Raises ValueError if no callback is registered as ``function_name`` (Colab's message).
    """
    try:
        del _functions[function_name]
    except KeyError as e:
        raise ValueError(f"Callback function not registered: {function_name}.") from e


def _invoke_function(function_name: str, json_args: str, json_kwargs: str) -> Any:
    """Called by the page (as code run in the kernel) to invoke a registered callback."""
    callback = _functions.get(function_name)
    if callback is None:
        raise ValueError(f"Function not found: {function_name}. Register it with output.register_callback first.")
    return callback(*json.loads(json_args), **json.loads(json_kwargs))
