"""Stories about getting files into Drive and back out: resumable uploads and ranged downloads."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import anyio
from sqlalchemy import update
from starlette.testclient import TestClient

from nbcloud.hub.db.models import Upload
from tests.drive_client import MiB, mydrive, send, start_upload, upload


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def drop_mid_chunk(app, client: TestClient, upload_id: str, offset: int, pieces: list[bytes], declared: int) -> list:
    """Send a PATCH whose body stops after ``pieces`` because the connection drops."""
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    headers = [
        (b"host", b"127.0.0.1"),
        (b"cookie", cookie.encode()),
        (b"x-csrf-token", client.headers["X-CSRF-Token"].encode()),
        (b"upload-offset", str(offset).encode()),
        (b"content-type", b"application/offset+octet-stream"),
        (b"content-length", str(declared).encode()),
    ]
    messages = [{"type": "http.request", "body": p, "more_body": True} for p in pieces]
    messages.append({"type": "http.disconnect"})
    sent: list = []

    async def receive():
        if messages:
            return messages.pop(0)
        await anyio.sleep_forever()

    async def send_(message):
        sent.append(message)

    path = f"/api/drive/uploads/{upload_id}"
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
        "method": "PATCH", "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80),
        "state": {},
    }

    async def run():
        await app(scope, receive, send_)

    anyio.run(run)
    return sent


# -- stories ------------------------------------------------------------------------------
def test_a_chunked_upload_lands_in_drive_and_downloads_byte_for_byte(alice: TestClient, app):
    data = os.urandom(3 * MiB + 123)
    up = start_upload(alice, "weights.bin", len(data), "Colab Notebooks")
    assert up["offset"] == 0 and up["size"] == len(data) and up["chunk_size"] == 8 * MiB
    offset = 0
    for size in (MiB, MiB, MiB):
        r = send(alice, up["id"], offset, data[offset : offset + size])
        assert r.status_code == 200 and r.json()["item"] is None
        offset += size
        assert r.json()["offset"] == offset and r.headers["upload-offset"] == str(offset)
    # Nothing is in Drive until the last byte arrives.
    assert "weights.bin" not in [i["name"] for i in alice.get("/api/drive/list?path=Colab Notebooks").json()["items"]]
    r = send(alice, up["id"], offset, data[offset:])
    item = r.json()["item"]
    assert item["name"] == "weights.bin" and item["path"] == "Colab Notebooks/weights.bin" and item["size"] == len(data)
    assert alice.get(f"/api/drive/items/{item['id']}/content").content == data
    assert alice.get("/api/drive/content", params={"path": "Colab Notebooks/weights.bin"}).content == data
    # The upload is finished: asking about it again is a 404, and no partial file is left behind.
    assert alice.get(f"/api/drive/uploads/{up['id']}").status_code == 404
    assert list(app.state.hub.settings.uploads_dir.rglob("*.part")) == []
    assert alice.get("/api/drive/usage").json()["used_bytes"] == len(data)


def test_a_dropped_connection_keeps_what_arrived_and_the_upload_resumes(alice: TestClient, app):
    data = os.urandom(2 * MiB + 7)
    up = start_upload(alice, "data.csv", len(data))
    assert send(alice, up["id"], 0, data[:MiB]).status_code == 200
    # The browser starts the next 1 MiB chunk; the connection drops after 300 KB of it.
    piece = data[MiB : MiB + 300_000]
    drop_mid_chunk(app, alice, up["id"], MiB, [piece[:100_000], piece[100_000:]], declared=MiB)
    r = alice.get(f"/api/drive/uploads/{up['id']}")
    assert r.status_code == 200 and r.json()["offset"] == MiB + 300_000
    # It is still not in Drive, and there is no partial file in MyDrive.
    assert files_under(mydrive(app, alice)) == []
    # Resuming at a wrong offset says where to resume from.
    r = send(alice, up["id"], MiB, data[MiB:])
    assert r.status_code == 409 and r.json()["code"] == "offset_mismatch" and r.json()["offset"] == MiB + 300_000
    # The pending upload is listed (a reloaded page can resume it).
    assert [u["id"] for u in alice.get("/api/drive/uploads").json()["uploads"]] == [up["id"]]
    offset = r.json()["offset"]
    r = send(alice, up["id"], offset, data[offset:])
    assert r.status_code == 200 and r.json()["item"]["size"] == len(data)
    assert alice.get("/api/drive/content?path=data.csv").content == data


def test_a_range_download_returns_exactly_those_bytes(alice: TestClient):
    data = os.urandom(2 * MiB + 1)
    item = upload(alice, "video.mp4", data)
    url = f"/api/drive/items/{item['id']}/content"
    r = alice.get(url, headers={"Range": "bytes=1000-1999"})
    assert r.status_code == 206
    assert r.headers["content-range"] == f"bytes 1000-1999/{len(data)}"
    assert r.headers["content-length"] == "1000" and r.content == data[1000:2000]
    r = alice.get(url, headers={"Range": "bytes=-500"})
    assert r.status_code == 206 and r.content == data[-500:]
    r = alice.get(url, headers={"Range": f"bytes={MiB}-"})
    assert r.status_code == 206 and r.content == data[MiB:]
    r = alice.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert r.status_code == 416 and r.headers["content-range"] == f"bytes */{len(data)}"
    r = alice.get("/api/drive/content?path=video.mp4", headers={"Range": "bytes=0-9"})
    assert r.status_code == 206 and r.content == data[:10]
    full = alice.get(url)
    assert full.status_code == 200 and full.headers["accept-ranges"] == "bytes" and full.content == data
    # A cached copy is confirmed without sending the bytes again.
    assert alice.get(url, headers={"If-None-Match": full.headers["etag"]}).status_code == 304
    # A stale If-Range gets the whole file.
    r = alice.get(url, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert r.status_code == 200 and r.content == data


def test_download_names_the_file_even_in_unicode(alice: TestClient):
    item = upload(alice, "résumé ☃.txt", b"hello")
    r = alice.get(f"/api/drive/items/{item['id']}/content?download=1")
    assert r.status_code == 200 and r.content == b"hello"
    cd = r.headers["content-disposition"]
    assert cd.startswith("attachment;") and "filename*=UTF-8''r%C3%A9sum%C3%A9%20%E2%98%83.txt" in cd
    r = alice.get(f"/api/drive/items/{item['id']}/content")
    assert r.headers["content-disposition"].startswith("inline;")
    assert r.headers["content-type"].startswith("text/plain")


def test_an_upload_over_the_quota_is_refused_and_touches_nothing(make_user, app):
    carol = make_user("carol", quota_bytes=3 * MiB)
    keep = upload(carol, "keep.bin", os.urandom(2 * MiB))
    before_list = carol.get("/api/drive/list").json()
    before_usage = carol.get("/api/drive/usage").json()
    r = carol.post("/api/drive/uploads", json={"parent": "", "name": "big.bin", "size": 2 * MiB})
    assert r.status_code == 413 and r.json()["code"] == "quota_exceeded"
    assert "Trash" in r.json()["detail"]
    # Overwriting keep.bin with a file of the same size fits: the old bytes are freed.
    assert start_upload(carol, "keep.bin", 2 * MiB, overwrite=True)["offset"] == 0
    assert carol.get("/api/drive/list").json() == before_list
    assert carol.get("/api/drive/usage").json() == before_usage
    assert carol.get(f"/api/drive/items/{keep['id']}").status_code == 200


def test_the_quota_is_checked_again_when_an_upload_completes(make_user, app):
    carol = make_user("carol", quota_bytes=3 * MiB)
    data = os.urandom(2 * MiB)
    up = start_upload(carol, "late.bin", len(data))
    # Meanwhile a runtime writes 2 MiB straight into MyDrive.
    (mydrive(app, carol) / "from-runtime.bin").write_bytes(b"x" * 2 * MiB)
    assert send(carol, up["id"], 0, data[:MiB]).status_code == 200
    r = send(carol, up["id"], MiB, data[MiB:])
    assert r.status_code == 413 and r.json()["code"] == "quota_exceeded"
    assert files_under(mydrive(app, carol)) == ["from-runtime.bin"]
    # After freeing space, sending the (empty) last request again completes it.
    (mydrive(app, carol) / "from-runtime.bin").unlink()
    r = send(carol, up["id"], len(data), b"")
    assert r.status_code == 200 and r.json()["item"]["name"] == "late.bin"
    assert carol.get("/api/drive/content?path=late.bin").content == data


def test_a_file_over_the_size_limit_is_refused(alice: TestClient, app):
    hub = app.state.hub
    hub.drive.settings = hub.settings.replace(max_upload_bytes=MiB)
    r = alice.post("/api/drive/uploads", json={"parent": "", "name": "huge.bin", "size": MiB + 1})
    assert r.status_code == 413 and r.json()["code"] == "file_too_large"
    assert "1.0 MB" in r.json()["detail"]
    assert alice.post("/api/drive/uploads", json={"parent": "", "name": "ok.bin", "size": MiB}).status_code == 201


def test_sending_more_than_declared_keeps_only_the_declared_bytes(alice: TestClient):
    up = start_upload(alice, "small.txt", 5)
    r = send(alice, up["id"], 0, b"hello world")
    assert r.status_code == 413 and r.json()["code"] == "upload_too_long"
    assert alice.get(f"/api/drive/uploads/{up['id']}").json()["offset"] == 5


def test_a_name_conflict_is_caught_at_start_and_at_completion(alice: TestClient):
    upload(alice, "a.txt", b"one")
    r = alice.post("/api/drive/uploads", json={"parent": "", "name": "a.txt", "size": 3})
    assert r.status_code == 409 and r.json()["code"] == "name_taken"
    up = start_upload(alice, "b.txt", 3)
    upload(alice, "b.txt", b"two")  # someone else finished first
    r = send(alice, up["id"], 0, b"new")
    assert r.status_code == 409 and r.json()["code"] == "name_taken"
    # With overwrite the new bytes replace the old ones and the item keeps its id.
    old = alice.get("/api/drive/list").json()["items"]
    old_id = next(i["id"] for i in old if i["name"] == "a.txt")
    item = upload(alice, "a.txt", b"three", overwrite=True)
    assert item["id"] == old_id
    assert alice.get("/api/drive/content?path=a.txt").content == b"three"


def test_a_cancelled_or_abandoned_upload_leaves_nothing_in_drive(alice: TestClient, app):
    data = os.urandom(MiB)
    up = start_upload(alice, "cancel-me.bin", len(data), "Colab Notebooks")
    send(alice, up["id"], 0, data[: MiB // 2])
    assert alice.delete(f"/api/drive/uploads/{up['id']}").status_code == 204
    assert alice.get(f"/api/drive/uploads/{up['id']}").status_code == 404
    assert send(alice, up["id"], MiB // 2, data[MiB // 2 :]).status_code == 404
    abandoned = start_upload(alice, "abandoned.bin", len(data))
    drop_mid_chunk(app, alice, abandoned["id"], 0, [data[:1000]], declared=len(data))
    assert files_under(mydrive(app, alice)) == []
    assert alice.get("/api/drive/usage").json()["used_bytes"] == 0
    assert [p.name for p in app.state.hub.settings.uploads_dir.rglob("*.part")] == [f"{abandoned['id']}.part"]


def test_stale_uploads_expire_when_a_new_one_starts(alice: TestClient, app):
    old = start_upload(alice, "old.bin", 10)
    send(alice, old["id"], 0, b"12345")
    with app.state.hub.db.session() as db:
        db.execute(update(Upload).values(updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)))
    start_upload(alice, "new.bin", 10)
    assert alice.get(f"/api/drive/uploads/{old['id']}").status_code == 404
    parts = [p.name for p in app.state.hub.settings.uploads_dir.rglob("*.part")]
    assert f"{old['id']}.part" not in parts and len(parts) == 1


def test_an_empty_file_uploads_with_one_empty_request(alice: TestClient):
    up = start_upload(alice, "empty.txt", 0)
    r = send(alice, up["id"], 0, b"")
    assert r.status_code == 200 and r.json()["item"]["size"] == 0
    assert alice.get("/api/drive/content?path=empty.txt").content == b""


def test_a_patch_without_an_offset_says_what_to_send(alice: TestClient):
    up = start_upload(alice, "x.txt", 3)
    r = alice.patch(f"/api/drive/uploads/{up['id']}", content=b"abc")
    assert r.status_code == 400 and r.json()["code"] == "bad_offset" and "Upload-Offset" in r.json()["detail"]
