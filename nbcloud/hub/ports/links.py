"""Capability links to a web server in a runtime: unguessable, short-lived, bound to one
(user, runtime, port).

A link is minted only for a signed-in person who may run the notebook (``routes``), for the
notebook's current runtime. Its token is 32 random bytes, in lower-case base32 so that it can be a
host name's label (``origins``: each link has an origin of its own); the hub keeps it in memory
(runtimes do not outlive the hub either). A link stops working when

* its lifetime (``runtime_port_link_seconds``) is over;
* the runtime it was made for is no longer the notebook's runtime (shut down, culled, unassigned,
  replaced after a crash): the pool no longer hands out that runtime for (owner, notebook);
* on every request: the port is not served by that runtime alone (see runtimes.listeners).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import httpx

from nbcloud.config import Settings
from nbcloud.hub.runtimes.backend import Runtime
from nbcloud.hub.runtimes.listeners import PortCheck

from . import dial
from .origins import TOKEN_RE

if TYPE_CHECKING:
    from nbcloud.hub.runtimes.pool import RuntimePool

# Expired links are remembered a while longer, so their page can say "expired", not "unknown".
FORGET_AFTER_SECONDS = 3600.0
MAX_LINKS = 20_000

Problem = Literal["unknown", "expired", "runtime_gone"]


def new_token() -> str:
    """256 random bits as 52 characters of a-z2-7: a valid DNS label once prefixed with ``p-``."""
    return base64.b32encode(secrets.token_bytes(32)).decode().rstrip("=").lower()


@dataclass
class PortLink:
    token: str
    user_id: int
    item_id: str
    owner_id: int  # the runtime's owner (the pool's key is (owner, notebook))
    runtime_id: str
    port: int
    expires_at: float  # on the links' clock (time.monotonic)


class PortLinks:
    def __init__(self, settings: Settings, pool: RuntimePool) -> None:
        self.settings = settings
        self.pool = pool
        self.lifetime = float(max(1, settings.runtime_port_link_seconds))
        self.clock = time.monotonic
        self._links: dict[str, PortLink] = {}
        self._client: httpx.AsyncClient | None = None
        # Runtimes with a network namespace of their own: one client each (see ports.dial).
        self._runtime_clients: dict[str, httpx.AsyncClient] = {}

    TIMEOUT = httpx.Timeout(connect=10.0, read=None, write=60.0, pool=30.0)
    LIMITS = httpx.Limits(max_connections=500, max_keepalive_connections=20)

    def dialer(self, runtime: Runtime) -> dial.Dialer | None:
        """How to reach into ``runtime``'s own network, or None when it shares the hub's."""
        backend = self.pool.backend
        return backend.port_dialer(runtime) if backend.capabilities.ports else None

    def client(self, runtime: Runtime | None = None) -> httpx.AsyncClient:
        """The proxy's HTTP client for ``runtime``: its own when the runtime has a network of
        its own (its 127.0.0.1 is not the hub's), else one shared pool on the hub's loopback."""
        dialer = self.dialer(runtime) if runtime is not None else None
        if dialer is not None:
            assert runtime is not None
            known = self._runtime_clients.get(runtime.runtime_id)
            if known is None or known.is_closed:
                known = self._runtime_clients[runtime.runtime_id] = dial.client(
                    dialer, timeout=self.TIMEOUT, limits=self.LIMITS)
            return known
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(
                trust_env=False,  # straight to loopback, never through an HTTP(S)_PROXY
                follow_redirects=False,
                timeout=self.TIMEOUT,
                limits=self.LIMITS,
            )
        return self._client

    async def close(self) -> None:
        self._links.clear()
        clients = [*self._runtime_clients.values(), *([self._client] if self._client is not None else [])]
        self._runtime_clients.clear()
        self._client = None
        for client in clients:
            with contextlib.suppress(Exception):
                await client.aclose()

    # ----- minting ------------------------------------------------------------------------------

    def mint(self, *, user_id: int, item_id: str, owner_id: int, runtime: Runtime, port: int) -> PortLink:
        self._forget_old()
        link = PortLink(
            token=new_token(),
            user_id=user_id,
            item_id=item_id,
            owner_id=owner_id,
            runtime_id=runtime.runtime_id,
            port=port,
            expires_at=self.clock() + self.lifetime,
        )
        self._links[link.token] = link
        return link

    def _forget_old(self) -> None:
        now = self.clock()
        for token, link in list(self._links.items()):
            if now > link.expires_at + FORGET_AFTER_SECONDS:
                del self._links[token]
        while len(self._links) >= MAX_LINKS:  # the oldest go first (dicts keep insertion order)
            del self._links[next(iter(self._links))]

    # ----- using ------------------------------------------------------------------------------

    def resolve(self, token: str) -> tuple[PortLink, Runtime] | Problem:
        """The link and its runtime, or why the token does not work (any more)."""
        if not TOKEN_RE.match(token):
            return "unknown"
        link = self._links.get(token)
        if link is None or not secrets.compare_digest(link.token, token):
            return "unknown"
        if self.clock() > link.expires_at:
            return "expired"
        runtime = self.pool.get(link.owner_id, link.item_id)
        if runtime is None or runtime.runtime_id != link.runtime_id:
            return "runtime_gone"
        return link, runtime

    def expire(self, token: str) -> None:
        """Ends a link now (as if its lifetime were over)."""
        link = self._links.get(token)
        if link is not None:
            link.expires_at = min(link.expires_at, self.clock() - 1)

    async def check(self, runtime: Runtime, port: int) -> PortCheck:
        """Who listens on loopback:``port``; only a backend that can tell proxies anything."""
        if port == self.settings.port:
            return PortCheck("other")  # the hub's own port, whatever listens there
        backend = self.pool.backend
        if not backend.capabilities.ports:  # it cannot tell who listens: nothing is proxied
            return PortCheck("other")
        return await asyncio.to_thread(backend.port_owner, runtime, port)
