"""Runtimes on Colab's stack (.runtime-env) vs on the hub's own environment: pool refill time
and idle runtime memory, which must stay within 10% of the hub's environment.

Prints p50 of N runs: pool refill (a warm runtime taken from the pool -> the pool holds a new
one, ready), and the idle kernel's memory (PSS and RSS of the kernel's process tree, 1 s after
its first reply), for each environment, and the ratio Colab / hub.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_runtime_start import first_reply  # noqa: E402
from nbcloud.config import load_settings  # noqa: E402
from nbcloud.hub.runtimes.environment import COMPLETE_MARK, DEFAULT_FOLDER  # noqa: E402
from nbcloud.hub.runtimes.local import LocalBackend  # noqa: E402
from nbcloud.hub.runtimes.pool import RuntimePool  # noqa: E402

RUNS = 5
TARGET = 1.10  # within 10% of the hub's environment


def tree_memory(pid: int | None) -> tuple[int, int]:
    """(PSS, RSS) of a process and its children, in bytes."""
    if pid is None:
        return 0, 0
    top = psutil.Process(pid)
    pss = rss = 0
    for p in [top, *top.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        pss += info.pss
        rss += info.rss
    return pss, rss


async def measure(environment: str) -> tuple[list[float], list[tuple[int, int]]]:
    """Refill times (s) and idle (PSS, RSS) of runtimes from ``environment`` (a folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(environ={}, data_dir=Path(tmp) / "data", runtime_pool_size=1,
                                 runtime_environment=environment)
        pool = RuntimePool(LocalBackend(settings), settings, cull_interval=3600)
        await pool.start()
        refills, memory = [], []
        try:
            await pool.wait_warm()
            for i in range(RUNS):
                rt = await pool.acquire("bench", i)
                t = time.perf_counter()
                await pool.wait_warm()  # the pool starts the next runtime as soon as one is taken
                refills.append(time.perf_counter() - t)
                await first_reply(rt.client())
                await asyncio.sleep(1.0)
                memory.append(tree_memory(getattr(rt, "pid", None)))
                await pool.release("bench", i)
        finally:
            await pool.close()
    return refills, memory


async def main() -> None:
    if not (DEFAULT_FOLDER / COMPLETE_MARK).exists():
        sys.exit(f"{DEFAULT_FOLDER} is missing or incomplete: run `make runtime-env` first")
    hub_refill, hub_mem = await measure(sys.prefix)
    colab_refill, colab_mem = await measure(str(DEFAULT_FOLDER))
    p50 = statistics.median
    rows = [
        ("pool refill (taken -> next ready)", p50(hub_refill), p50(colab_refill), "s"),
        ("idle kernel PSS", p50(m[0] for m in hub_mem), p50(m[0] for m in colab_mem), "MB"),
        ("idle kernel RSS", p50(m[1] for m in hub_mem), p50(m[1] for m in colab_mem), "MB"),
    ]
    print(f"runtime environment: hub's own ({sys.prefix}) vs Colab's stack ({DEFAULT_FOLDER}); p50 of {RUNS} runs")
    print(f"{'':36} {'hub env':>10} {'Colab env':>10} {'ratio':>7}")
    worst = 0.0
    for label, hub, colab, unit in rows:
        scale = 1.0 if unit == "s" else 2**20
        ratio = colab / hub if hub else float("inf")
        worst = max(worst, ratio)
        print(f"{label:36} {hub / scale:9.2f}{unit[0]} {colab / scale:9.2f}{unit[0]} {ratio:7.2f}")
    print(f"target: within {TARGET - 1:.0%} of the hub's environment: {'met' if worst <= TARGET else 'NOT met'}")


if __name__ == "__main__":
    asyncio.run(main())
