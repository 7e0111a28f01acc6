"""The notebooks being executed on this hub, one session each.

A session lives while its notebook is open or its runtime is assigned: once the notebook's
document is closed, its runtime gone (culled, shut down, thrown away) and nothing runs or
listens, the service closes the session and forgets it, so a hub that ran many notebooks does
not keep them all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable
from typing import cast

from nbcloud.hub.documents.service import DocumentService
from nbcloud.hub.execution.session import NotebookSession
from nbcloud.hub.runtimes.pool import RuntimePool
from nbcloud.hub.secrets.store import SecretStore

log = logging.getLogger("nbcloud.execution")

# How often the service looks for sessions whose notebook and runtime are both gone.
FORGET_EVERY_SECONDS = 30.0


class ExecutionService:
    def __init__(self, documents: DocumentService, pool: RuntimePool, secrets: SecretStore, *,
                 forget_every: float = FORGET_EVERY_SECONDS) -> None:
        self.documents = documents
        self.pool = pool
        self.secrets = secrets
        self.forget_every = forget_every
        self._sessions: dict[str, NotebookSession] = {}
        self._forgetter: asyncio.Task[None] | None = None
        # The per-user runtime limit names the notebooks holding runtimes, as the person sees them.
        pool.notebook_names = self._notebook_names

    def _notebook_names(self, owner_id: Hashable, item_ids: list[Hashable]) -> list[str]:
        names = []
        for item_id in item_ids:
            try:
                names.append(self.documents.drive.get(cast(int, owner_id), str(item_id)).name)
            except Exception:  # noqa: BLE001 - deleted meanwhile: its runtime still counts
                names.append(f"a deleted notebook ({item_id})")
        return names

    async def session(self, item_id: str, user_id: int) -> NotebookSession:
        """The execution session of a notebook the user may run (raises DocumentNotFound)."""
        await self.documents.check_access(item_id, user_id)
        existing = self._sessions.get(item_id)
        if existing is None or existing.closed:
            # Today only owners open notebooks; with sharing, the runtime stays the owner's.
            existing = NotebookSession(item_id, user_id, self.documents, self.pool, self.pool.backend, self.secrets)
            self._sessions[item_id] = existing
        return existing

    def __len__(self) -> int:
        return len(self._sessions)

    def _finished(self, session: NotebookSession) -> bool:
        """Its notebook is closed, its runtime gone, and nothing runs, waits or listens."""
        return (session.idle() and self.documents.get_open(session.item_id) is None
                and self.pool.get(session.owner_id, session.item_id) is None)

    async def forget_finished(self) -> list[str]:
        """Close and forget the sessions that are finished; returns their notebooks' ids."""
        gone = [s for s in self._sessions.values() if self._finished(s)]
        for session in gone:
            if self._sessions.get(session.item_id) is session:
                del self._sessions[session.item_id]
        await asyncio.gather(*(s.close() for s in gone), return_exceptions=True)
        return [s.item_id for s in gone]

    async def _forget_loop(self) -> None:
        while True:
            await asyncio.sleep(self.forget_every)
            try:
                await self.forget_finished()
            except Exception:
                log.exception("forgetting finished notebook sessions")

    async def start(self) -> None:
        await self.pool.start()
        self._forgetter = asyncio.create_task(self._forget_loop(), name="execution-forget-finished")

    async def shutdown(self) -> None:
        forgetter, self._forgetter = self._forgetter, None
        if forgetter is not None:
            forgetter.cancel()
            await asyncio.gather(forgetter, return_exceptions=True)
        sessions, self._sessions = list(self._sessions.values()), {}
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
        await self.pool.close()
