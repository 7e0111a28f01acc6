"""HTTP connections to a server inside one runtime's network namespace.

A sandboxed runtime has a loopback of its own (see runtimes.network), so the hub's own
127.0.0.1 does not lead to its servers. The backend gives a *dialer* for a runtime: an async
function that returns a TCP socket connected to ``host:port`` as that runtime sees it. Here it
becomes an httpx client (an httpcore network backend that calls the dialer instead of
``connect()``) for that runtime alone: a connection pool is keyed by ``127.0.0.1:port``, the
same for every runtime, so runtimes must never share one.
"""

from __future__ import annotations

import asyncio
import ssl
import typing

import httpcore
import httpx
from httpcore._utils import is_socket_readable

from nbcloud.hub.runtimes.backend import Dialer

__all__ = ["Dialer", "DialerTransport", "client"]


class _SocketStream(httpcore.AsyncNetworkStream):
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            return await asyncio.wait_for(self._reader.read(max_bytes), timeout)
        except TimeoutError as exc:
            raise httpcore.ReadTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc)) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            self._writer.write(buffer)
            await asyncio.wait_for(self._writer.drain(), timeout)
        except TimeoutError as exc:
            raise httpcore.WriteTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpcore.WriteError(str(exc)) from exc

    async def aclose(self) -> None:
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except OSError:
            pass

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("TLS to a runtime's port is not supported (the hub speaks plain HTTP to it)")

    def get_extra_info(self, info: str) -> typing.Any:
        sock = self._writer.get_extra_info("socket")
        if info == "is_readable":  # httpcore asks before reusing a kept-alive connection
            return sock is not None and is_socket_readable(sock)
        if info == "socket":
            return sock
        if info in ("client_addr", "server_addr"):
            return self._writer.get_extra_info("sockname" if info == "client_addr" else "peername")
        return None


class _DialerBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, dialer: Dialer) -> None:
        self._dialer = dialer

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.AsyncNetworkStream:
        try:
            sock = await self._dialer(host, port, timeout)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"connecting to {host}:{port} in the runtime timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        reader, writer = await asyncio.open_connection(sock=sock, limit=2**20)
        return _SocketStream(reader, writer)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: typing.Iterable[typing.Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not dialed into runtimes")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class DialerTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (its error mapping, its limits) over connections from ``dialer``."""

    def __init__(self, dialer: Dialer, limits: httpx.Limits) -> None:
        super().__init__(trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DialerBackend(dialer),
        )


def client(dialer: Dialer, *, timeout: httpx.Timeout, limits: httpx.Limits) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=DialerTransport(dialer, limits), trust_env=False, follow_redirects=False,
                             timeout=timeout)
