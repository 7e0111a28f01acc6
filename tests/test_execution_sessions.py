"""The hub forgets a notebook's execution session once the notebook is closed and its runtime
gone, and a session's tasks end with it (none left running on their own)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from nbcloud.hub.execution.service import ExecutionService


class Documents:
    """The parts of DocumentService a session touches before it runs anything."""

    def __init__(self) -> None:
        self.live_widgets: dict[str, Any] = {}
        self.open: set[str] = set()
        self.drive = SimpleNamespace(get=lambda owner, item: SimpleNamespace(name=f"{item}.ipynb"))

    async def check_access(self, item_id: str, user_id: int) -> None:
        return None

    def get_open(self, item_id: str) -> object | None:
        return object() if item_id in self.open else None


class Pool:
    def __init__(self) -> None:
        self.backend = object()
        self.assigned: set[tuple[int, str]] = set()
        self.notebook_names = None

    def get(self, owner_id: int, item_id: str) -> object | None:
        return object() if (owner_id, item_id) in self.assigned else None

    async def close(self) -> None:
        return None


async def test_a_notebook_closed_with_its_runtime_gone_leaves_no_session_behind():
    documents, pool = Documents(), Pool()
    service = ExecutionService(documents, pool, secrets=object())  # type: ignore[arg-type]
    documents.open.add("nb")
    pool.assigned.add((1, "nb"))
    first = await service.session("nb", 1)
    sub = first.events.subscribe(1)
    assert await service.forget_finished() == []  # open, with a runtime and a page on it

    first.events.unsubscribe(sub)
    documents.open.discard("nb")
    assert await service.forget_finished() == []  # the runtime is still assigned: kept

    pool.assigned.clear()  # culled
    assert await service.forget_finished() == ["nb"]
    assert len(service) == 0 and first.closed
    assert "nb" not in documents.live_widgets  # the closed session's widgets are not saved any more
    second = await service.session("nb", 1)
    assert second is not first and not second.closed
    await service.shutdown()


async def test_a_closing_session_cancels_and_awaits_the_tasks_it_started():
    documents, pool = Documents(), Pool()
    service = ExecutionService(documents, pool, secrets=object())  # type: ignore[arg-type]
    session = await service.session("nb", 1)
    ended = asyncio.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            ended.set()

    task = session.background(forever())
    assert not session.idle()  # work of its own: never forgotten mid-way
    await service.shutdown()
    assert ended.is_set() and task.cancelled()
