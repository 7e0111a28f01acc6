"""A write into a full Drive says so: "Your Drive is full (X of Y used): delete files in Drive
to write again", instead of a bare "Read-only file system".

While its owner is over quota the hub makes the mounted Drive read-only (see the hub's
``runtimes.drive_quota``) and describes it in ``/run/nbcloud/drive-quota.json``. An IPython
custom exception handler turns an ``OSError`` EROFS on a path in that Drive into
:class:`DriveFullError` (an ``OSError`` too, so ``except OSError`` in user code still works).
"""

from __future__ import annotations

import errno
import json
import os

STATE_FILE = os.path.join(os.environ.get("NBCLOUD_IPC_DIR", "/run/nbcloud"), "drive-quota.json")


class DriveFullError(OSError):
    """A write into the mounted Drive while its owner is over quota."""


def _state() -> dict | None:
    try:
        with open(STATE_FILE) as fh:
            state = json.load(fh)
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("full") else None


def _in_drive(filename: object, state: dict) -> bool:
    if not isinstance(filename, (str, bytes, os.PathLike)):
        return True  # no path given (a write on an open file): the Drive is the read-only thing here
    path = os.path.realpath(os.path.join(os.getcwd(), os.fsdecode(filename)))
    target = str(state.get("target", ""))
    return bool(target) and (path == target or path.startswith(target.rstrip("/") + "/"))


def explain(value: BaseException) -> BaseException:
    """The error to show for ``value``: a DriveFullError when the Drive being full caused it."""
    if not isinstance(value, OSError) or value.errno != errno.EROFS:
        return value
    state = _state()
    if state is None or not (_in_drive(value.filename, state) or _in_drive(value.filename2, state)):
        return value
    message = (f"Your Drive is full ({state.get('used')} of {state.get('quota')} used): "
               "delete files in Drive to write again")
    full = DriveFullError(errno.EROFS, message, value.filename)
    full.__cause__ = value
    return full


def _handler(shell, etype, value, tb, tb_offset=None):
    value = explain(value)
    etype = type(value)
    stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    shell._showtraceback(etype, value, stb)
    return stb


def install(ip) -> None:
    ip.set_custom_exc((OSError,), _handler)
