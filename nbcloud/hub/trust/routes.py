"""Trust: /api/trust/{notebook id}: whether you trust a notebook, and trusting it."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel
from starlette.requests import HTTPConnection

from nbcloud.hub.context import Hub, get_hub
from nbcloud.hub.http.dependencies import CurrentUser
from nbcloud.hub.trust.service import TrustService
from nbcloud.hub.trust.store import TrustStore

router = APIRouter(prefix="/api/trust", tags=["trust"])


class TrustOut(BaseModel):
    trusted: bool
    # "created" (you made it here), "chosen" (you trusted it), "own" (your saved work); None: not trusted.
    reason: str | None


def install(app: FastAPI, hub: Hub) -> None:
    """Add the trust routes and the service that keeps trusted notebooks trusted through saves."""
    app.state.trust = TrustService(TrustStore(hub.db), hub.documents)
    app.include_router(router)


def trust_of(conn: HTTPConnection) -> TrustService:
    trust: TrustService = conn.app.state.trust
    return trust


async def _checked(request: Request, item_id: str, user_id: int) -> TrustService:
    await get_hub(request).documents.check_access(item_id, user_id)  # 404 / 422 when it is not yours
    return trust_of(request)


@router.get("/{item_id}", response_model=TrustOut)
async def get_trust(item_id: str, request: Request, user: CurrentUser) -> TrustOut:
    """Whether you trust this notebook as it is now: its saved scripts may draw, its cells run."""
    reason = await (await _checked(request, item_id, user.id)).reason(item_id, user.id)
    return TrustOut(trusted=reason is not None, reason=reason)


@router.post("/{item_id}", response_model=TrustOut)
async def trust_notebook(item_id: str, request: Request, user: CurrentUser) -> TrustOut:
    """Trust this notebook as it is now (until someone else changes it)."""
    trust = await _checked(request, item_id, user.id)
    await trust.trust(item_id, user.id)
    return TrustOut(trusted=True, reason="chosen")
