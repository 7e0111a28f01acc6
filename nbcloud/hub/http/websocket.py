"""Who is on a WebSocket, and whether its page may open it.

1. Origin: when present it must be the hub's own (scheme + host of the request) or one of
   ``settings.allowed_origins``; otherwise the handshake is refused. A socket authenticated by a
   session cookie must carry an Origin (browsers always send one); scripts with a bearer token
   need none.
2. Who: session cookie or ``Authorization: Bearer``; otherwise accepted, then closed 4401 so the
   page can tell "signed out" from a network failure.
3. Afterwards: the socket is registered (``nbcloud.hub.auth.socket_registry``), so that sign-out, a password
   change or an administrator disabling the account closes it with 4401 too.
"""

from __future__ import annotations

from fastapi import WebSocket
from starlette.concurrency import run_in_threadpool

from nbcloud.config import Settings
from nbcloud.hub.auth.accounts import Principal, still_signed_in
from nbcloud.hub.auth.socket_registry import CLOSE_SIGNED_OUT, StillSignedIn, close_reason
from nbcloud.hub.context import get_hub
from nbcloud.hub.db import Database
from nbcloud.hub.http.dependencies import resolve_principal

__all__ = ["CLOSE_FORBIDDEN_ORIGIN", "CLOSE_SIGNED_OUT", "origin_allowed", "refuse", "websocket_principal"]

CLOSE_FORBIDDEN_ORIGIN = 4403


def _own_origin(websocket: WebSocket) -> str | None:
    host = websocket.headers.get("host")
    if not host:
        return None
    scheme = "https" if websocket.url.scheme in ("wss", "https") else "http"
    return f"{scheme}://{host}".lower()


def origin_allowed(websocket: WebSocket, settings: Settings) -> bool | None:
    """True/False for a present Origin header, None when there is none."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return None
    origin = origin.strip().lower().rstrip("/")
    allowed = {o.strip().lower().rstrip("/") for o in settings.allowed_origins}
    own = _own_origin(websocket)
    if own:
        allowed.add(own)
    return origin in allowed


async def refuse(websocket: WebSocket, code: int, reason: str) -> None:
    """Accept, then close with an application code the browser can read (nothing else sent)."""
    await websocket.accept()
    await websocket.close(code=code, reason=close_reason(reason))


async def websocket_principal(websocket: WebSocket) -> Principal | None:
    """The principal behind a socket, or None after refusing it (the caller just returns)."""
    hub = get_hub(websocket)
    origin_ok = origin_allowed(websocket, hub.settings)
    if origin_ok is False:
        await websocket.close(code=CLOSE_FORBIDDEN_ORIGIN)  # before accept: the handshake fails
        return None
    principal = await run_in_threadpool(resolve_principal, websocket)
    if principal is None:
        await refuse(websocket, CLOSE_SIGNED_OUT, "Signed out. Sign in again.")
        return None
    if origin_ok is None and principal.session is not None:
        await websocket.close(code=CLOSE_FORBIDDEN_ORIGIN)
        return None
    # Until it closes, sign-out and account changes close this socket too (auth.signout), and
    # so do those made elsewhere (the CLI, another hub process): see auth.socket_registry.
    hub.sockets.add(websocket, principal.user.id, principal.session.token_hash if principal.session else None,
                    still_signed_in=_checker(hub.db))
    return principal


def _checker(database: Database) -> StillSignedIn:
    def check(session_digests: set[str], user_ids: set[int]) -> tuple[set[str], set[int]]:
        with database.session() as db:
            return still_signed_in(db, session_digests, user_ids)

    return check
