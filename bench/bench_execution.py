"""Running cells through the hub vs talking to a kernel directly.

Prints p50 (and p90) of:
1. new notebook to the first result of `1+1`, through the API as the browser does it
   (POST /api/notebooks, y-websocket sync and the events socket, type `1+1`, `execute` on the
   events socket with the page's state vector, result in the live document);
2. the execute round trip of `1+1` through the hub (`execute` on the events socket to the result
   arriving over y-websocket) vs jupyter_client talking to a bare ipykernel;
3. output: 200,000 printed lines and one 50 MB string, whole in the page, vs jupyter_client
   receiving them from a bare kernel. Text too long for the page to show whole reaches it as
   its head and tail in the document, and the page fetches the rest (what "Show all output"
   does); the time counts until all of it is there.

The hub runs as `nbcloud serve` in its own process, with a warm pool of sandboxed runtimes.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from jupyter_client.manager import AsyncKernelManager
from websockets.asyncio.client import connect as ws_connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stock_jupyter import StockJupyterServer  # noqa: E402
from bench.table import p, print_table  # noqa: E402
from nbcloud.hub.documents.kept_text import KEY as KEPT  # noqa: E402
from tests.e2e.helpers import Hub, start_hub  # noqa: E402
from tests.yclient import YClient  # noqa: E402

PASSWORD = "benchmark password"
RUNS = int(__import__("os").environ.get("BENCH_RUNS", 10))
ROUND_TRIPS = int(__import__("os").environ.get("BENCH_ROUND_TRIPS", 200))
LINES = int(__import__("os").environ.get("BENCH_LINES", 200_000))
BIG = int(__import__("os").environ.get("BENCH_BIG", 50 * 1024 * 1024))
OUTPUT_RUNS = int(__import__("os").environ.get("BENCH_OUTPUT_RUNS", 3))


class Browser:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.http = httpx.AsyncClient(base_url=hub.url, timeout=120)

    async def request(self, method: str, url: str, **kw) -> httpx.Response:
        headers = {"X-CSRF-Token": self.http.cookies.get("nbcloud_csrf") or ""}
        r = await self.http.request(method, url, headers=headers, **kw)
        r.raise_for_status()
        return r

    @property
    def cookie(self) -> str:
        return f"nbcloud_session={self.http.cookies['nbcloud_session']}"

    async def setup(self, username: str = "bench") -> None:
        """Make the hub's first account (its admin) and sign in as it."""
        await self.request("GET", "/api/auth/state")
        await self.request("POST", "/api/auth/setup", json={"username": username, "password": PASSWORD})

    async def get_text(self, path: str) -> str:
        """A large GET read the way a browser's fetch() reads it: the body into one buffer, in
        native code (httpx gathers it chunk by chunk in Python, three times slower at 50 MB)."""

        def fetch() -> str:
            host, port = self.hub.url.removeprefix("http://").split(":")
            conn = http.client.HTTPConnection(host, int(port), timeout=120)
            try:
                conn.request("GET", path, headers={"Cookie": self.cookie})
                response = conn.getresponse()
                body = response.read()
                if response.status != 200:
                    raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
                return body.decode("utf-8")
            finally:
                conn.close()

        return await asyncio.to_thread(fetch)

    async def wait_warm(self) -> None:
        """Until the hub's pool of runtimes is full again (the bench user is its admin)."""
        while True:
            pool = (await self.request("GET", "/api/admin/runtimes")).json()
            if pool["warm"] >= pool["size"]:
                return
            await asyncio.sleep(0.05)

    async def events(self, item_id: str):
        """The notebook's events socket, over which the page asks to run cells."""
        return await ws_connect(
            f"{self.hub.url.replace('http', 'ws', 1)}/api/notebooks/{item_id}/events", origin=self.hub.url,
            additional_headers={"Cookie": self.cookie}, max_size=None,
        )

    async def open(self, item_id: str) -> YClient:
        client = await YClient.connect(
            f"{self.hub.url.replace('http', 'ws', 1)}/api/documents/{item_id}/ws", origin=self.hub.url,
            cookie=self.cookie,
        )
        return await client.wait_synced()

    async def open_new_notebook(self) -> tuple[str, YClient, Any]:
        """A new notebook, opened with both sockets as the page opens it: (its id, its document, its events socket)."""
        item = (await self.request("POST", "/api/notebooks", json={})).json()
        y, events = await asyncio.gather(self.open(item["id"]), self.events(item["id"]))
        return item["id"], y, events


async def execute(events, y: YClient, cell_ids: list[str]) -> None:
    """As the page does: cells and the page's Y state vector (the hub waits for its edits)."""
    state = base64.b64encode(y.doc.get_state()).decode()
    await events.send(json.dumps({"type": "execute", "request_id": "bench", "cell_ids": cell_ids, "state_vector": state}))


def cell_outputs(y: YClient, index: int = 0) -> list:
    return y.nb.ycells[index]["outputs"]


def result_count(y: YClient) -> int | None:
    for out in cell_outputs(y):
        if out.get("output_type") == "execute_result":
            return out.get("execution_count")
    return None


async def first_result(browser: Browser) -> tuple[str, YClient, Any, str]:
    """As a person does: a new notebook, `1+1` typed into its cell and run, until its result shows.
    Returns the notebook's id, its document, its events socket and the cell's id."""
    item_id, y, events = await browser.open_new_notebook()
    await set_source(y, "1+1")
    cell_id = str(y.nb.ycells[0]["id"])
    await execute(events, y, [cell_id])
    await y.wait_until(lambda: result_count(y) is not None)
    return item_id, y, events, cell_id


async def run_again(events, y: YClient, cell_id: str) -> None:
    """Run the cell again, until its new result shows."""
    before = result_count(y)
    await execute(events, y, [cell_id])
    await y.wait_until(lambda: (c := result_count(y)) is not None and c != before)


async def whole_stream(browser: Browser, y: YClient, item_id: str, expected: int) -> float:
    """Until the page holds all of the cell's stream text: what the document has, and each text
    too long for the document fetched whole, as the page does on "Show all output". Returns
    when the page first could show the output (its head and tail, for a text kept aside)."""
    fetched: dict[str, int] = {}
    shown = None
    while True:
        seen = len(y.received)
        total = 0
        for out in cell_outputs(y):
            if out.get("output_type") != "stream":
                continue
            note = out.get(KEPT)
            if note is None:
                total += len(out["text"])  # len() of the Y text, not a copy
                continue
            shown = shown or time.perf_counter()
            if note["id"] not in fetched:
                text = await browser.get_text(f"/api/documents/{item_id}/outputs/{note['id']}")
                fetched[note["id"]] = len(text)
            total += fetched[note["id"]]
        if total >= expected:
            return shown or time.perf_counter()
        await y.wait_until(lambda: len(y.received) > seen)


async def set_source(y: YClient, code: str) -> None:
    source = y.nb.ycells[0]["source"]
    with y.doc.transaction():
        del source[0:len(source)]
        source.insert(0, code)


async def hub_numbers(hub: Hub) -> dict[str, list[float] | float]:
    browser = Browser(hub)
    await browser.setup()
    out: dict[str, list[float] | float] = {"new": [], "rtt": []}
    # Round trips and outputs first, on a quiet hub: the new notebooks below leave work behind
    # (the pool refilling, their documents closing) that would slow what follows by chance.
    await browser.wait_warm()
    item_id, y, events, cell_id = await first_result(browser)
    await browser.wait_warm()
    for _ in range(ROUND_TRIPS):
        t = time.perf_counter()
        await run_again(events, y, cell_id)
        out["rtt"].append(time.perf_counter() - t)
    for name, code, expected in (
        ("lines", f"for i in range({LINES}): print(i)", sum(len(f"{i}\n") for i in range(LINES))),
        ("big", f"print('x' * {BIG})", BIG + 1),
    ):
        out[name], out[f"{name}_shown"] = [], []
        for _ in range(OUTPUT_RUNS):
            await set_source(y, code)
            t = time.perf_counter()
            await execute(events, y, [cell_id])
            shown = await whole_stream(browser, y, item_id, expected)
            out[name].append(time.perf_counter() - t)
            out[f"{name}_shown"].append(shown - t)
            # Back to a small notebook: its result replaces the big output.
            await set_source(y, "1+1")
            await run_again(events, y, cell_id)
    await y.close()
    await events.close()
    for _ in range(RUNS):
        await browser.wait_warm()
        t = time.perf_counter()
        _, y, events, _ = await first_result(browser)
        out["new"].append(time.perf_counter() - t)
        await y.close()
        await events.close()
    return out


async def direct_numbers() -> dict[str, list[float] | float]:
    km = AsyncKernelManager(kernel_name="python3")
    await km.start_kernel()
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    out: dict[str, list[float] | float] = {"rtt": []}
    for _ in range(ROUND_TRIPS):
        t = time.perf_counter()
        await kc.execute_interactive("1+1", timeout=60, output_hook=lambda m: None)
        out["rtt"].append(time.perf_counter() - t)
    for name, code, expected in (
        ("lines", f"for i in range({LINES}): print(i)", sum(len(f"{i}\n") for i in range(LINES))),
        ("big", f"print('x' * {BIG})", BIG + 1),
    ):
        got = 0

        def hook(msg) -> None:
            nonlocal got
            if msg["header"]["msg_type"] == "stream":
                got += len(msg["content"]["text"])

        out[name] = []
        for _ in range(OUTPUT_RUNS):
            got = 0
            t = time.perf_counter()
            await kc.execute_interactive(code, timeout=300, output_hook=hook)
            assert got >= expected, (name, got, expected)
            out[name].append(time.perf_counter() - t)
    kc.stop_channels()
    await km.shutdown_kernel(now=True)
    return out


async def stock_numbers() -> dict[str, list[float] | float | int]:
    """The same measurements through a stock jupyter_server, as JupyterLab talks to it."""
    server = StockJupyterServer()
    await server.start()
    out: dict[str, list[float] | float | int] = {"new": [], "rtt": []}
    try:
        for _ in range(RUNS):
            t = time.perf_counter()
            kernel = await server.new_kernel()
            got_result = []
            await kernel.execute("1+1", lambda m: got_result.append(m) if m["header"]["msg_type"] == "execute_result" else None)
            assert got_result
            out["new"].append(time.perf_counter() - t)
            await kernel.close()
        kernel = await server.new_kernel()
        for _ in range(ROUND_TRIPS):
            t = time.perf_counter()
            await kernel.execute("1+1")
            out["rtt"].append(time.perf_counter() - t)
        for name, code in (("lines", f"for i in range({LINES}): print(i)"), ("big", f"print('x' * {BIG})")):
            got = 0

            def hook(msg) -> None:
                nonlocal got
                if msg["header"]["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                    got += len(msg["content"]["text"])

            t = time.perf_counter()
            await kernel.execute(code, hook)
            out[name] = time.perf_counter() - t
            out[f"{name}_bytes"] = got
        await kernel.close()
    finally:
        await server.stop()
    return out


def main() -> None:
    # The hub in its own process, as in production: the client here does not share its GIL.
    server = start_hub(Path(tempfile.mkdtemp(prefix="nbcloud-bench-")) / "data", runtime_pool_size="1")
    try:
        hub = asyncio.run(hub_numbers(server))
    finally:
        server.stop()
    direct = asyncio.run(direct_numbers())
    stock = asyncio.run(stock_numbers())
    ms = lambda v: f"{v * 1000:.1f} ms"  # noqa: E731
    rate = lambda n, s: f"{n / s / 1e6:.1f} MB/s"  # noqa: E731
    med = statistics.median
    line_bytes = sum(len(f"{i}\n") for i in range(LINES))

    def stock_output(name: str, expected: int) -> str:
        got = stock[f"{name}_bytes"]
        if got < expected:
            return f"dropped: {got / 1e6:.1f} of {expected / 1e6:.1f} MB arrived"
        return f"{ms(stock[name])} ({rate(expected, stock[name])})"

    rows = [
        ("new notebook to first `1+1` result (p50)", ms(statistics.median(hub["new"])), "-",
         ms(statistics.median(stock["new"])), "target <= 150 ms"),
        ("execute round trip `1+1` (p50)", ms(statistics.median(hub["rtt"])), ms(statistics.median(direct["rtt"])),
         ms(statistics.median(stock["rtt"])), "target: within 3 ms of direct"),
        ("execute round trip `1+1` (p90)", ms(p(hub["rtt"], 0.9)), ms(p(direct["rtt"], 0.9)),
         ms(p(stock["rtt"], 0.9)), ""),
        (f"{LINES:,} printed lines, whole (p50 of {OUTPUT_RUNS})", f"{ms(med(hub['lines']))} ({rate(line_bytes, med(hub['lines']))})",
         f"{ms(med(direct['lines']))} ({rate(line_bytes, med(direct['lines']))})", stock_output("lines", line_bytes),
         "target >= 80% of direct rate"),
        (f"one {BIG / 2**20:.0f} MB string, whole in the page (p50 of {OUTPUT_RUNS})",
         f"{ms(med(hub['big']))} ({rate(BIG, med(hub['big']))})",
         f"{ms(med(direct['big']))} ({rate(BIG, med(direct['big']))})", stock_output("big", BIG + 1),
         "target >= 80% of direct rate"),
        ("  of which: head and tail shown, whole on the hub", ms(med(hub["big_shown"])), "", "", ""),
    ]
    header = ("what", "nbcloud hub", "jupyter_client direct", "stock jupyter_server", "")
    print_table(header, rows)


if __name__ == "__main__":
    main()
