"""Login attempt limiting: a sliding window per client address and per account."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from threading import Lock


class LoginRateLimiter:
    def __init__(self, attempts: int, window_seconds: float, clock=time.monotonic) -> None:
        self.attempts = attempts
        self.window = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def retry_after(self, *keys: str) -> int:
        """Seconds until another attempt is allowed for all keys; 0 when allowed now."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                q = self._recent(key, now)
                if len(q) >= self.attempts:
                    wait = max(wait, self.window - (now - q[0]))
        return int(wait) + 1 if wait > 0 else 0

    def record_failure(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def reset(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
