"""Waiting for a new kernel to answer, judging it dead only by its process.

jupyter_client's ``wait_for_ready`` asks ``is_alive()`` after every second without a
kernel_info reply; a client that no KernelManager made answers that from the heartbeat
channel, which calls a kernel dead after one second without an echo. Thirty kernels starting
on two cores miss that second easily, and a live kernel was reported as "Kernel died before
replying to kernel_info". Here ``is_alive()`` asks the kernel's process instead, the heartbeat
channel is never started, and the wait is generous.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, cast

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.connect import KernelConnectionInfo

from .backend import RuntimeStartError

# A start under load (30 people at once on 2 cores) can take tens of seconds; a kernel that
# really died is seen at once by its process, so a long wait costs nothing.
READY_TIMEOUT = 300.0


class KernelDiedDuringStart(RuntimeStartError):
    """The kernel's process ended before it answered; the message carries its log's tail."""


class ProcessWatchedClient(AsyncKernelClient):
    """An AsyncKernelClient whose ``is_alive()`` asks the kernel's process, not the heartbeat."""

    def __init__(self, process_alive: Callable[[], bool], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._process_alive = process_alive

    async def _async_is_alive(self) -> bool:
        return self._process_alive()

    is_alive = _async_is_alive


def process_client(connection_info: dict[str, Any], process_alive: Callable[[], bool]) -> ProcessWatchedClient:
    """A client on a kernel whose liveness ``process_alive()`` tells (channels not started)."""
    client = ProcessWatchedClient(process_alive)
    client.load_connection_info(cast(KernelConnectionInfo, connection_info))
    return client


async def wait_until_ready(connection_info: dict[str, Any], process_alive: Callable[[], bool],
                           log_tail: Callable[[], str], timeout: float = READY_TIMEOUT) -> None:
    """Return once the kernel answers kernel_info (its iopub connected too).

    Raises KernelDiedDuringStart, with the kernel's log tail, as soon as its process is gone,
    and RuntimeStartError if it is alive but silent for ``timeout`` seconds.
    """
    client = process_client(connection_info, process_alive)
    client.start_channels(hb=False)
    try:
        ready = asyncio.ensure_future(client.wait_for_ready(timeout=timeout))
        died = asyncio.ensure_future(_until_dead(process_alive))
        try:
            done, _ = await asyncio.wait({ready, died}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in (ready, died):
                future.cancel()
        if died in done or not process_alive():
            raise KernelDiedDuringStart(_died_message(log_tail()))
        try:
            ready.result()
        except RuntimeError as exc:  # jupyter_client's "Kernel didn't respond in N seconds"
            if not process_alive():
                raise KernelDiedDuringStart(_died_message(log_tail())) from exc
            raise RuntimeStartError(
                f"the kernel is running but did not answer within {timeout:.0f} s; the machine may be "
                "overloaded. Run the cell again to retry."
            ) from exc
    finally:
        client.stop_channels()


async def _until_dead(process_alive: Callable[[], bool]) -> None:
    while process_alive():
        await asyncio.sleep(0.1)


def _died_message(tail: str) -> str:
    message = "the kernel exited before it answered"
    return f"{message}. Its last output:\n{tail}" if tail else message
