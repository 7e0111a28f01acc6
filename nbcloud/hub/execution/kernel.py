"""Connecting the hub to a runtime's kernel."""

from __future__ import annotations

import asyncio
from typing import Any

from nbcloud.hub.runtimes.backend import Runtime

# How long to wait for the kernel's iopub status after a kernel_info request before asking
# again: ZMQ drops what a kernel publishes before our subscription is up (the "slow joiner").
IOPUB_PROBE_SECONDS = 0.05


async def connect(runtime: Runtime, timeout: float = 60) -> Any:
    """An AsyncKernelClient whose channels are up, iopub included, so no output is missed.

    jupyter_client's ``wait_for_ready`` polls in 200 ms steps; this asks kernel_info and
    watches for its iopub status, which usually takes a few milliseconds.
    """
    client = runtime.client()
    client.start_channels()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while loop.time() < deadline:
            msg_id = client.kernel_info()
            while True:
                reply = await asyncio.wait_for(client.get_shell_msg(), max(0.1, deadline - loop.time()))
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
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
    raise TimeoutError("the runtime's kernel did not answer")


async def _drain(client: Any) -> None:
    try:
        while True:
            await asyncio.wait_for(client.get_iopub_msg(), 0.005)
    except TimeoutError:
        pass
