"""The person's secrets (Colab's "Secrets" panel), as granted to this notebook.

``get(key)`` sends the request ``GetSecret`` with ``{"key": key}``; the nbcloud hub answers it
from its secrets store with ``{"exists": bool, "access": bool, "payload": str}``.
"""

from __future__ import annotations

import threading

from google.colab import _message, errors


class NotebookAccessError(errors.Error):
    """The secret exists but this notebook was not given access to it."""

    def __init__(self, key: str):
        super().__init__(f"Notebook does not have access to secret {key}. Grant this notebook access to it "
                         "in the Secrets panel (or PUT /api/secrets/{key}/grants/{notebook id}) and run the cell again.")


class SecretNotFoundError(errors.Error):
    """No secret of that name exists."""

    def __init__(self, key: str):
        super().__init__(f"Secret {key} does not exist. Add it in the Secrets panel (or POST /api/secrets) first.")


_lock = threading.Lock()


def get(key: str) -> str:
    """The value of secret ``key``. Raises SecretNotFoundError or NotebookAccessError."""
    with _lock:  # replies are read from one stdin socket: one request at a time
        reply = _message.blocking_request("GetSecret", request={"key": key}, timeout_sec=None) or {}
    if not reply.get("exists", False):
        raise SecretNotFoundError(key)
    if not reply.get("access", False):
        raise NotebookAccessError(key)
    return reply.get("payload", "")
