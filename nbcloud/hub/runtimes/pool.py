"""Warm runtimes, one runtime per (user, notebook), idle culling and maximum lifetime.

``acquire`` hands out the runtime already bound to (owner, notebook), or takes a warm one
from the pool (refilled in the background), or starts one when the pool is empty. The
execution layer calls ``Runtime.touch()`` on activity; ``cull()`` (run every
``cull_interval`` seconds by ``start()``) shuts down runtimes idle longer than
``runtime_idle_timeout_seconds`` or older than ``runtime_max_lifetime_seconds``.

Kernel starts wait their turn in a :class:`StartLine` (``runtime_start_concurrency`` at once,
people before refills), and one account holds at most ``runtime_max_per_user`` runtimes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Hashable

from nbcloud.config import Settings

from .backend import (
    Runtime,
    RuntimeBackend,
    RuntimeBackendError,
    RuntimeSpec,
    RuntimeStartError,
)
from .start_line import PlaceCallback, StartLine, start_concurrency

log = logging.getLogger(__name__)

Key = tuple[Hashable, Hashable]
# A refill waits until no runtime was handed out for this long: a kernel start burns a core for
# about a second, and the people who just got runtimes are running their first cells now.
REFILL_QUIET_SECONDS = 1.0
# The names of an owner's notebooks, for messages (set by the execution layer; a thread calls it).
NotebookNames = Callable[[Hashable, list[Hashable]], list[str]]


class RuntimeLimitReached(RuntimeBackendError):
    """The account already holds ``runtime_max_per_user`` runtimes."""

    def __init__(self, limit: int, notebooks: list[str], idle_timeout_seconds: int) -> None:
        self.limit = limit
        self.notebooks = notebooks
        culled = (f"wait for it to be culled after {_duration(idle_timeout_seconds)} without use"
                  if idle_timeout_seconds > 0 else "ask your administrator to stop one")
        super().__init__(
            f"You have {len(notebooks)} runtimes running ({', '.join(notebooks)}); each account may hold "
            f"{limit} at once. Close one: open that notebook and run "
            "`from google.colab import runtime; runtime.unassign()` (disconnect and delete its runtime), "
            f"or {culled}. Then run this cell again."
        )


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


class RuntimePool:
    def __init__(self, backend: RuntimeBackend, settings: Settings, *, cull_interval: float = 60.0):
        self.backend = backend
        self.settings = settings
        self.size = max(0, settings.runtime_pool_size)
        self.cull_interval = cull_interval
        self._warm: list[Runtime] = []
        self._assigned: dict[Key, Runtime] = {}
        self._key_locks: dict[Key, asyncio.Lock] = {}
        self._acquiring: set[Key] = set()  # keys whose runtime is being taken or started
        self.line = StartLine(start_concurrency(settings.runtime_start_concurrency))
        self.notebook_names: NotebookNames | None = None
        self._last_handout = 0.0  # time.monotonic() of the last acquire
        self._refill_task: asyncio.Task[None] | None = None
        self._cull_task: asyncio.Task[None] | None = None
        self._closed = False
        self.last_error: Exception | None = None  # why the last pre-start failed, if it did

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Begin filling the pool and culling; returns at once."""
        self._kick_refill()
        if self._cull_task is None:
            self._cull_task = asyncio.create_task(self._cull_loop(), name="runtime-cull")

    def status(self) -> dict[str, int]:
        """How many runtimes are warm, starting and assigned to notebooks."""
        return {"size": self.size, "warm": len(self._warm), "starting": self.line.running,
                "waiting": self.line.waiting, "assigned": len(self._assigned)}

    async def wait_warm(self) -> None:
        """Wait until the pool holds ``size`` warm runtimes (tests, benchmarks, start-up)."""
        while len(self._warm) < self.size and not self._closed:
            self._kick_refill()
            task = self._refill_task
            if task is None:
                return
            await asyncio.shield(task)
            if len(self._warm) < self.size and self.last_error is not None:
                raise self.last_error

    async def close(self) -> None:
        self._closed = True
        for task in (self._refill_task, self._cull_task):
            if task is not None:
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass
        runtimes = self._warm + list(self._assigned.values())
        self._warm, self._assigned = [], {}
        await asyncio.gather(*(self.backend.shutdown(rt, now=True) for rt in runtimes), return_exceptions=True)

    # -- hand-out ----------------------------------------------------------------------------

    def get(self, owner_id: Hashable, notebook_id: Hashable) -> Runtime | None:
        return self._assigned.get((owner_id, notebook_id))

    def runtimes(self) -> list[Runtime]:
        return list(self._assigned.values())

    async def acquire(self, owner_id: Hashable, notebook_id: Hashable, *,
                      on_place: PlaceCallback | None = None) -> Runtime:
        """The runtime of this (user, notebook); a warm one if it has none yet, else one started
        in its turn (``on_place(n)`` hears the caller's place in line while it waits).

        Raises RuntimeLimitReached when the owner holds ``runtime_max_per_user`` runtimes already.
        """
        key = (owner_id, notebook_id)
        lock = self._key_locks.setdefault(key, asyncio.Lock())
        async with lock:
            existing = self._assigned.get(key)
            if existing is not None:
                if await self.backend.is_alive(existing):
                    existing.touch()
                    return existing
                # Crashed (out of memory, exited): the hub has read crash_info by now or
                # never will; throw it away and hand out a fresh one.
                del self._assigned[key]
                await self._shutdown_quietly(existing)
            await self._check_limit(owner_id, key)
            self._acquiring.add(key)
            try:
                runtime = await self._take_warm()
                if runtime is None:
                    spec = RuntimeSpec(owner_id=owner_id, notebook_id=notebook_id)
                    runtime = await self._start_in_turn(spec, on_place)
            finally:
                self._acquiring.discard(key)
            runtime.owner_id, runtime.notebook_id = owner_id, notebook_id
            now = time.monotonic()
            runtime.last_activity = self._last_handout = now
            self._assigned[key] = runtime
            self._kick_refill()
            return runtime

    def holding(self, owner_id: Hashable) -> list[Hashable]:
        """The notebooks of this owner that hold (or are getting) a runtime."""
        keys = [*self._assigned, *(k for k in self._acquiring if k not in self._assigned)]
        return [notebook for owner, notebook in keys if owner == owner_id]

    async def _check_limit(self, owner_id: Hashable, key: Key) -> None:
        limit = self.settings.runtime_max_per_user
        others = [n for n in self.holding(owner_id) if n != key[1]]
        if limit <= 0 or len(others) < limit:
            return
        names = [str(n) for n in others]
        if self.notebook_names is not None:
            try:
                names = await asyncio.to_thread(self.notebook_names, owner_id, others)
            except Exception:
                log.exception("naming the notebooks of %s", owner_id)
        raise RuntimeLimitReached(limit, names, self.settings.runtime_idle_timeout_seconds)

    async def _start_in_turn(self, spec: RuntimeSpec, on_place: PlaceCallback | None) -> Runtime:
        async with self.line.turn(on_place):
            # A refill may have finished while this waited: no need to start another.
            warm = await self._take_warm()
            if warm is not None:
                return warm
            try:
                return await self.backend.start(spec)
            except RuntimeStartError as exc:
                # Under a burst of starts the sandbox's set-up can fail once for no lasting reason
                # (seen: bwrap's "loopback: Failed RTM_NEWADDR"); the person should not see that.
                log.warning("a runtime start failed, trying once more: %s", exc)
                return await self.backend.start(spec)

    async def release(self, owner_id: Hashable, notebook_id: Hashable) -> None:
        """Shut down the runtime of this (user, notebook), if it has one."""
        runtime = self._assigned.pop((owner_id, notebook_id), None)
        if runtime is not None:
            await self._shutdown_quietly(runtime)

    async def _take_warm(self) -> Runtime | None:
        while self._warm:
            runtime = self._warm.pop(0)
            if await self.backend.is_alive(runtime):
                return runtime
            await self._shutdown_quietly(runtime)
        return None

    # -- background --------------------------------------------------------------------------

    def _kick_refill(self) -> None:
        if self._closed or self.size == 0:
            return
        if self._refill_task is None or self._refill_task.done():
            self._refill_task = asyncio.create_task(self._refill(), name="runtime-pool-refill")

    async def _refill(self) -> None:
        failures = 0
        while not self._closed and len(self._warm) < self.size:
            while (busy := time.monotonic() - self._last_handout) < REFILL_QUIET_SECONDS:
                await asyncio.sleep(REFILL_QUIET_SECONDS - busy)
            try:
                async with self.line.turn(background=True):
                    if self._closed or len(self._warm) >= self.size:
                        return
                    runtime = await self.backend.start(RuntimeSpec())
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.last_error = exc
                failures += 1
                log.exception("could not pre-start a runtime (attempt %d)", failures)
                if failures >= 3:
                    return
                await asyncio.sleep(min(30.0, 2.0**failures))
                continue
            if self._closed:
                await self._shutdown_quietly(runtime)
                return
            self.last_error = None
            self._warm.append(runtime)

    async def _cull_loop(self) -> None:
        while not self._closed:
            await asyncio.sleep(self.cull_interval)
            try:
                await self.cull()
            except Exception:
                log.exception("culling runtimes")

    async def cull(self, now: float | None = None) -> list[Runtime]:
        """Shut down idle, too old or dead assigned runtimes; returns those shut down."""
        now = time.monotonic() if now is None else now
        idle = self.settings.runtime_idle_timeout_seconds
        lifetime = self.settings.runtime_max_lifetime_seconds
        gone: list[Runtime] = []
        for key, runtime in list(self._assigned.items()):
            too_idle = idle > 0 and now - runtime.last_activity > idle
            too_old = lifetime > 0 and now - runtime.started_at > lifetime
            if (too_idle or too_old) and self._assigned.get(key) is runtime:
                del self._assigned[key]
                log.info("culling runtime %s (%s)", runtime.runtime_id, "idle" if too_idle else "max lifetime")
                gone.append(runtime)
        for runtime in list(self._warm):  # warm ones only age out
            if lifetime > 0 and now - runtime.started_at > lifetime:
                self._warm.remove(runtime)
                gone.append(runtime)
        await asyncio.gather(*(self._shutdown_quietly(rt) for rt in gone))
        if gone:
            self._kick_refill()
        return gone

    async def _shutdown_quietly(self, runtime: Runtime) -> None:
        try:
            await self.backend.shutdown(runtime, now=True)
        except Exception:
            log.exception("shutting down runtime %s", runtime.runtime_id)
