"""The runtime itself."""

from google.colab import _message


def unassign() -> None:
    """Disconnect and delete this runtime (the notebook gets a fresh one on its next run)."""
    _message.blocking_request("unassign_runtime", {}, timeout_sec=30)
