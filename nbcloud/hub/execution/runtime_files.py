"""The /content of a notebook's runtime, for the Files panel (files_routes.py) and for
``files.view()`` from a cell (colab.py)."""

from __future__ import annotations

from nbcloud.hub.errors import Conflict, NotSupported
from nbcloud.hub.execution.protocols import SessionHandle
from nbcloud.hub.runtimes.files import RuntimeFiles

NO_RUNTIME = ("This notebook is not connected to a runtime yet. Run a cell, or wait for the runtime to "
              "connect, then refresh the Files panel.")
NO_FILES = "This kind of runtime does not show its files here. Use files.download() in a cell instead."


def runtime_files(session: SessionHandle) -> RuntimeFiles:
    """The /content of the session's runtime: Conflict ``no_runtime`` while it has none,
    NotSupported when its backend does not declare the "files" capability."""
    runtime = session.runtime
    if runtime is None:
        raise Conflict(NO_RUNTIME, code="no_runtime")
    if not session.backend.capabilities.files:
        raise NotSupported(NO_FILES, code="not_supported")
    return session.backend.files(runtime)
