"""Helpers for the browser stories: a hub in a subprocess, signing in, test files."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC_INDEX = ROOT / "nbcloud" / "static" / "index.html"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Camera and microphone stories: a fake device, and the permission prompt answered "allow".
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
ARTIFACTS = ROOT / ".test-artifacts" / "e2e"

ADMIN = "admin"
PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _nbcloud_command() -> list[str]:
    script = Path(sys.executable).with_name("nbcloud")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "nbcloud.cli"]


@dataclass
class Hub:
    url: str
    data_dir: Path
    process: subprocess.Popen
    log: Path

    def client(self) -> httpx.Client:
        """A browser-like API client: it holds cookies and echoes the CSRF cookie."""
        client = httpx.Client(base_url=self.url, timeout=30)
        token = client.get("/api/auth/state").json()["csrf_token"]
        client.headers["X-CSRF-Token"] = token
        return client

    def signed_in(self, username: str, password: str = PASSWORD) -> httpx.Client:
        client = self.client()
        client.post("/api/auth/login", json={"username": username, "password": password}).raise_for_status()
        client.headers["X-CSRF-Token"] = client.cookies["nbcloud_csrf"]
        return client

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_hub(data_dir: Path, **settings: str) -> Hub:
    port = _free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NBCLOUD_")}
    env.update({"NBCLOUD_DATA_DIR": str(data_dir), "NBCLOUD_HOST": "127.0.0.1", "NBCLOUD_PORT": str(port)})
    # One person opens many notebooks in these stories: no per-user runtime limit unless asked.
    settings.setdefault("runtime_max_per_user", "0")
    env.update({f"NBCLOUD_{k.upper()}": v for k, v in settings.items()})
    log = data_dir.parent / f"hub-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*_nbcloud_command(), "serve", "--data-dir", str(data_dir), "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    hub = Hub(url=f"http://127.0.0.1:{port}", data_dir=data_dir, process=process, log=log)
    deadline = time.monotonic() + 150  # a loaded 2-core machine imports slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The hub exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{hub.url}/api/auth/state", timeout=2).status_code == 200:
                return hub
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    hub.stop()
    pytest.fail(f"The hub did not answer on {hub.url} within 150 s:\n{log.read_text(errors='replace')}")


def sign_in(page, hub: Hub, username: str, password: str = PASSWORD) -> None:
    """Signs in through the sign-in page and waits for My Drive."""
    from playwright.sync_api import expect

    page.goto(f"{hub.url}/signin")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Breadcrumbs")).to_contain_text("My Drive")


def random_file(path: Path, size: int) -> Path:
    with open(path, "wb") as out:
        left = size
        while left:
            block = os.urandom(min(left, 1 << 20))
            out.write(block)
            left -= len(block)
    return path
