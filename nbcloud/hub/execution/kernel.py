"""Connecting the hub to a runtime's kernel."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from nbcloud.hub.runtimes.backend import Runtime

# How long to wait for the kernel's iopub status after a kernel_info request before asking
# again: ZMQ drops what a kernel publishes before our subscription is up (the "slow joiner").
IOPUB_PROBE_SECONDS = 0.05


class KernelGone(Exception):
    """The runtime's kernel process ended while the hub was connecting to it."""


# How long one kernel_info request may go unanswered before the hub asks the process whether
# it still lives (a busy machine is slow, not a reason to give up).
ASK_PROCESS_EVERY = 1.0


async def connect(runtime: Runtime, timeout: float = 300, alive: Callable[[], Awaitable[bool]] | None = None) -> Any:
    """An AsyncKernelClient whose channels are up, iopub included, so no output is missed.

    jupyter_client's ``wait_for_ready`` polls in 200 ms steps; this asks kernel_info and
    watches for its iopub status, which usually takes a few milliseconds. The kernel is judged
    dead only when ``alive()`` (its backend's look at the process) says so, never by a missed
    heartbeat: the heartbeat channel is not even started.
    """
    client = runtime.client()
    client.start_channels(hb=False)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while loop.time() < deadline:
            msg_id = client.kernel_info()
            if not await _reply(client, msg_id, deadline, alive):
                continue
            try:
                while True:
                    msg = await asyncio.wait_for(client.get_iopub_msg(), IOPUB_PROBE_SECONDS)
                    if msg["parent_header"].get("msg_id") == msg_id:
                        # Drain the rest of this request's iopub messages (status idle).
                        await _drain(client)
                        return client
            except TimeoutError:
                continue
    except BaseException:
        client.stop_channels()
        raise
    client.stop_channels()
    raise TimeoutError(f"the runtime's kernel is running but did not answer within {timeout:.0f} s")


async def _reply(client: Any, msg_id: str, deadline: float, alive: Callable[[], Awaitable[bool]] | None) -> bool:
    """Wait for the shell reply to ``msg_id``; False to ask again (a slow kernel may have lost
    nothing, but asking again is cheap). Raises KernelGone once the process is gone."""
    loop = asyncio.get_running_loop()
    while loop.time() < deadline:
        try:
            wait = min(ASK_PROCESS_EVERY, max(0.1, deadline - loop.time()))
            reply = await asyncio.wait_for(client.get_shell_msg(), wait)
        except TimeoutError:
            if alive is not None and not await alive():
                raise KernelGone("the runtime's kernel stopped before it answered") from None
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            return True
    return False


async def _drain(client: Any) -> None:
    try:
        while True:
            await asyncio.wait_for(client.get_iopub_msg(), 0.005)
    except TimeoutError:
        pass
