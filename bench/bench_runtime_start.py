"""Runtime start latency and idle memory: nbcloud's local backend vs a plain Jupyter kernel.

Prints p50 of N runs: time from acquire()/start to the first `1+1` reply, with a warm pool,
with a cold start (sandbox + kernel), and with jupyter_client's plain KernelManager; and
the idle RSS of the kernel process tree, sandboxed vs bare ipykernel.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nbcloud.config import load_settings  # noqa: E402
from nbcloud.hub.runtimes.local import LocalBackend, _tree_rss  # noqa: E402
from nbcloud.hub.runtimes.pool import RuntimePool  # noqa: E402

RUNS = 10


async def first_reply(kc) -> None:
    """Connect a kernel client, wait for the kernel and run `1+1` (the start's end, as a person sees it)."""
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        reply = await kc.execute_interactive("1+1", timeout=60, output_hook=lambda m: None)
        assert reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()


async def warm(pool: RuntimePool, i: int) -> tuple[float, int]:
    await pool.wait_warm()
    t = time.perf_counter()
    rt = await pool.acquire("bench", i)
    await first_reply(rt.client())
    elapsed = time.perf_counter() - t
    await asyncio.sleep(1.0)
    rss = _tree_rss(rt.pid)[1]
    await pool.release("bench", i)
    return elapsed, rss


async def cold(backend: LocalBackend) -> float:
    t = time.perf_counter()
    rt = await backend.start()
    await first_reply(rt.client())
    elapsed = time.perf_counter() - t
    await backend.shutdown(rt, now=True)
    return elapsed


async def plain() -> tuple[float, int]:
    km = AsyncKernelManager(kernel_name="python3")
    t = time.perf_counter()
    await km.start_kernel()
    await first_reply(km.client())
    elapsed = time.perf_counter() - t
    await asyncio.sleep(1.0)
    rss = _tree_rss(km.provisioner.process.pid)[1]
    await km.shutdown_kernel(now=True)
    return elapsed, rss


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(environ={}, data_dir=Path(tmp) / "data", runtime_pool_size=1)
        backend = LocalBackend(settings)
        iso = backend.isolation
        pool = RuntimePool(backend, settings, cull_interval=3600)
        await pool.start()
        warm_runs = [await warm(pool, i) for i in range(RUNS)]
        await pool.close()
        cold_runs = [await cold(backend) for _ in range(RUNS)]
        plain_runs = [await plain() for _ in range(RUNS)]
    ms = lambda xs: f"{statistics.median(xs) * 1000:8.0f} ms"  # noqa: E731
    mb = lambda xs: f"{statistics.median(xs) / 2**20:8.1f} MB"  # noqa: E731
    print(f"local backend: sandbox={iso.sandbox} limits={iso.limits}; p50 of {RUNS} runs")
    print(f"{'':42} {'acquire -> 1+1':>14}   {'idle RSS':>11}")
    print(f"{'nbcloud, warm pool':42} {ms([e for e, _ in warm_runs]):>14}   {mb([r for _, r in warm_runs]):>11}")
    print(f"{'nbcloud, cold start (bwrap + ipykernel)':42} {ms(cold_runs):>14}   {'':>11}")
    print(f"{'jupyter_client KernelManager (bare)':42} {ms([e for e, _ in plain_runs]):>14}   {mb([r for _, r in plain_runs]):>11}")


if __name__ == "__main__":
    asyncio.run(main())
