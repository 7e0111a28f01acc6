"""A class at once: 30 people open a notebook and run a cell at the same moment.

Each person (accounts made up front) opens a new notebook as the page does (the Y socket
/api/documents/{id}/ws and the events socket), and at one signal all of them run a first cell
(`1+1`, its runtime start included) and then a second one. Printed per setup:
- successes: first runs whose result arrived on the first try (no "could not start", no
  "kernel died");
- p50/p95 of the first result (from the signal) and of the second (from its run);
- the hub's peak memory: RSS of the hub process alone (its kernels are measured apart);
and the same burst of 30 kernel starts, each running `1+1`, through a stock jupyter_server.

Setups: the default pool (runtime_pool_size 1), a pool of 8, and a pool of 30 as a class admin
would set (thirty kernel starts cost about 30 x 0.75 s of CPU: no line makes that 3 s on 2 cores);
kernel starts run ``runtime_start_concurrency`` at once (0: one per core), the rest in line.
Targets: 30/30 first-try successes; first result p95 <= 3 s on 2 cores; second result p95 <=
50 ms; hub memory <= 250 MiB. Environment: BENCH_PEOPLE (30), BENCH_POOLS ("1,8,30"),
BENCH_START_CONCURRENCY ("0").
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from bench.bench_execution import PASSWORD, Browser, execute, result_count, set_source  # noqa: E402
from bench.stock_jupyter import StockJupyterServer  # noqa: E402
from bench.table import p, print_table  # noqa: E402
from tests.e2e.helpers import Hub, start_hub  # noqa: E402
from tests.yclient import YClient  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", 30))
POOLS = [int(p) for p in os.environ.get("BENCH_POOLS", "1,8,30").split(",")]
# Kernel starts at once on the hub ("0": one per core, the shipped default).
START_CONCURRENCY = os.environ.get("BENCH_START_CONCURRENCY", "0")
PATIENCE = 600.0  # seconds: a run slower than this counts as failed
MiB = 1024 * 1024


@dataclass
class Outcome:
    ok: int = 0
    first: list[float] = field(default_factory=list)
    second: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    peak_rss: int = 0


class PeakRss:
    """Samples a process's RSS (not its children's) every 20 ms in a thread; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.Error:
                return
            self._stop.wait(0.02)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class Person(Browser):
    """One of the people of the burst: a Browser signed in as an account the admin made."""

    def __init__(self, hub: Hub, username: str) -> None:
        super().__init__(hub)
        self.username = username

    async def sign_in(self) -> None:
        await self.request("GET", "/api/auth/state")
        await self.request("POST", "/api/auth/login", json={"username": self.username, "password": PASSWORD})


def has_error(y: YClient) -> str | None:
    for out in y.nb.ycells[0]["outputs"]:
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {str(out.get('evalue'))[:200]}"
    return None


async def until_result(y: YClient, before: int | None) -> str | None:
    """Wait for a new result of cell 0; the error text instead if the cell shows one."""
    def arrived() -> bool:
        count = result_count(y)
        return (count is not None and count != before) or has_error(y) is not None

    await asyncio.wait_for(y.wait_until(arrived), PATIENCE)
    return has_error(y)


async def hub_burst(pool_size: int) -> Outcome:
    data = Path(tempfile.mkdtemp(prefix="nbcloud-bench-load-")) / "data"
    # The hub in its own process, as in production; per-user limit as shipped.
    hub = start_hub(data, runtime_pool_size=str(pool_size), runtime_max_per_user="4",
                    runtime_start_concurrency=START_CONCURRENCY)
    outcome = Outcome()
    try:
        admin = Browser(hub)
        await admin.setup("teacher")
        people = [Person(hub, f"student{n:02d}") for n in range(PEOPLE)]
        for person in people:
            await admin.request("POST", "/api/admin/users", json={"username": person.username, "password": PASSWORD})
        await asyncio.gather(*(person.sign_in() for person in people))
        opened = await asyncio.gather(*(person.open_new_notebook() for person in people))
        for _, y, _ in opened:
            await set_source(y, "1+1")
        await admin.wait_warm()  # a quiet, warm hub before the class starts
        go = asyncio.Event()

        async def one(item_id: str, y: YClient, events) -> None:
            cell = str(y.nb.ycells[0]["id"])
            await go.wait()
            t = time.perf_counter()
            await execute(events, y, [cell])
            try:
                error = await until_result(y, None)
            except TimeoutError:
                outcome.errors.append(f"no first result in {PATIENCE:.0f} s")
                return
            if error:
                outcome.errors.append(error)
                return
            outcome.ok += 1
            outcome.first.append(time.perf_counter() - t)
            before = result_count(y)
            t = time.perf_counter()
            await execute(events, y, [cell])
            await until_result(y, before)
            outcome.second.append(time.perf_counter() - t)

        with PeakRss(hub.process.pid) as rss:
            runs = [asyncio.create_task(one(*o)) for o in opened]
            await asyncio.sleep(0.2)
            go.set()
            await asyncio.gather(*runs)
        outcome.peak_rss = rss.peak
        for _, y, events in opened:
            await y.close()
            await events.close()
    finally:
        hub.stop()
    return outcome


async def stock_burst() -> Outcome:
    """The same burst through a stock jupyter_server: 30 POST /api/kernels at once, each then
    running `1+1` over its channels socket, and a second `1+1`."""
    server = StockJupyterServer()
    await server.start()
    outcome = Outcome()
    kernels = []
    try:
        with PeakRss(server.process.pid) as rss:
            async def one() -> None:
                t = time.perf_counter()
                try:
                    kernel = await server.new_kernel()
                    kernels.append(kernel)
                    results: list = []
                    await kernel.execute("1+1", lambda m: results.append(m) if m["header"]["msg_type"] == "execute_result" else None,
                                         timeout=PATIENCE)
                except Exception as exc:  # noqa: BLE001 - a failed start is a result here
                    outcome.errors.append(f"{type(exc).__name__}: {exc}"[:200])
                    return
                if not results:
                    outcome.errors.append("no result")
                    return
                outcome.ok += 1
                outcome.first.append(time.perf_counter() - t)
                t = time.perf_counter()
                await kernel.execute("1+1")
                outcome.second.append(time.perf_counter() - t)

            await asyncio.gather(*(one() for _ in range(PEOPLE)))
        outcome.peak_rss = rss.peak
    finally:
        await asyncio.gather(*(k.close() for k in kernels), return_exceptions=True)
        await server.stop()
    return outcome


def main() -> None:
    rows: list[tuple[str, Outcome]] = []
    for pool_size in POOLS:
        rows.append((f"nbcloud hub, pool {pool_size}", asyncio.run(hub_burst(pool_size))))
    rows.append(("stock jupyter_server", asyncio.run(stock_burst())))
    s = lambda v: f"{v:.2f} s"  # noqa: E731
    ms = lambda v: f"{v * 1000:.1f} ms"  # noqa: E731
    header = ("setup", "first-try successes", "first result p50", "p95", "second result p50", "p95", "peak RSS (server)")
    table = [("", f"target {PEOPLE}/{PEOPLE}", "", "target <= 3 s", "", "target <= 50 ms", "target <= 250 MiB")]
    for name, o in rows:
        table.append((name, f"{o.ok}/{PEOPLE}", s(p(o.first, 0.5)), s(p(o.first, 0.95)), ms(p(o.second, 0.5)),
                      ms(p(o.second, 0.95)), f"{o.peak_rss / MiB:.0f} MiB"))
    print(f"{PEOPLE} people at once on {os.cpu_count()} cores; runtime_start_concurrency {START_CONCURRENCY}")
    print_table(header, table)
    for name, o in rows:
        for error in sorted(set(o.errors)):
            print(f"{name}: {o.errors.count(error)} x {error}")


if __name__ == "__main__":
    main()
