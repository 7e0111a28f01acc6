"""Web servers that port-link stories start in a runtime, and how they start them."""

from __future__ import annotations

import socket
import textwrap

from tests.live_hub import BrowserLike, notebook_with, outputs_after_run, run, text_of

# Answers every request with what it received (as JSON), tries to set a cookie and HSTS for the
# hub's domain, and redirects to its own origin on /redirect.
ECHO_SERVER = textwrap.dedent('''
    import json, sys
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Echo(BaseHTTPRequestHandler):
        def answer(self):
            size = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(size) if size else b""
            if self.path.startswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", "http://127.0.0.1:%d/landed?x=1" % self.server.server_port)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            out = json.dumps({"method": self.command, "path": self.path,
                              "headers": [[k.lower(), v] for k, v in self.headers.items()],
                              "body_length": len(body), "body_sum": sum(body) % 65536}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Set-Cookie", "nbcloud_session=planted; Path=/")
            self.send_header("Set-Cookie", "app_pref=dark; Domain=localhost; Path=/; SameSite=Lax")
            self.send_header("Strict-Transport-Security", "max-age=31536000")
            self.send_header("Clear-Site-Data", '"cookies"')
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = answer

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
''')

WS_SERVER = textwrap.dedent('''
    import asyncio, sys
    from websockets.asyncio.server import serve

    async def echo(ws):
        async for message in ws:
            await ws.send("echo:" + message if isinstance(message, str) else message[::-1])

    async def main():
        async with serve(echo, "127.0.0.1", int(sys.argv[1])):
            await asyncio.Future()

    asyncio.run(main())
''')

WAIT_FOR = textwrap.dedent('''
    import socket, time
    def wait_for(port):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False
''')


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def http_server(port: int, folder: str = "") -> str:
    """A `!` line that serves ``folder`` (the working folder when empty) on the runtime's loopback
    with `python -m http.server`, in the background."""
    cd = f"cd {folder} && " if folder else ""
    return f"!{cd}python -m http.server {port} --bind 127.0.0.1 &>/dev/null &"


def echo_servers(echo_port: int, ws_port: int) -> str:
    """Lines that start ECHO_SERVER on ``echo_port`` and WS_SERVER on ``ws_port`` with subprocess.Popen."""
    return "\n".join([
        "import subprocess, sys",
        f"open('echo.py', 'w').write({ECHO_SERVER!r})",
        f"open('ws.py', 'w').write({WS_SERVER!r})",
        f"servers = [subprocess.Popen([sys.executable, 'echo.py', '{echo_port}']),"
        f" subprocess.Popen([sys.executable, 'ws.py', '{ws_port}'])]",
    ])


def when_listening(*ports: int) -> str:
    """A cell's last lines: wait until something listens on each of ``ports``, then print 'ready'."""
    return f"{WAIT_FOR}\nprint('ready' if all(wait_for(p) for p in {ports!r}) else 'not ready')"


def start_servers(client: BrowserLike, name: str, *commands: str) -> str:
    """A notebook of ``client`` whose one cell starts servers in its runtime; returns its id."""
    item_id, (cell,) = notebook_with(client, "\n".join(commands), name=name)
    run(client, item_id, [cell])
    done = outputs_after_run(client, item_id, cell)
    assert "ready" in text_of(done), done["outputs"]
    return item_id
