"""Where the running IPython shell and kernel are, if any."""

from __future__ import annotations

from typing import Any


def get_ipython() -> Any:
    try:
        from IPython import get_ipython as _get
    except ImportError:
        return None
    return _get()


def in_ipython() -> bool:
    return get_ipython() is not None


def get_kernelapp() -> Any:
    from ipykernel.kernelapp import IPKernelApp

    if not IPKernelApp.initialized():
        raise RuntimeError("google.colab needs a running kernel: run this code in a notebook cell.")
    return IPKernelApp.instance()


def get_kernel() -> Any:
    return get_kernelapp().kernel


def current_parent() -> dict[str, Any]:
    """The request the kernel is executing now (the cell's execute_request)."""
    kernel = get_kernel()
    try:
        parent = kernel.get_parent("shell")
    except TypeError:  # older ipykernel: get_parent() without a channel
        parent = kernel.get_parent()
    return parent or {}
