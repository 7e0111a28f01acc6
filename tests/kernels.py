"""What stories about a backend's kernels share, without a hub: an event loop in a thread for
module-scoped runtimes, and running code through a blocking kernel client."""

from __future__ import annotations

import asyncio
import threading

TIMEOUT = 120  # generous: only there so a broken kernel fails instead of hanging


class Loop:
    """An asyncio loop in a thread, so module-scoped fixtures can own async objects."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro, timeout: float = TIMEOUT):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def run(kc, code: str) -> tuple[str, dict, str]:
    """Execute code; return (stdout, last execute_result data, reply status)."""
    out: list[str] = []
    result: dict = {}

    def hook(msg):
        t, c = msg["msg_type"], msg["content"]
        if t == "stream":
            out.append(c["text"])
        elif t == "execute_result":
            result.update(c["data"])
        elif t == "error":
            out.append(f"{c['ename']}: {c['evalue']}")

    reply = kc.execute_interactive(code, timeout=TIMEOUT, output_hook=hook)
    return "".join(out), result, reply["content"]["status"]


def value(kc, expr: str):
    """The value of a Python expression in the kernel (its repr, read back)."""
    _, result, status = run(kc, expr)
    assert status == "ok", expr
    return eval(result["text/plain"])
