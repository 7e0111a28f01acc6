"""Autosave of one room: debounced saves, retries with back-off, and the save status pages show.

Every change marks the room dirty. A save follows once edits pause for ``delay`` seconds, but
never later than ``max_delay`` after the first unsaved change. A failed save keeps the edits (the
room stays dirty) and is tried again after ``retry_min_delay``, twice as long each time up to
``retry_max_delay``, until it works; every page shows "Not saved: <why>" meanwhile
(hub_messages.py, ``{"type": "save"}``). Where the bytes go (Drive, revisions) is
notebook_store.py's job; this module only decides when to save and says how it went.

Runs on the hub's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from nbcloud.hub.documents import hub_messages

log = logging.getLogger("nbcloud.documents")

# The notebook as it should be written now (called at save time; may change the document).
Prepare = Callable[[], dict[str, Any]]
# Writes it; True when the file changed.
Write = Callable[[dict[str, Any]], Awaitable[bool]]


class Autosave:
    def __init__(
        self,
        item_id: str,
        *,
        prepare: Prepare,
        write: Write,
        state: Callable[[], dict[int, int]],
        announce: Callable[[bytes], None],
        delay: float = 1.0,
        max_delay: float = 5.0,
        retry_min_delay: float = 1.0,
        retry_max_delay: float = 30.0,
    ) -> None:
        """``state``: the document's state vector now; ``announce``: send a save-status message
        to every page."""
        self.item_id = item_id
        self._prepare = prepare
        self._write = write
        self._state = state
        self._announce = announce
        self._delay = delay
        self._max_delay = max_delay
        self._retry_min_delay = retry_min_delay
        self._retry_max_delay = retry_max_delay
        self.last_save_error: str | None = None
        self.retry_delay: float | None = None  # set while saves fail: the wait before the next try
        self._saved_state = state()  # what the file holds: the document as loaded
        self._lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self._dirty_since: float | None = None  # the first change not yet handed to a save
        self._writing = False  # a save is writing the file now (its changes are not on disk yet)
        self._last_change = 0.0
        self._task = asyncio.get_running_loop().create_task(self._loop(), name=f"autosave {item_id}")

    @property
    def dirty(self) -> bool:
        """Whether the file lacks changes: unsaved ones, or those of a save still writing (closing
        the room now could lose them if that save fails)."""
        return self._dirty_since is not None or self._writing

    def changed(self) -> None:
        """Something to save changed: save once edits pause."""
        now = time.monotonic()
        self._last_change = now
        if self._dirty_since is None:
            self._dirty_since = now
        self._changed.set()

    async def stop(self) -> None:
        """End the autosave loop (the room saves one last time itself)."""
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _loop(self) -> None:
        while True:
            await self._changed.wait()
            # Wait until edits pause for delay, but never longer than max_delay.
            while True:
                first = self._dirty_since if self._dirty_since is not None else time.monotonic()
                deadline = min(self._last_change + self._delay, first + self._max_delay)
                wait = deadline - time.monotonic()
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self._changed.clear()
            try:
                await self.save()
            except Exception as e:  # never let the loop die: retried below, with back-off
                log.error("autosave of document %s failed: %s", self.item_id, e)
            # A failed save keeps the edits (the document stays dirty) and is tried again, later
            # each time, until it works; every page shows "Not saved" meanwhile.
            while self.last_save_error is not None and self.dirty and self.retry_delay is not None:
                await asyncio.sleep(self.retry_delay)
                try:
                    await self.save()
                except Exception as e:
                    log.error("autosave of document %s failed again: %s", self.item_id, e)

    async def save(self) -> bool:
        """Write the notebook now if it changed. True when the file was written."""
        async with self._lock:
            if self._dirty_since is None:
                return False
            content = self._prepare()
            # After prepare: what it changed in the document is part of this save.
            self._dirty_since = None
            saving_state = self._state()
            self._announce(self.status("saving"))
            self._writing = True
            try:
                written = await self._write(content)
            except BaseException as e:
                # Keep it dirty so a later change, the retry or the final flush tries again.
                if self._dirty_since is None:
                    self._dirty_since = time.monotonic()
                self.last_save_error = describe_save_error(e)
                self.retry_delay = (
                    self._retry_min_delay
                    if self.retry_delay is None
                    else min(self.retry_delay * 2, self._retry_max_delay)
                )
                self._announce(self.status("failed"))
                raise
            finally:
                self._writing = False
            self.last_save_error = None
            self.retry_delay = None
            self._saved_state = saving_state
            self._announce(self.status("saved"))
            return written

    def status(self, state: str | None = None) -> bytes:
        """The save-status message (hub_messages.py) as things stand."""
        if state is None:
            unsaved = self._dirty_since is not None
            state = "failed" if self.last_save_error is not None else "saving" if unsaved else "saved"
        failed = state == "failed"
        return hub_messages.save_status(
            state,
            error=self.last_save_error if failed else None,
            retry_in=self.retry_delay if failed else None,
            saved=self._saved_state,
        )


_ERRNO_WORDS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EIO: "the disk reported an I/O error",
    errno.EACCES: "the hub may not write the file (permission denied)",
    errno.EPERM: "the hub may not write the file (not permitted)",
    errno.EFBIG: "the file is larger than the disk allows",
}


def describe_save_error(error: BaseException) -> str:
    """Why a save failed, in words for the page ("the disk is full")."""
    if isinstance(error, OSError) and error.errno in _ERRNO_WORDS:
        return _ERRNO_WORDS[error.errno]
    if isinstance(error, OSError) and error.strerror:
        return f"the disk said: {error.strerror.lower()}"
    reason = getattr(error, "reason", None) or getattr(error, "message", None)
    if isinstance(reason, str) and reason:
        return reason
    text = " ".join(str(error).split())
    return text[:200] if text else f"an unexpected error ({type(error).__name__})"
