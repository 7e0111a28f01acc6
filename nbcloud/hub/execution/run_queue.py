"""Which cell of a notebook runs next: one at a time, in the order asked, each cell at most once
in the line, and Jupyter's "Run all" rule that an error stops the cells queued behind it."""

from __future__ import annotations

from collections import deque

from nbcloud.hub.execution.protocols import RunRequest


class RunQueue:
    """The cells waiting to run in one notebook, and the one running."""

    def __init__(self) -> None:
        self._waiting: deque[RunRequest] = deque()
        self.running: RunRequest | None = None

    def __bool__(self) -> bool:
        return bool(self._waiting)

    def add(self, cell_id: str, user_id: int) -> bool:
        """Queue ``cell_id``; False when it is already waiting (it runs once)."""
        if any(r.cell_id == cell_id for r in self._waiting):
            return False
        self._waiting.append(RunRequest(cell_id, user_id))
        return True

    def start_next(self) -> RunRequest:
        """The next request, now the running one (call only while the queue is not empty)."""
        self.running = self._waiting.popleft()
        return self.running

    def finished(self, request: RunRequest) -> None:
        """``request`` ended; a restart may already have made another one the running one."""
        if self.running is request:
            self.running = None

    def waiting(self) -> list[RunRequest]:
        return list(self._waiting)

    def waiting_cells(self) -> list[str]:
        return [r.cell_id for r in self._waiting]

    def drop_all(self) -> list[RunRequest]:
        """Empty the line (a crash, a restart, the runtime thrown away); returns who waited."""
        dropped = list(self._waiting)
        self._waiting.clear()
        return dropped

    def stop_after_error(self, queued_at_error: list[RunRequest] | None) -> list[RunRequest]:
        """An error stops the cells that were queued when it showed (all waiting ones if it is
        not known when); one queued after the person saw the error still runs. Returns those stopped."""
        stopped = self.waiting() if queued_at_error is None else queued_at_error
        removed = []
        for request in stopped:
            if request in self._waiting:
                self._waiting.remove(request)
                removed.append(request)
        return removed
