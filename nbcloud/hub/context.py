"""The hub's parts, made once per application by ``nbcloud.hub.app.build_hub`` and reached by
the HTTP layer through ``request.app.state.hub``.

Part of the composition root: route modules and ``nbcloud.hub.http`` read it; domain code never
imports it (each part gets what it needs passed in; checked by import-linter, see pyproject.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import HTTPConnection

from nbcloud.config import Settings
from nbcloud.hub.auth.principals import PrincipalCache
from nbcloud.hub.auth.ratelimit import LoginRateLimiter
from nbcloud.hub.auth.socket_registry import SignedInSockets
from nbcloud.hub.db import Database
from nbcloud.hub.documents.service import DocumentService
from nbcloud.hub.drive.store import DriveStore
from nbcloud.hub.execution.service import ExecutionService
from nbcloud.hub.ports.links import PortLinks
from nbcloud.hub.secrets.store import SecretStore


@dataclass
class Hub:
    settings: Settings
    db: Database
    login_limiter: LoginRateLimiter
    drive: DriveStore
    documents: DocumentService
    execution: ExecutionService
    secrets: SecretStore
    # Links to web servers in runtimes (see hub.ports).
    ports: PortLinks
    principals: PrincipalCache = field(default_factory=PrincipalCache)
    # Open sockets of signed-in principals, closed when their session ends (auth.signout).
    sockets: SignedInSockets = field(default_factory=SignedInSockets)


def get_hub(conn: HTTPConnection) -> Hub:
    hub = conn.app.state.hub
    assert isinstance(hub, Hub), "create_app puts the Hub on app.state"
    return hub
