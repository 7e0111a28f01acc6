"""Recently seen browser sessions, so that a request does not read the database to learn who
sent it (every cell run is a request: this is on the hot path).

An entry lives ``ttl`` seconds at most and never past its session's expiry. This process forgets
everything at once whenever a session ends or an account changes here (sign-out, password,
administration); another hub process behind the same database learns of it within ``ttl``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from nbcloud.hub.auth.accounts import Principal
from nbcloud.hub.db.models import utcnow

DEFAULT_TTL_SECONDS = 5.0
MAX_ENTRIES = 10_000


class PrincipalCache:
    def __init__(self, ttl: float = DEFAULT_TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()  # dependencies also run in worker threads

    def get(self, digest: str) -> Principal | None:
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            until, principal = entry
            session = principal.session
            if self.clock() >= until or (session is not None and session.expires_at <= utcnow()):
                del self._entries[digest]
                return None
            return principal

    def put(self, digest: str, principal: Principal) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[digest] = (self.clock() + self.ttl, principal)

    def forget_all(self) -> None:
        """A session ended or an account changed: ask the database again for everyone."""
        with self._lock:
            self._entries.clear()
