"""What Drive stories share: a person's MyDrive folder on disk, and uploads sent as the web app
sends them (a resumable upload, then its chunks)."""

from __future__ import annotations

from pathlib import Path

import httpx
from starlette.testclient import TestClient

MiB = 1024 * 1024


def user_id(client: httpx.Client) -> int:
    """The signed-in person's id (a TestClient or a live hub's BrowserLike)."""
    return client.get("/api/auth/state").json()["user"]["id"]


def mydrive(app, client: TestClient) -> Path:
    return app.state.hub.settings.drive_dir / str(user_id(client)) / "MyDrive"


def start_upload(client: TestClient, name: str, size: int, parent: str = "", **extra) -> dict:
    r = client.post("/api/drive/uploads", json={"parent": parent, "name": name, "size": size, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def send(client: TestClient, upload_id: str, offset: int, data: bytes):
    return client.patch(
        f"/api/drive/uploads/{upload_id}",
        content=data,
        headers={"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
    )


def upload(client: TestClient, name: str, data: bytes, parent: str = "", chunk: int = 1 * MiB, **extra) -> dict:
    """Upload ``data`` in chunks; returns the new Item."""
    up = start_upload(client, name, len(data), parent, **extra)
    offset = 0
    while True:
        r = send(client, up["id"], offset, data[offset : offset + chunk])
        assert r.status_code == 200, r.text
        offset = r.json()["offset"]
        if offset == len(data):
            item = r.json()["item"]
            assert item is not None
            return item
