"""Jupyter iopub messages as nbformat outputs."""

from __future__ import annotations

from typing import Any

OUTPUT_MESSAGES = frozenset({"stream", "display_data", "execute_result", "error", "update_display_data"})


def to_output(msg_type: str, content: dict[str, Any]) -> dict[str, Any] | None:
    """The nbformat 4 output for one iopub message, or None when it is not an output."""
    if msg_type == "stream":
        return {"output_type": "stream", "name": content.get("name", "stdout"), "text": content.get("text", "")}
    if msg_type in ("display_data", "update_display_data"):
        return {
            "output_type": "display_data",
            "data": content.get("data", {}),
            "metadata": content.get("metadata", {}),
        }
    if msg_type == "execute_result":
        return {
            "output_type": "execute_result",
            "execution_count": content.get("execution_count"),
            "data": content.get("data", {}),
            "metadata": content.get("metadata", {}),
        }
    if msg_type == "error":
        return {
            "output_type": "error",
            "ename": content.get("ename", "Error"),
            "evalue": content.get("evalue", ""),
            "traceback": list(content.get("traceback", [])),
        }
    return None


def crash_output(message: str) -> dict[str, Any]:
    """What a cell shows when its runtime died under it."""
    return {"output_type": "error", "ename": "RuntimeCrashed", "evalue": message, "traceback": [
        f"\x1b[0;31mRuntimeCrashed\x1b[0m: {message}. The runtime was restarted; your notebook is intact."
    ]}
