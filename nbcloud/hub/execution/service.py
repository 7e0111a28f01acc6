"""The notebooks being executed on this hub, one session each."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from nbcloud.hub.execution.session import NotebookSession

if TYPE_CHECKING:
    from nbcloud.hub.documents.service import DocumentService
    from nbcloud.hub.runtimes.pool import RuntimePool
    from nbcloud.hub.secrets.store import SecretStore


class ExecutionService:
    def __init__(self, documents: DocumentService, pool: RuntimePool, secrets: SecretStore) -> None:
        self.documents = documents
        self.pool = pool
        self.secrets = secrets
        self._sessions: dict[str, NotebookSession] = {}
        # The per-user runtime limit names the notebooks holding runtimes, as the person sees them.
        pool.notebook_names = self._notebook_names

    def _notebook_names(self, owner_id: int, item_ids: list) -> list[str]:
        names = []
        for item_id in item_ids:
            try:
                names.append(self.documents.drive.get(owner_id, str(item_id)).name)
            except Exception:  # deleted meanwhile: its runtime still counts
                names.append(f"a deleted notebook ({item_id})")
        return names

    async def session(self, item_id: str, user_id: int) -> NotebookSession:
        """The execution session of a notebook the user may run (raises DocumentNotFound)."""
        await self.documents.check_access(item_id, user_id)
        existing = self._sessions.get(item_id)
        if existing is None:
            # Today only owners open notebooks; with sharing, the runtime stays the owner's.
            existing = NotebookSession(item_id, user_id, self.documents, self.pool, self.pool.backend, self.secrets)
            self._sessions[item_id] = existing
        return existing

    async def start(self) -> None:
        await self.pool.start()

    async def shutdown(self) -> None:
        sessions, self._sessions = list(self._sessions.values()), {}
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
        await self.pool.close()
