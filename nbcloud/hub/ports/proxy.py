"""A reverse proxy to a web server in a runtime, on the link's own origin (``origins``):
``p-<token>.<domain>/...``, or, where the hub has no names to give, ``/api/runtimes/proxy/{token}/...``.

On its own origin (a request whose Host is ``p-<token>.<domain>``) every path goes to the same path
of the server: absolute paths work, and the hub's own routes are never served on that host. The
app's origin is its own, so it may keep cookies (host-only: a Domain attribute is dropped, so it
cannot plant one for the hub's host), and its pages are not sandboxed; the hub's own cookies are
host-only on the hub's host and are filtered out should any arrive. Its pages send no Referer to
other origins (``Referrer-Policy: same-origin``): the origin holds the token.

On the hub's origin (the fallback), everything under a link's prefix goes to
``http://127.0.0.1:{port}/...`` (or ``[::1]``) of the runtime the link was made for: every
method, bodies streamed both ways, WebSocket upgrades too.
The token in the path is the only credential: the content is shown in sandboxed frames and tabs
with an opaque origin, whose requests carry no cookie of the hub. Relative URLs keep working
because the prefix ends in the token's folder (``.../{token}/``); an upstream redirect to its own
origin or to an absolute path is rewritten under the prefix.

What crosses the proxy:

* upstream gets no cookie, no CSRF header, no hub API token, no Referer (it holds the token), no
  hop-by-hop header; its Host is its own, Origin (when present) is its own origin, and it learns
  the real client through ``X-Forwarded-*`` (``X-Forwarded-Prefix`` is the link's prefix);
* the browser gets no Set-Cookie (the hub's domain is not the runtime's to write), no header that
  would speak for the hub's whole origin (Clear-Site-Data, Strict-Transport-Security, Alt-Svc,
  Service-Worker-Allowed, NEL, Report-To), and always
  ``Content-Security-Policy: sandbox allow-scripts allow-forms allow-popups`` and
  ``Referrer-Policy: no-referrer``: even opened as a top-level page, the runtime's content runs in
  an opaque origin and cannot act as the hub.

An opaque origin makes every request of the server's own pages cross-origin (``Origin: null``):
module scripts, ``fetch``, fonts, EventSource need CORS. The proxy answers CORS preflights itself
and allows any origin to read the answers (``null`` with credentials, else ``*``): the link's token
is the credential, and no ambient one (the hub's cookies) is ever passed on, so CORS protects
nothing here that the token does not.

This runs outside the hub's CSRF and security-header middlewares (it is added last, so it is the
outermost): those protect the hub's own pages and API, which these responses are not.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nbcloud.hub.auth.accounts import TOKEN_PREFIX
from nbcloud.hub.auth.csrf import CSRF_COOKIE
from nbcloud.hub.http.dependencies import SESSION_COOKIE
from nbcloud.hub.ports.links import PortLink, PortLinks
from nbcloud.hub.ports.origins import AppHost, app_host

if TYPE_CHECKING:
    from nbcloud.hub.context import Hub
    from nbcloud.hub.runtimes.backend import Runtime

log = logging.getLogger("nbcloud.ports")

PREFIX = "/api/runtimes/proxy/"

SANDBOX_CSP = b"sandbox allow-scripts allow-forms allow-popups"

HOP_BY_HOP = frozenset({
    b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"proxy-connection",
    b"te", b"trailer", b"trailers", b"transfer-encoding", b"upgrade",
})
# Never sent upstream (besides hop-by-hop ones and those the proxy sets itself).
REQUEST_DROP = frozenset({
    b"host", b"cookie", b"referer", b"origin", b"x-csrf-token", b"forwarded", b"x-forwarded-for",
    b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-port", b"x-forwarded-prefix", b"x-real-ip",
})
# Never given to the browser: they would speak for the hub's whole origin.
RESPONSE_DROP = frozenset({
    b"set-cookie", b"set-cookie2", b"clear-site-data", b"strict-transport-security", b"alt-svc",
    b"service-worker-allowed", b"nel", b"report-to", b"reporting-endpoints", b"public-key-pins",
    b"referrer-policy",
})
# Replaced by the proxy's own when the request is a CORS one.
CORS_RESPONSE = frozenset({
    b"access-control-allow-origin", b"access-control-allow-credentials", b"access-control-expose-headers",
})
# CORS-safelisted response headers (always readable).
SAFELISTED = frozenset({
    b"cache-control", b"content-language", b"content-length", b"content-type", b"expires", b"last-modified",
    b"pragma",
})
WS_REQUEST_DROP = REQUEST_DROP | frozenset({
    b"sec-websocket-key", b"sec-websocket-version", b"sec-websocket-extensions", b"sec-websocket-protocol",
    b"sec-websocket-accept", b"content-length",
})

# The hub's cookies: never passed to a runtime's server, should a browser send them to a link's host.
HUB_COOKIES = frozenset({SESSION_COOKIE.encode(), CSRF_COOKIE.encode()})

PROBLEMS = {
    "unknown": (404, "This link does not exist",
                "There is no link to a runtime's web server at this address. Run the notebook cell that "
                "shows the server again to get a working link."),
    "expired": (403, "This link has expired",
                "Links to a runtime's web server work for a limited time. Run the notebook cell that shows "
                "the server again (or reload the notebook) to get a fresh link."),
    "runtime_gone": (403, "The runtime of this link has stopped",
                     "The runtime this link was made for is no longer running, and neither is its server. "
                     "Start the server again in the notebook to get a new link."),
}


def _listed(raw: bytes) -> set[bytes]:
    return {part.strip().lower() for part in raw.split(b",") if part.strip()}


def _hop_by_hop(headers: list[tuple[bytes, bytes]]) -> set[bytes]:
    """The standard hop-by-hop headers and whatever Connection names."""
    named = set(HOP_BY_HOP)
    for key, value in headers:
        if key.lower() == b"connection":
            named |= _listed(value)
    return named


def _is_hub_token(authorization: bytes) -> bool:
    scheme, _, credentials = authorization.strip().partition(b" ")
    return scheme.lower() == b"bearer" and credentials.strip().startswith(TOKEN_PREFIX.encode())


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((v for k, v in scope.get("headers") or [] if k.lower() == name), None)


def without_hub_cookies(cookie: bytes) -> bytes:
    """A Cookie header less the hub's own cookies (the app's own are its to read)."""
    kept = [part.strip() for part in cookie.split(b";")
            if part.strip() and part.strip().partition(b"=")[0].strip() not in HUB_COOKIES]
    return b"; ".join(kept)


def host_only_cookie(set_cookie: bytes) -> bytes:
    """A Set-Cookie for the link's own host only: a Domain attribute would reach its parent
    domain (the hub's host, other links)."""
    parts = set_cookie.split(b";")
    kept = [parts[0]] + [p for p in parts[1:] if p.strip().partition(b"=")[0].strip().lower() != b"domain"]
    return b";".join(kept)


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def rewrite_location(value: str, port: int, prefix: str) -> str:
    """An upstream redirect to its own origin, or to an absolute path, stays under the prefix."""
    try:
        parts = urlsplit(value)
        own = (
            parts.scheme in ("http", "https", "ws", "wss")
            and parts.hostname in ("127.0.0.1", "localhost", "::1", "0.0.0.0")
            and (parts.port or (443 if parts.scheme in ("https", "wss") else 80)) == port
        )
    except ValueError:
        return value
    if own or not parts.scheme and not parts.netloc and value.startswith("/") and not value.startswith("//"):
        rest = parts.path.lstrip("/")
    else:
        return value
    tail = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    return prefix + rest + tail


def cors_headers(origin: bytes) -> list[tuple[bytes, bytes]]:
    """Who may read an answer: the opaque origins of the server's own pages (``null``, with
    credentials, which only ever means no hub cookie), anyone else holding the link (``*``)."""
    if origin.strip() == b"null":
        return [(b"access-control-allow-origin", b"null"), (b"access-control-allow-credentials", b"true"),
                (b"vary", b"Origin")]
    return [(b"access-control-allow-origin", b"*"), (b"vary", b"Origin")]


def preflight(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]] | None:
    """The answer to a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method)."""
    found = {k.lower(): v for k, v in headers}
    origin, method = found.get(b"origin"), found.get(b"access-control-request-method")
    if origin is None or method is None:
        return None
    out = cors_headers(origin) + [
        (b"access-control-allow-methods", method),
        (b"access-control-max-age", b"600"),
        (b"content-length", b"0"),
        (b"cache-control", b"no-store"),
    ]
    if b"access-control-request-headers" in found:
        out.append((b"access-control-allow-headers", found[b"access-control-request-headers"]))
    if found.get(b"access-control-request-private-network", b"").lower() == b"true":
        out.append((b"access-control-allow-private-network", b"true"))
    return out


def problem_page(status: int, title: str, message: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = (
        f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#1f1f1f}"
        f"h1{{font-size:1.4em}}</style></head><body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    ).encode()
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; " + b"sandbox"),
    ]
    return status, headers, body


class PortProxyMiddleware:
    """Serves ``/api/runtimes/proxy/...`` (HTTP and WebSocket); hands every other request on."""

    def __init__(self, app: ASGIApp, hub: Hub) -> None:
        self.app = app
        self.hub = hub

    @property
    def links(self) -> PortLinks:
        return self.hub.ports

    def client(self, runtime: Runtime | None = None) -> httpx.AsyncClient:
        return self.links.client(runtime)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = _header(scope, b"host")
            target = app_host(host.decode("latin-1"), self.hub.settings.port_domain) if host else None
            if target is not None:
                await self._own_origin(scope, receive, send, target)
                return
        root = scope.get("root_path", "") or ""
        path = scope.get("path", "")
        if root and path.startswith(root):
            path = path[len(root):]
        if scope["type"] not in ("http", "websocket") or not path.startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path") or scope["path"].encode()
        raw = raw.split(b"?", 1)[0]
        tail = raw[raw.find(PREFIX.encode()) + len(PREFIX):]
        token_bytes, slash, rest = tail.partition(b"/")
        token = token_bytes.decode("latin-1")
        resolved = self.links.resolve(token)
        if isinstance(resolved, str):
            status, title, message = PROBLEMS[resolved]
            await self._refuse(scope, receive, send, status, title, message)
            return
        link, runtime = resolved
        prefix = f"{root}{PREFIX}{token}/"
        if scope["type"] == "http" and not slash:
            query = scope.get("query_string") or b""
            location = prefix + (f"?{query.decode('latin-1')}" if query else "")
            await self._send(send, 308, [(b"location", location.encode()), (b"content-length", b"0"),
                                         (b"cache-control", b"no-store")], b"")
            return
        await self._serve(scope, receive, send, token, link, runtime, b"/" + rest, prefix, own_origin=False)

    async def _own_origin(self, scope: Scope, receive: Receive, send: Send, target: AppHost) -> None:
        """A request to ``p-<token>.<domain>``: the link's server at the same path, or a page that
        says why not. Never the hub's own routes."""
        resolved = self.links.resolve(target.token) if target.token is not None else "unknown"
        if isinstance(resolved, str):
            status, title, message = PROBLEMS[resolved]
            await self._refuse(scope, receive, send, status, title, message)
            return
        link, runtime = resolved
        raw = (scope.get("raw_path") or scope["path"].encode()).split(b"?", 1)[0]
        if not raw.startswith(b"/"):
            raw = b"/" + raw
        await self._serve(scope, receive, send, link.token, link, runtime, raw, "/", own_origin=True)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, token: str, link: PortLink,
                     runtime: Runtime, upstream_path: bytes, prefix: str, *, own_origin: bool) -> None:
        headers = list(scope.get("headers") or [])
        if not own_origin and any(k.lower() == b"service-worker" for k, _ in headers):
            # A service worker here would control the hub's own pages' fetches below its scope.
            await self._refuse(scope, receive, send, 403, "Not allowed",
                               "A runtime's web server cannot install a service worker through nbcloud.")
            return
        check = await self.links.check(runtime, link.port)
        if check.owner != "runtime" and isinstance(again := self.links.resolve(token), str):
            # The runtime stopped while its processes were being looked at.
            status, title, message = PROBLEMS[again]
            await self._refuse(scope, receive, send, status, title, message)
            return
        if check.owner != "runtime" or check.host is None:
            if check.owner == "other":
                status, title, message = (
                    403, "This port is not this runtime's",
                    f"Port {link.port} is in use by something outside this notebook's runtime. nbcloud only "
                    "shows a web server that this runtime itself runs. Pick another port for your server.")
            else:
                status, title, message = (
                    502, f"Nothing is listening on port {link.port}",
                    f"No web server of this notebook's runtime listens on port {link.port} (yet). Start the "
                    "server in the notebook, wait until it is ready, then reload this frame or page.")
            await self._refuse(scope, receive, send, status, title, message)
            return
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send, link, check.host, upstream_path, prefix, runtime,
                                  own_origin=own_origin)
        else:
            await self._http(scope, receive, send, link, check.host, upstream_path, prefix, runtime,
                             own_origin=own_origin)

    # ----- plumbing ---------------------------------------------------------------------------------

    @staticmethod
    async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int, title: str,
                      message: str) -> None:
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            # Closing before accepting answers the handshake with 403.
            await send({"type": "websocket.close", "code": 1008, "reason": title[:120]})
            return
        status, headers, body = problem_page(status, title, message)
        await self._send(send, status, headers, body if scope["method"] != "HEAD" else b"")

    def _upstream_headers(self, scope: Scope, link: PortLink, prefix: str, host: str,
                          drop: frozenset[bytes], *, own_origin: bool = False) -> list[tuple[bytes, bytes]]:
        incoming: list[tuple[bytes, bytes]] = list(scope.get("headers") or [])
        skip = _hop_by_hop(incoming) | drop
        upstream_origin = f"http://{_netloc(host, link.port)}"
        kept_cookies: list[bytes] = []
        out: list[tuple[bytes, bytes]] = []
        client_host = ""
        hub_host = ""
        origin_present = False
        for key, value in incoming:
            name = key.lower()
            if name == b"host":
                hub_host = value.decode("latin-1")
            if name == b"origin":
                origin_present = True
            if own_origin and name == b"cookie":
                # The app's own cookies are its own; the hub's are never passed on.
                if cookie := without_hub_cookies(value):
                    kept_cookies.append(cookie)
                continue
            if own_origin and name == b"referer":
                # A page of the app itself (same-origin policy): its path, as the server would see it.
                if (referer := self._own_referer(scope, value, upstream_origin)) is not None:
                    out.append((name, referer))
                continue
            if name in skip:
                continue
            if name == b"authorization" and _is_hub_token(value):
                continue
            out.append((name, value))
        if scope.get("client"):
            client_host = str(scope["client"][0])
        scheme = scope.get("scheme", "http")
        if scope["type"] == "websocket":
            scheme = "https" if scheme in ("wss", "https") else "http"
        if kept_cookies:
            out.append((b"cookie", b"; ".join(kept_cookies)))
        if origin_present:
            out.append((b"origin", upstream_origin.encode()))
        if client_host:
            out.append((b"x-forwarded-for", client_host.encode()))
        if hub_host:
            out.append((b"x-forwarded-host", hub_host.encode("latin-1")))
        out.append((b"x-forwarded-proto", scheme.encode()))
        if prefix.rstrip("/"):
            out.append((b"x-forwarded-prefix", prefix.rstrip("/").encode()))
        return out

    @staticmethod
    def own_origin_of(scope: Scope) -> bytes:
        """The origin a request to a link's host was made to (``http://p-<token>.<domain>:port``)."""
        scheme = scope.get("scheme", "http")
        secure = scheme in ("https", "wss")
        return (b"https://" if secure else b"http://") + (_header(scope, b"host") or b"").strip().lower()

    def _own_referer(self, scope: Scope, referer: bytes, upstream_origin: str) -> bytes | None:
        own = self.own_origin_of(scope)
        if referer.lower().startswith(own + b"/") or referer.lower() == own:
            return upstream_origin.encode() + referer[len(own):]
        return None

    @staticmethod
    def _response_headers(headers: list[tuple[bytes, bytes]], link: PortLink, prefix: str,
                          origin: bytes | None, *, own_origin: bool = False) -> list[tuple[bytes, bytes]]:
        skip = _hop_by_hop(headers) | RESPONSE_DROP | (CORS_RESPONSE if origin is not None else frozenset())
        out: list[tuple[bytes, bytes]] = []
        for key, value in headers:
            name = key.lower()
            if own_origin and name == b"set-cookie":
                out.append((name, host_only_cookie(value)))  # the app's own host, nothing above it
                continue
            if name in skip:
                continue
            if name in (b"location", b"content-location"):
                value = rewrite_location(value.decode("latin-1"), link.port, prefix).encode("latin-1")
            out.append((name, value))
        if own_origin:
            # Its own origin: not sandboxed. The origin holds the token: no Referer leaves it.
            out.append((b"referrer-policy", b"same-origin"))
        else:
            # Added, never replaced: an upstream policy still applies too, and only makes it stricter.
            out.append((b"content-security-policy", SANDBOX_CSP))
            out.append((b"referrer-policy", b"no-referrer"))
        if origin is not None:
            exposed = sorted({name for name, _ in out} - SAFELISTED)
            out += cors_headers(origin)
            if exposed:
                out.append((b"access-control-expose-headers", b", ".join(exposed)))
        return out

    # ----- HTTP -------------------------------------------------------------------------------------

    async def _http(self, scope: Scope, receive: Receive, send: Send, link: PortLink, host: str,
                    path: bytes, prefix: str, runtime: Runtime | None = None, *, own_origin: bool = False) -> None:
        incoming = list(scope.get("headers") or [])
        origin = next((v for k, v in incoming if k.lower() == b"origin"), None)
        if own_origin and origin is not None and origin.strip().lower() == self.own_origin_of(scope):
            origin = None  # the app's own pages: not a CORS request, the app's own headers stand
        if scope["method"] == "OPTIONS" and origin is not None and (allowed := preflight(incoming)) is not None:
            await self._send(send, 204, allowed, b"")
            return
        query = scope.get("query_string") or b""
        url = httpx.URL(f"http://{_netloc(host, link.port)}").copy_with(
            raw_path=path + (b"?" + query if query else b""))
        headers = self._upstream_headers(scope, link, prefix, host, REQUEST_DROP, own_origin=own_origin)
        body_done = asyncio.Event()
        disconnected = asyncio.Event()

        has_body = any(k == b"content-length" and v.strip() not in (b"", b"0") for k, v in headers) or any(
            k.lower() == b"transfer-encoding" for k, _ in scope.get("headers") or [])

        async def request_body() -> AsyncIterator[bytes]:
            try:
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        disconnected.set()
                        raise ConnectionAbortedError("the client went away")
                    chunk = message.get("body", b"")
                    if chunk:
                        yield chunk
                    if not message.get("more_body", False):
                        return
            finally:
                body_done.set()

        if not has_body:
            body_done.set()
        client = self.client(runtime)
        request = client.build_request(scope["method"], url, headers=headers,
                                              content=request_body() if has_body else None)
        started = False

        async def exchange() -> None:
            nonlocal started
            try:
                response = await client.send(request, stream=True)
            except httpx.TimeoutException:
                status, page_headers, page = problem_page(
                    504, "The server did not answer",
                    f"The web server on port {link.port} of this runtime did not answer in time.")
                await self._send(send, status, page_headers, page)
                return
            except (httpx.HTTPError, ConnectionAbortedError, OSError) as exc:
                if disconnected.is_set():
                    return
                status, page_headers, page = problem_page(
                    502, f"Could not reach port {link.port}",
                    f"The web server on port {link.port} of this runtime did not answer ({type(exc).__name__}). "
                    "Check that it is still running, then reload.")
                await self._send(send, status, page_headers, page)
                return
            try:
                await send({
                    "type": "http.response.start",
                    "status": response.status_code,
                    "headers": self._response_headers(list(response.headers.raw), link, prefix, origin,
                                                      own_origin=own_origin),
                })
                started = True
                if scope["method"] != "HEAD":
                    async for chunk in response.aiter_raw():
                        if chunk:
                            await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            finally:
                await response.aclose()

        async def watch_disconnect() -> None:
            await body_done.wait()
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    disconnected.set()
                    return

        work = asyncio.create_task(exchange())
        watcher = asyncio.create_task(watch_disconnect())
        try:
            done, _ = await asyncio.wait({work, watcher}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (work, watcher):
                if not task.done():
                    task.cancel()
            for task in (work, watcher):
                with contextlib.suppress(BaseException):
                    await task
        if work in done and not work.cancelled() and work.exception() is not None and not disconnected.is_set():
            exc = work.exception()
            log.warning("proxying to port %s failed: %r", link.port, exc)
            if not started:
                status, page_headers, page = problem_page(502, f"Could not reach port {link.port}", str(exc))
                with contextlib.suppress(Exception):
                    await self._send(send, status, page_headers, page)

    # ----- WebSocket --------------------------------------------------------------------------------

    async def _websocket(self, scope: Scope, receive: Receive, send: Send, link: PortLink, host: str,
                         path: bytes, prefix: str, runtime: Runtime | None = None, *,
                         own_origin: bool = False) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        first = await receive()
        if first["type"] != "websocket.connect":
            return
        query = scope.get("query_string") or b""
        uri = f"ws://{_netloc(host, link.port)}{path.decode('latin-1')}"
        if query:
            uri += f"?{query.decode('latin-1')}"
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in self._upstream_headers(scope, link, prefix, host, WS_REQUEST_DROP, own_origin=own_origin)
            if k != b"origin"
        ]
        origin = next((v for k, v in scope.get("headers") or [] if k.lower() == b"origin"), None)
        dialer = self.links.dialer(runtime) if runtime is not None else None
        sock = None
        try:
            # A runtime with a network of its own: the socket is made inside it (ports.dial).
            sock = await dialer(host, link.port, 10.0) if dialer is not None else None
            upstream = await connect(
                uri,
                subprotocols=list(scope.get("subprotocols") or []) or None,
                additional_headers=headers,
                origin=f"http://{_netloc(host, link.port)}" if origin is not None else None,  # type: ignore[arg-type]
                user_agent_header=None,
                proxy=None,
                open_timeout=10,
                max_size=64 * 1024 * 1024,
                sock=sock,
            )
        except Exception as exc:  # noqa: BLE001 - refused, timed out, not a WebSocket server
            if sock is not None:
                sock.close()
            log.info("WebSocket to port %s refused: %r", link.port, exc)
            reason = "The runtime's server refused the WebSocket"
            await send({"type": "websocket.close", "code": 1011, "reason": reason})
            return
        await send({"type": "websocket.accept", "subprotocol": upstream.subprotocol})

        async def from_browser() -> None:
            while True:
                message: Message = await receive()
                if message["type"] == "websocket.receive":
                    if message.get("text") is not None:
                        await upstream.send(message["text"])
                    elif message.get("bytes") is not None:
                        await upstream.send(message["bytes"])
                elif message["type"] == "websocket.disconnect":
                    return

        async def from_server() -> int:
            try:
                async for data in upstream:
                    if isinstance(data, str):
                        await send({"type": "websocket.send", "text": data})
                    else:
                        await send({"type": "websocket.send", "bytes": data})
            except ConnectionClosed:
                pass
            return upstream.close_code or 1000

        browser = asyncio.create_task(from_browser())
        server = asyncio.create_task(from_server())
        try:
            done, _ = await asyncio.wait({browser, server}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (browser, server):
                if not task.done():
                    task.cancel()
            for task in (browser, server):
                with contextlib.suppress(BaseException):
                    await task
            with contextlib.suppress(Exception):
                await upstream.close()
        if server in done and not server.cancelled() and server.exception() is None:
            code: Any = server.result()
            if code in (1005, 1006, 1015) or not (1000 <= code <= 4999):
                code = 1000
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": code})
