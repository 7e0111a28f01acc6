"""Which load of a notebook a page's document comes from.

Each time the hub loads a notebook from disk (a hub restart, or reopening after everyone left) it
builds a new Y document: same cells, new Y items. A page that kept the document of an earlier
load and synced it into this one would add every cell a second time. So each load has an epoch
(a random token, sent in the hub's hello, see hub_messages.py), and a page's sync step 1 that
has content but lacks what this load wrote is refused (StaleDocument; closed with 4409).
"""

from __future__ import annotations

import secrets
from typing import Any

from pycrdt import Doc

from nbcloud.hub.documents.state_vector import decode_state_vector


class StaleDocument(Exception):
    """A client holds the document of an earlier load (before a hub restart or a reopen)."""


class LoadEpoch:
    """This load of one notebook: its token, and the clock this load's own client reached."""

    def __init__(self, doc: Doc[Any]) -> None:
        self.token = secrets.token_urlsafe(12)
        self._client = doc.client_id
        self._clock = decode_state_vector(doc.get_state()).get(self._client, 0)

    def check(self, state_vector: bytes, item_id: str) -> None:
        """Raise StaleDocument when a page's state vector has content but not what this load
        wrote: it was synced with an earlier load."""
        theirs = decode_state_vector(state_vector)
        if theirs and theirs.get(self._client, 0) < self._clock:
            raise StaleDocument(item_id)
