"""The hub's own messages on a document socket, beside y-websocket's sync and awareness.

    [100, varString(JSON)]

JSON objects, by ``type``:

    {"type": "hello", "epoch": "…"}
        The first frame on every socket. ``epoch`` is new each time the hub loads the notebook
        from disk (a hub restart, or reopening after everyone left). A page that holds a document
        from another epoch must not sync it (its cells would be added a second time): it drops
        it, loads the hub's, and re-applies only its own unsaved edits.
    {"type": "save", "state": "saving" | "saved" | "failed", "error": str | null,
     "retry_in": seconds | null, "saved": {client id: clock}}
        Autosave, to every page of the notebook. ``saved`` is the state vector of the document
        last written to disk: a page's edits up to that clock of its own client id are safe.
        After a failure the hub keeps the edits and tries again after ``retry_in`` seconds.
    {"type": "rejected", "message": "…"}
        To the sender of an update that would make the notebook unsavable, just before its
        socket is closed with 4400 (see routes.py). Nobody else sees the update.
"""

from __future__ import annotations

import json
from typing import Any

from pycrdt import Encoder

MESSAGE_HUB = 100


def hub_message(body: dict[str, Any]) -> bytes:
    enc = Encoder()
    enc.write_var_uint(MESSAGE_HUB)
    enc.write_var_string(json.dumps(body, separators=(",", ":")))
    return enc.to_bytes()


def hello(epoch: str) -> bytes:
    return hub_message({"type": "hello", "epoch": epoch})


def save_status(state: str, *, error: str | None, retry_in: float | None, saved: dict[int, int]) -> bytes:
    return hub_message({
        "type": "save",
        "state": state,
        "error": error,
        "retry_in": retry_in,
        "saved": {str(client): clock for client, clock in saved.items()},
    })


def rejected(message: str) -> bytes:
    return hub_message({"type": "rejected", "message": message})
