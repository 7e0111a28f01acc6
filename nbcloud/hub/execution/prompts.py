"""``input()`` in a running cell: the prompt goes to the pages of the person who ran the cell,
and the first answer from one of *their* pages goes to the kernel.

Events: ``{"type": "input_request", "cell_id", "prompt", "password"}`` while it waits,
``{"type": "input_done", "cell_id"}`` once answered or when the cell ends.
"""

from __future__ import annotations

import asyncio
from typing import Any

from nbcloud.hub.execution.protocols import RunRequest, SessionHandle


class InputPrompts:
    """The ``input()`` prompts of one notebook session (one cell runs at a time)."""

    def __init__(self, session: SessionHandle) -> None:
        self.session = session
        self._replies: dict[int, tuple[RunRequest, asyncio.Future[str]]] = {}

    async def ask(self, request: RunRequest, content: dict[str, Any]) -> str:
        """Show the kernel's ``input_request`` to the person who ran ``request``; their answer."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._replies[id(request)] = (request, future)
        self.session.events.publish(
            {"type": "input_request", "cell_id": request.cell_id, "prompt": content.get("prompt", ""),
             "password": bool(content.get("password"))},
            user_id=request.user_id,
        )
        return await future

    def answer(self, running: RunRequest | None, user_id: int, value: str) -> bool:
        """A page's reply to the prompt of the ``running`` cell; only the user who ran it may answer."""
        if running is None or running.user_id != user_id:
            return False
        pending = self._replies.pop(id(running), None)
        if pending is None or pending[1].done():
            return False
        pending[1].set_result(value)
        self.session.events.publish({"type": "input_done", "cell_id": running.cell_id}, user_id=user_id)
        return True

    def cell_ended(self, request: RunRequest) -> None:
        """The cell ended (or its kernel died): a prompt still up is withdrawn."""
        pending = self._replies.pop(id(request), None)
        if pending is not None:  # unanswered (cancelling the cell's tasks may have cancelled it already)
            pending[1].cancel()
            self.session.events.publish({"type": "input_done", "cell_id": request.cell_id}, user_id=request.user_id)
