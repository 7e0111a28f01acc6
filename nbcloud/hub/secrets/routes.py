"""Secrets: /api/secrets (each user sees only their own)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from nbcloud.hub.context import get_hub
from nbcloud.hub.http.dependencies import CurrentUser
from nbcloud.hub.secrets.store import SecretInfo, SecretStore

router = APIRouter(prefix="/api/secrets", tags=["secrets"])


class SecretOut(BaseModel):
    name: str
    value: str
    notebooks: list[str]  # ids of the notebooks that may read it
    updated_at: dt.datetime


class NewSecret(BaseModel):
    name: str = Field(max_length=128)
    value: str


class SecretValue(BaseModel):
    value: str


def _store(request: Request) -> SecretStore:
    return get_hub(request).secrets


def _out(info: SecretInfo) -> SecretOut:
    return SecretOut(name=info.name, value=info.value, notebooks=info.notebooks, updated_at=info.updated_at)


@router.get("", response_model=list[SecretOut])
async def list_secrets(request: Request, user: CurrentUser) -> list[SecretOut]:
    return [_out(i) for i in await run_in_threadpool(_store(request).list, user.id)]


@router.post("", status_code=201, response_model=SecretOut)
async def create_secret(body: NewSecret, request: Request, user: CurrentUser) -> SecretOut:
    return _out(await run_in_threadpool(_store(request).create, user.id, body.name, body.value))


@router.get("/{name}", response_model=SecretOut)
async def get_secret(name: str, request: Request, user: CurrentUser) -> SecretOut:
    return _out(await run_in_threadpool(_store(request).get, user.id, name))


@router.put("/{name}", response_model=SecretOut)
async def change_secret(name: str, body: SecretValue, request: Request, user: CurrentUser) -> SecretOut:
    return _out(await run_in_threadpool(_store(request).update, user.id, name, body.value))


@router.delete("/{name}", status_code=204)
async def delete_secret(name: str, request: Request, user: CurrentUser) -> None:
    await run_in_threadpool(_store(request).delete, user.id, name)


@router.put("/{name}/grants/{notebook_id}", response_model=SecretOut)
async def grant(name: str, notebook_id: str, request: Request, user: CurrentUser) -> SecretOut:
    """Let the notebook ``notebook_id`` (one of yours) read this secret."""
    await get_hub(request).documents.check_access(notebook_id, user.id)  # 404 / 422 when it is not yours
    return _out(await run_in_threadpool(_store(request).grant, user.id, name, notebook_id))


@router.delete("/{name}/grants/{notebook_id}", response_model=SecretOut)
async def revoke(name: str, notebook_id: str, request: Request, user: CurrentUser) -> SecretOut:
    return _out(await run_in_threadpool(_store(request).revoke, user.id, name, notebook_id))
