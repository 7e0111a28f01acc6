"""What the parts of one notebook's execution know of each other.

``NotebookSession`` (session.py) composes the parts: the run queue (run_queue.py), the writer of
outputs into the document (output_writer.py), and the requests that need a person, each in its
own module: ``input()`` prompts (prompts.py), Colab requests (colab.py), a shell command's input
box (shell.py), widget comms (comms.py) and ``invokeFunction`` calls (invoke.py). None of those
imports the session: it hands each of them a :class:`SessionHandle`, the few things of the
session they may use. As in marimo's Session / KernelManager protocols, the parts meet only here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from nbcloud.hub.documents.service import DocumentService
from nbcloud.hub.execution.displays import DisplayIndex
from nbcloud.hub.execution.events import EventHub
from nbcloud.hub.runtimes.backend import Runtime, RuntimeBackend
from nbcloud.hub.secrets.store import SecretStore

# A jupyter_client AsyncKernelClient: jupyter_client has no type hints, so it stays Any.
KernelClient = Any
# One Jupyter message as jupyter_client hands it over (header, parent_header, content, ...).
Message = dict[str, Any]


@dataclass
class RunRequest:
    """One cell queued (or running) at the request of one person."""

    cell_id: str
    user_id: int


class SessionHandle(Protocol):
    """What a part of the execution may use of its notebook's session."""

    @property
    def item_id(self) -> str: ...

    @property
    def owner_id(self) -> int: ...

    @property
    def events(self) -> EventHub: ...

    @property
    def runtime(self) -> Runtime | None: ...

    @property
    def backend(self) -> RuntimeBackend: ...

    @property
    def documents(self) -> DocumentService: ...

    @property
    def secrets(self) -> SecretStore: ...

    @property
    def displays(self) -> DisplayIndex:
        """Which cells show each display id (an update redraws them wherever they are)."""
        ...

    async def ensure_runtime(self) -> Runtime:
        """The notebook's runtime, started (or waited for in line) if it has none."""
        ...

    async def unassign(self) -> None:
        """Throw the runtime away (``runtime.unassign()``); the next run gets a fresh one."""
        ...

    def background(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run ``coro`` as a task the session owns: cancelled and awaited when it closes."""
        ...
