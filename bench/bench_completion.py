"""Tab completion through the hub vs talking to a kernel directly.

With numpy, pandas and collections imported (and a DataFrame `df`), completes `np.ar`, `df.gr`
and `collections.Ord` BENCH_COMPLETIONS times each (after a warm-up: jedi caches what it
inferred) through:
1. nbcloud: the notebook's events socket, as the page asks (`complete` -> `complete_reply`), to
   a sandboxed runtime of the hub (`nbcloud serve` in its own process);
2. jupyter_client talking directly to that same runtime's kernel (its connection file): the
   difference from 1 is what the hub adds;
3. jupyter_client talking to a bare ipykernel started here (no sandbox, no Colab extension);
4. a stock jupyter_server's kernel websocket, as JupyterLab asks.
They take turns, request by request, so a busy moment of the machine hits them alike. The
kernels of 3 and 4 run the runtime environment's Python (.runtime-env, else this one).
Prints p50 and p95 of each and the hub's p50 minus 2's; target: within 5 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_execution import Browser  # noqa: E402
from bench.stock_jupyter import StockJupyterServer  # noqa: E402
from bench.table import p, print_table  # noqa: E402
from tests.e2e.helpers import start_hub  # noqa: E402

N = int(os.environ.get("BENCH_COMPLETIONS", 50))
WARMUP = int(os.environ.get("BENCH_WARMUP", 5))
SETUP = "import numpy as np, pandas as pd, collections\ndf = pd.DataFrame({'a': range(100), 'b': range(100)})"
CASES = [("np.ar", "array"), ("df.gr", "groupby"), ("collections.Ord", "OrderedDict")]
RUNTIME_PYTHON = ROOT / ".runtime-env" / "bin" / "python"
PYTHON = str(RUNTIME_PYTHON if RUNTIME_PYTHON.exists() else Path(sys.executable))
KERNEL_ARGV = [PYTHON, "-m", "ipykernel_launcher", "-f", "{connection_file}"]

Ask = Callable[[str], Awaitable[list[str]]]


class Busy(Exception):
    """The hub gave up waiting for the kernel (10 s): only allowed while warming up."""


async def hub_asker(browser: Browser) -> tuple[Ask, Callable[[], Awaitable[None]]]:
    """A notebook that ran SETUP in a hub runtime, and completion over its events socket."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP)]
    data = nbformat.writes(nb).encode()
    up = (await browser.request("POST", "/api/drive/uploads",
                                json={"parent": "", "name": "bench.ipynb", "size": len(data)})).json()
    done = await browser.http.patch(f"/api/drive/uploads/{up['id']}", content=data, headers={
        "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream",
        "X-CSRF-Token": browser.http.cookies.get("nbcloud_csrf") or ""})
    done.raise_for_status()
    item_id = done.json()["item"]["id"]
    await browser.request("POST", f"/api/trust/{item_id}")
    await browser.request("POST", f"/api/notebooks/{item_id}/execute", json={"cell_ids": [nb.cells[0].id]})
    deadline = time.monotonic() + 300
    while not (await browser.request("GET", f"/api/documents/{item_id}")).json()["cells"][0]["execution_count"]:
        assert time.monotonic() < deadline, "the setup cell did not run"
        await asyncio.sleep(0.1)
    # The page has the notebook's document open (y-websocket) while it asks, as a browser does.
    y, events = await asyncio.gather(browser.open(item_id), browser.events(item_id))
    ids = iter(range(10**9))

    async def ask(code: str) -> list[str]:
        request_id = f"c{next(ids)}"
        await events.send(json.dumps({"type": "complete", "request_id": request_id, "code": code,
                                      "cursor_pos": len(code)}))
        while True:
            message = json.loads(await events.recv())
            if message["type"] == "complete_reply" and message["request_id"] == request_id:
                if message.get("error") == "the runtime is busy":
                    raise Busy(code)  # jedi's first look at a module, on a loaded machine
                assert "error" not in message, message
                return message["matches"]

    return ask, events.close


async def runtime_client(data_dir: Path) -> AsyncKernelClient:
    """jupyter_client on the very kernel the hub's notebook runs in: of the hub's runtimes (its
    connection files name the host side of their ipc sockets), the one whose namespace has `df`."""
    for connection in sorted((data_dir / "runtimes").glob("*/connection.json")):
        kc = AsyncKernelClient()
        kc.load_connection_file(str(connection))
        kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
        msg_id = kc.execute("", silent=True, store_history=False, user_expressions={"m": "'df' in globals()"})
        while (reply := await kc.get_shell_msg(timeout=60))["parent_header"].get("msg_id") != msg_id:
            pass
        if reply["content"]["user_expressions"]["m"]["data"]["text/plain"] == "True":
            return kc
        kc.stop_channels()
    raise RuntimeError("the notebook's runtime was not found")


async def direct_asker(kc: AsyncKernelClient | None = None) -> tuple[Ask, Callable[[], Awaitable[None]]]:
    """Completion from ``kc`` (the hub's runtime), or from a bare ipykernel started here."""
    km: AsyncKernelManager | None = None
    if kc is None:
        km = AsyncKernelManager(kernel_name="")
        km._kernel_spec = KernelSpec(argv=KERNEL_ARGV, display_name="bench", language="python")
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=120)
        await kc.execute_interactive(SETUP, timeout=120)

    async def ask(code: str) -> list[str]:
        msg_id = kc.complete(code, len(code))
        while True:
            reply = await kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]["matches"]

    async def close() -> None:
        kc.stop_channels()
        if km is not None:
            await km.shutdown_kernel(now=True)

    return ask, close


async def stock_asker() -> tuple[Ask, Callable[[], Awaitable[None]]]:
    # The runtime's Python as a kernel of the stock server (its own kernelspec folder).
    specs = Path(tempfile.mkdtemp(prefix="nbcloud-bench-kernels-"))
    (specs / "kernels" / "runtime").mkdir(parents=True)
    (specs / "kernels" / "runtime" / "kernel.json").write_text(json.dumps(
        {"argv": KERNEL_ARGV, "display_name": "runtime", "language": "python"}))
    os.environ["JUPYTER_PATH"] = str(specs)
    server = StockJupyterServer()
    await server.start()
    kernel = await server.new_kernel("runtime")
    reply = await kernel.execute(SETUP)
    assert reply["content"]["status"] == "ok", reply["content"]

    async def ask(code: str) -> list[str]:
        msg = await kernel.request("complete_request", {"code": code, "cursor_pos": len(code)})
        return msg["content"]["matches"]

    async def close() -> None:
        await kernel.close()
        await server.stop()

    return ask, close


async def measure(browser: Browser, data_dir: Path) -> dict[str, dict[str, list[float]]]:
    askers = {"hub": await hub_asker(browser)}
    askers["direct"] = await direct_asker(await runtime_client(data_dir))
    askers["bare"] = await direct_asker()
    askers["stock"] = await stock_asker()
    times: dict[str, dict[str, list[float]]] = {name: {code: [] for code, _ in CASES} for name in askers}
    try:
        # Warm-up: until every path has answered every completion WARMUP times.
        for code, expected in CASES:
            for ask, _close in askers.values():
                answered = 0
                while answered < WARMUP:
                    try:
                        assert expected in await ask(code)
                        answered += 1
                    except Busy:
                        continue
        for _ in range(N):
            for code, expected in CASES:
                for name, (ask, _close) in askers.items():
                    t = time.perf_counter()
                    matches = await ask(code)
                    elapsed = time.perf_counter() - t
                    assert expected in matches, (name, code, matches)
                    times[name][code].append(elapsed)
    finally:
        for _ask, close in askers.values():
            await close()
    return times


def main() -> None:
    server = start_hub(Path(tempfile.mkdtemp(prefix="nbcloud-bench-")) / "data", runtime_pool_size="1")

    async def run() -> dict[str, dict[str, list[float]]]:
        browser = Browser(server)
        await browser.setup()
        return await measure(browser, server.data_dir)

    try:
        times = asyncio.run(run())
    finally:
        server.stop()
    ms = lambda v: f"{v * 1000:.1f} ms"  # noqa: E731
    rows = []
    both = lambda v: f"{ms(p(v, 0.5))} / {ms(p(v, 0.95))}"  # noqa: E731
    for code, _ in CASES:
        hub, direct = times["hub"][code], times["direct"][code]
        rows.append((f"complete `{code}` (p50 / p95 of {N})", both(hub), both(direct), both(times["bare"][code]),
                     both(times["stock"][code]), f"{(p(hub, 0.5) - p(direct, 0.5)) * 1000:+.1f} ms"))
    print_table(("what", "nbcloud hub (events socket)", "jupyter_client, same runtime", "jupyter_client, bare kernel",
                 "stock jupyter_server", "hub - same runtime p50 (target <= 5 ms)"), rows)


if __name__ == "__main__":
    main()
