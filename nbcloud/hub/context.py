"""The hub's parts, made once per application and reached through ``request.app.state.hub``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import HTTPConnection

from nbcloud.config import Settings
from nbcloud.hub.auth.ratelimit import LoginRateLimiter
from nbcloud.hub.db import Database

if TYPE_CHECKING:
    from nbcloud.hub.documents.service import DocumentService
    from nbcloud.hub.drive.store import DriveStore


@dataclass
class Hub:
    settings: Settings
    db: Database
    login_limiter: LoginRateLimiter
    drive: "DriveStore"
    documents: "DocumentService"
    # Services that later parts add (drive, runtimes, documents, ...), by name.
    services: dict[str, Any] = field(default_factory=dict)


def get_hub(conn: HTTPConnection) -> Hub:
    return conn.app.state.hub
