"""Events from a notebook's execution to the browsers that have it open.

Runtime status goes to everyone; an ``input()`` prompt or a shell command's input box goes
only to the browsers of the user who ran the cell, and again to a page of theirs opened while
it waits. The events themselves are typed in execution.event_messages (``HubMessage``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from nbcloud.hub.execution.event_messages import (
    HubMessage,
    InputRequest,
    RuntimeStatusEvent,
    ShellStdin,
)

MAX_QUEUED_EVENTS = 1000


@dataclass(eq=False)
class Subscriber:
    user_id: int
    queue: asyncio.Queue[HubMessage] = field(default_factory=lambda: asyncio.Queue(MAX_QUEUED_EVENTS))


class EventHub:
    def __init__(self) -> None:
        self._subscribers: set[Subscriber] = set()
        self.last_status: RuntimeStatusEvent | None = None
        # The input() prompt each user still has to answer, sent again to a page opened later.
        self.pending_input: dict[int, InputRequest] = {}
        # The input box of the shell command each user runs (execution.shell), likewise.
        self.pending_shell: dict[int, ShellStdin] = {}

    def subscribe(self, user_id: int) -> Subscriber:
        sub = Subscriber(user_id)
        self._subscribers.add(sub)
        if self.last_status is not None:
            sub.queue.put_nowait(self.last_status)
        if user_id in self.pending_input:
            sub.queue.put_nowait(self.pending_input[user_id])
        if user_id in self.pending_shell:
            sub.queue.put_nowait(self.pending_shell[user_id])
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)

    def publish(self, event: HubMessage, *, user_id: int | None = None) -> None:
        if event["type"] == "runtime":
            self.last_status = event
        elif event["type"] == "input_request" and user_id is not None:
            self.pending_input[user_id] = event
        elif event["type"] == "input_done" and user_id is not None:
            self.pending_input.pop(user_id, None)
        elif event["type"] == "shell_stdin" and user_id is not None:
            self.pending_shell[user_id] = event
        elif event["type"] == "shell_stdin_done" and user_id is not None:
            box = self.pending_shell.get(user_id)
            if box is not None and box["request_id"] == event["request_id"]:
                del self.pending_shell[user_id]
        for sub in list(self._subscribers):
            if user_id is not None and sub.user_id != user_id:
                continue
            try:
                sub.queue.put_nowait(event)
            except asyncio.QueueFull:
                # A browser that stopped reading misses events; it reloads state on reconnect.
                pass

    @property
    def count(self) -> int:
        return len(self._subscribers)
