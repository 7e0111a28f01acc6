"""Kernel starts that may run at once; the rest wait their turn in a first-come line.

Starting a kernel costs about a second of CPU (Python, IPython and ipykernel imports). Thirty
starts at once on two cores all take thirty times longer, and everyone waits for the slowest;
a short line lets the first people in it start in a second and shows the rest their place.
People go before the pool's background refills: a refill only starts when nobody waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

PlaceCallback = Callable[[int], None]


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def start_concurrency(setting: int) -> int:
    """``runtime_start_concurrency``: 0 means one start per CPU core."""
    return setting if setting > 0 else max(1, os.cpu_count() or 1)


@dataclass(eq=False)
class _Waiter:
    granted: asyncio.Future[None]
    on_place: PlaceCallback | None
    background: bool
    place: int = field(default=0)


class StartLine:
    def __init__(self, concurrency: int) -> None:
        self.concurrency = max(1, concurrency)
        self._running = 0
        self._waiting: list[_Waiter] = []  # people first, in arrival order, then refills

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        """People waiting for a start (not counting background refills)."""
        return sum(1 for w in self._waiting if not w.background)

    @contextlib.asynccontextmanager
    async def turn(self, on_place: PlaceCallback | None = None, *, background: bool = False) -> AsyncIterator[None]:
        """Hold one start slot for the body. ``on_place(n)`` is called with the caller's place
        in line (1 = next) whenever it changes while it waits, and ``on_place(0)`` once its turn
        comes; never called when a slot is free at once."""
        await self._wait_turn(on_place, background)
        try:
            yield
        finally:
            self._running -= 1
            self._hand_on()

    async def _wait_turn(self, on_place: PlaceCallback | None, background: bool) -> None:
        if self._running < self.concurrency and not self._waiting:
            self._running += 1
            return
        waiter = _Waiter(asyncio.get_running_loop().create_future(), on_place, background)
        if background:
            self._waiting.append(waiter)
        else:
            people = sum(1 for w in self._waiting if not w.background)
            self._waiting.insert(people, waiter)
        self._tell_places()
        try:
            await waiter.granted
        except asyncio.CancelledError:
            if waiter.granted.done() and not waiter.granted.cancelled():
                # The slot was handed over just as the caller gave up: pass it on.
                self._running -= 1
                self._hand_on()
            else:
                self._waiting.remove(waiter)
                self._tell_places()
            raise

    def _hand_on(self) -> None:
        while self._waiting and self._running < self.concurrency:
            waiter = self._waiting.pop(0)
            if waiter.granted.done():  # cancelled meanwhile
                continue
            self._running += 1
            waiter.granted.set_result(None)
            if waiter.on_place is not None and waiter.place:
                waiter.place = 0
                waiter.on_place(0)  # out of the line: its start begins now
        self._tell_places()

    def _tell_places(self) -> None:
        place = 0
        for waiter in self._waiting:
            if waiter.background:
                continue
            place += 1
            if waiter.place != place:
                waiter.place = place
                if waiter.on_place is not None:
                    waiter.on_place(place)
