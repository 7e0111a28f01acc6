"""Login throttling per (account, client address), with a growing back-off.

Failures are counted per pair, never per address or per account alone: wrong passwords for alice
sent from one address (a kernel, a shared NAT, a classroom) neither block bob from that address
nor alice from anywhere else. ``attempts`` failures of a pair inside ``window_seconds`` are free;
each further failure doubles the wait before the next try (1 s, 2 s, 4 s ... capped at the
window). A pair that has not failed for ``window_seconds`` after its last wait starts over; a
successful sign-in clears it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock

# Enough pairs for any class; beyond it the stale ones go first, then the oldest.
MAX_TRACKED_PAIRS = 100_000


@dataclass
class _Failures:
    count: int
    last: float


class LoginRateLimiter:
    def __init__(self, attempts: int, window_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts = max(1, attempts)
        self.window = float(window_seconds)
        self._clock = clock
        self._failures: dict[tuple[str, str], _Failures] = {}
        self._lock = Lock()

    @staticmethod
    def _key(account: str, address: str) -> tuple[str, str]:
        return account.strip().lower(), address

    def _delay(self, count: int) -> float:
        """Seconds to wait after the count-th failure in a row."""
        over = count - self.attempts
        if over < 0:
            return 0.0
        return min(2.0 ** min(over, 62), self.window)

    def _current(self, key: tuple[str, str], now: float) -> _Failures | None:
        entry = self._failures.get(key)
        if entry is not None and now - entry.last >= self._delay(entry.count) + self.window:
            del self._failures[key]  # quiet for a whole window after its wait: forgiven
            return None
        return entry

    def retry_after(self, account: str, address: str) -> int:
        """Whole seconds until this address may try this account again; 0 when it may now."""
        now = self._clock()
        with self._lock:
            entry = self._current(self._key(account, address), now)
            if entry is None:
                return 0
            wait = entry.last + self._delay(entry.count) - now
        return math.ceil(wait) if wait > 0 else 0

    def record_failure(self, account: str, address: str) -> None:
        now = self._clock()
        key = self._key(account, address)
        with self._lock:
            entry = self._current(key, now)
            if entry is None:
                if len(self._failures) >= MAX_TRACKED_PAIRS:
                    self._forget_stale(now)
                self._failures[key] = _Failures(1, now)
            else:
                entry.count += 1
                entry.last = now

    def reset(self, account: str, address: str) -> None:
        with self._lock:
            self._failures.pop(self._key(account, address), None)

    def _forget_stale(self, now: float) -> None:
        for key in [k for k, e in self._failures.items() if now - e.last >= self._delay(e.count) + self.window]:
            del self._failures[key]
        if len(self._failures) >= MAX_TRACKED_PAIRS:
            oldest = sorted(self._failures, key=lambda k: self._failures[k].last)[: MAX_TRACKED_PAIRS // 10]
            for key in oldest:
                del self._failures[key]
