"""Stories about keeping Drives apart: other people's ids, path tricks, planted links, active content."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from nbcloud.hub.drive.store import DriveStore
from nbcloud.hub.errors import DomainError, InvalidRequest
from nbcloud.hub.safefs import inside
from tests.drive_client import mydrive, send, start_upload, upload, user_id


def test_another_user_cannot_touch_my_items_by_id(alice: TestClient, bob: TestClient):
    secret = upload(alice, "secret.txt", b"alice's secret", parent="Colab Notebooks")
    folder = alice.post("/api/drive/folders", json={"parent": "", "name": "Private"}).json()
    trashed = upload(alice, "old.txt", b"old")
    alice.delete(f"/api/drive/items/{trashed['id']}")
    pending = start_upload(alice, "big.bin", 10)

    for item_id in (secret["id"], folder["id"], trashed["id"]):
        for r in (
            bob.get(f"/api/drive/items/{item_id}"),
            bob.get(f"/api/drive/items/{item_id}/content"),
            bob.get(f"/api/drive/items/{item_id}/content?download=1"),
            bob.patch(f"/api/drive/items/{item_id}", json={"name": "mine.txt"}),
            bob.patch(f"/api/drive/items/{item_id}", json={"parent": "Colab Notebooks"}),
            bob.delete(f"/api/drive/items/{item_id}"),
            bob.post(f"/api/drive/trash/{item_id}/restore"),
            bob.delete(f"/api/drive/trash/{item_id}"),
        ):
            # 404, never 403: bob learns nothing about whether the id exists.
            assert r.status_code == 404, r.text
            assert "alice" not in r.text and "secret" not in r.text
    for r in (
        bob.get(f"/api/drive/uploads/{pending['id']}"),
        send(bob, pending["id"], 0, b"0123456789"),
        bob.delete(f"/api/drive/uploads/{pending['id']}"),
    ):
        assert r.status_code == 404, r.text
    assert bob.get("/api/drive/uploads").json()["uploads"] == []
    bob.delete("/api/drive/trash")

    # Bob's paths are his own Drive: alice's files are not there.
    assert bob.get("/api/drive/content?path=Colab Notebooks/secret.txt").status_code == 404
    assert bob.get("/api/drive/list?path=Private").status_code == 404
    # Everything of alice's is intact.
    assert alice.get(f"/api/drive/items/{secret['id']}/content").content == b"alice's secret"
    assert alice.get(f"/api/drive/items/{folder['id']}").json()["path"] == "Private"
    assert [i["id"] for i in alice.get("/api/drive/trash").json()["items"]] == [trashed["id"]]
    assert alice.get(f"/api/drive/uploads/{pending['id']}").json()["offset"] == 0


def test_signed_out_requests_get_nothing(anonymous: TestClient):
    for r in (
        anonymous.get("/api/drive/list"),
        anonymous.get("/api/drive/usage"),
        anonymous.get("/api/drive/content?path=x"),
        anonymous.post("/api/drive/folders", json={"parent": "", "name": "x"}),
        anonymous.post("/api/drive/uploads", json={"parent": "", "name": "x", "size": 1}),
    ):
        assert r.status_code == 401


BAD_PATHS = [
    "..",
    "../2/MyDrive",
    "Colab Notebooks/../..",
    "Colab Notebooks/../../../etc",
    "/etc/passwd",
    "/",
    "a\x00b",
    "..\\..\\etc",
    "a\\b",
    "./Colab Notebooks",
    "Colab Notebooks//x",
    "Colab Notebooks/.",
    "x" * 256,
    "C:/Windows",
]


BAD_NAMES = ["..", ".", "", "a/b", "a\\b", "nul\x00", "x" * 256, "é" * 128, " lead", "line\nbreak"]


def test_path_tricks_are_refused_everywhere(alice: TestClient):
    item = upload(alice, "a.txt", b"a")
    for bad in BAD_PATHS:
        for r in (
            alice.get("/api/drive/list", params={"path": bad}),
            alice.get("/api/drive/content", params={"path": bad}),
            alice.get("/api/drive/item", params={"path": bad}),
            alice.post("/api/drive/folders", json={"parent": bad, "name": "x"}),
            alice.post("/api/drive/uploads", json={"parent": bad, "name": "x", "size": 1}),
            alice.patch(f"/api/drive/items/{item['id']}", json={"parent": bad}),
        ):
            assert r.status_code == 422, (bad, r.text)
            assert r.json()["code"] == "bad_path" and r.json()["detail"]
    assert alice.get(f"/api/drive/items/{item['id']}").json()["path"] == "a.txt"


def test_bad_names_are_refused_with_a_reason(alice: TestClient):
    item = upload(alice, "a.txt", b"a")
    for bad in BAD_NAMES:
        for r in (
            alice.post("/api/drive/folders", json={"parent": "", "name": bad}),
            alice.post("/api/drive/uploads", json={"parent": "", "name": bad, "size": 1}),
            alice.patch(f"/api/drive/items/{item['id']}", json={"name": bad}),
        ):
            assert r.status_code == 422 and r.json()["code"] == "bad_path", (bad, r.text)
    assert [i["name"] for i in alice.get("/api/drive/list").json()["items"]] == ["Colab Notebooks", "a.txt"]


def test_a_255_byte_unicode_name_is_fine(alice: TestClient):
    name = "é" * 125 + ".txt"  # 254 bytes
    assert alice.post("/api/drive/folders", json={"parent": "", "name": name}).status_code == 201


def test_sibling_prefix_roots_stay_apart(settings, app):
    """User 1's root /.../drive/1 must not admit /.../drive/12, which shares its string prefix."""
    drive = Path("/data/drive")
    assert inside(drive / "1", drive / "1" / "MyDrive" / "x")
    assert not inside(drive / "1", drive / "12" / "MyDrive")
    assert not inside(drive / "1", drive / "1" / ".." / "12")
    store = DriveStore(settings, app.state.hub.db)
    store.ensure_user_root(1)
    store.ensure_user_root(12)
    (store.user_root(12) / "MyDrive" / "theirs.txt").write_text("user 12's")
    one = store.user_root(1) / "MyDrive"
    os.symlink("../../12/MyDrive", one / "sibling")
    with pytest.raises(InvalidRequest):  # 422: a link is never followed
        store.read_file(1, "sibling/theirs.txt")
    for bad in ("../../12/MyDrive/theirs.txt", "../12/MyDrive/theirs.txt"):
        with pytest.raises(DomainError):
            store.read_file(1, bad)
    with pytest.raises(DomainError):
        store.local_path(1, "../../12/MyDrive")
    with pytest.raises(DomainError):
        store.write_file(1, "sibling/planted.txt", b"x")
    assert not (store.user_root(12) / "MyDrive" / "planted.txt").exists()
    assert store.used_bytes(1) == 0 and store.used_bytes(12) == len("user 12's")


def test_planted_symlinks_are_never_followed(alice: TestClient, bob: TestClient, app):
    bob_file = upload(bob, "bob.txt", b"bob's data", parent="Colab Notebooks")
    bob_drive = mydrive(app, bob)
    mine = mydrive(app, alice)
    os.symlink(bob_drive, mine / "to-bob")
    os.symlink("/etc", mine / "etc")
    os.symlink("/etc/passwd", mine / "passwd")
    os.symlink(bob_drive / "Colab Notebooks" / "bob.txt", mine / "Colab Notebooks" / "bob.txt")
    kept = upload(alice, "mine.txt", b"mine")

    # Listing skips links entirely, and they count for nothing.
    assert [i["name"] for i in alice.get("/api/drive/list").json()["items"]] == ["Colab Notebooks", "mine.txt"]
    assert alice.get("/api/drive/list?path=Colab Notebooks").json()["items"] == []
    assert alice.get("/api/drive/usage").json()["used_bytes"] == len(b"mine")

    for path in ("passwd", "etc/passwd", "to-bob/Colab Notebooks/bob.txt", "Colab Notebooks/bob.txt"):
        r = alice.get("/api/drive/content", params={"path": path})
        assert r.status_code in (404, 422) and "root:" not in r.text and "bob's data" not in r.text, path
        assert alice.get("/api/drive/item", params={"path": path}).status_code in (404, 422)
    for path in ("to-bob", "etc", "to-bob/Colab Notebooks"):
        r = alice.get("/api/drive/list", params={"path": path})
        assert r.status_code == 422 and "symbolic link" in r.json()["detail"]
    # Writing through a link: folders, uploads, moves.
    assert alice.post("/api/drive/folders", json={"parent": "to-bob", "name": "x"}).status_code == 422
    assert alice.post("/api/drive/uploads", json={"parent": "etc", "name": "x", "size": 1}).status_code == 422
    assert alice.post("/api/drive/uploads", json={"parent": "", "name": "passwd", "size": 1}).status_code == 409
    r = alice.patch(f"/api/drive/items/{kept['id']}", json={"parent": "to-bob/Colab Notebooks"})
    assert r.status_code == 422
    assert alice.get("/api/drive/content?path=mine.txt").content == b"mine"

    # A folder with an id that a runtime swaps for a link: the id now leads nowhere.
    victim = alice.post("/api/drive/folders", json={"parent": "", "name": "swap"}).json()
    inner = upload(alice, "in.txt", b"in", parent="swap")
    os.rename(mine / "swap", mine / "swap-real")
    os.symlink(bob_drive, mine / "swap")
    for r in (
        alice.get(f"/api/drive/items/{victim['id']}"),
        alice.patch(f"/api/drive/items/{victim['id']}", json={"name": "renamed"}),
        alice.delete(f"/api/drive/items/{victim['id']}"),
        alice.get(f"/api/drive/items/{inner['id']}/content"),
    ):
        assert r.status_code in (404, 422), r.text
    # Trash a folder holding a link to bob's Drive, then empty the Trash: bob keeps his files.
    os.unlink(mine / "swap")
    holder = alice.post("/api/drive/folders", json={"parent": "", "name": "holder"}).json()
    os.symlink(bob_drive, mine / "holder" / "bob-link")
    assert alice.delete(f"/api/drive/items/{holder['id']}").status_code == 200
    assert alice.delete("/api/drive/trash").status_code == 204
    assert bob.get(f"/api/drive/items/{bob_file['id']}/content").content == b"bob's data"
    assert os.path.exists("/etc/passwd")


def test_a_symlinked_user_root_is_refused(alice: TestClient, bob: TestClient, app):
    root = mydrive(app, alice).parent
    os.rename(root, str(root) + "-moved")
    os.symlink(mydrive(app, bob).parent, root)
    r = alice.get("/api/drive/list")
    assert r.status_code == 500 and r.json()["code"] == "storage_broken"


def test_html_and_svg_cannot_run_script_on_the_hubs_origin(alice: TestClient):
    page = upload(alice, "page.html", b"<script>fetch('/api/auth/tokens')</script>")
    svg = upload(alice, "pic.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    xml = upload(alice, "feed.xhtml", b"<html xmlns='http://www.w3.org/1999/xhtml'><script>1</script></html>")
    for item in (page, svg, xml):
        for url in (f"/api/drive/items/{item['id']}/content", f"/api/drive/content?path={item['name']}"):
            r = alice.get(url)
            assert r.status_code == 200
            assert r.headers["content-disposition"].startswith("attachment;")
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["content-security-policy"].startswith("sandbox")
    # Safe types may show inline, still sandboxed.
    png = upload(alice, "dot.png", b"\x89PNG\r\n\x1a\n")
    r = alice.get(f"/api/drive/items/{png['id']}/content")
    assert r.headers["content-type"] == "image/png" and r.headers["content-disposition"].startswith("inline;")
    assert r.headers["content-security-policy"].startswith("sandbox")
    # A notebook is served as text, never as a document.
    nb = upload(alice, "n.ipynb", b'{"cells": []}')
    r = alice.get(f"/api/drive/items/{nb['id']}/content")
    assert r.headers["content-type"].startswith("text/plain")


def test_a_fifo_planted_in_drive_does_not_hang_the_hub(alice: TestClient, app):
    os.mkfifo(mydrive(app, alice) / "pipe")
    assert [i["name"] for i in alice.get("/api/drive/list").json()["items"]] == ["Colab Notebooks"]
    assert alice.get("/api/drive/content?path=pipe").status_code == 404
    assert user_id(alice) > 0


# ----- a Drive handed to a runtime (no kernel: the hub's side of drive.mount) -------------------


def test_the_hub_mounts_a_drive_only_where_the_kernel_may_have_it():
    from nbcloud.hub.runtimes.drive_mount import valid_target

    assert valid_target(b"/content/drive/MyDrive") == "/content/drive/MyDrive"
    for bad in (b"content/drive/MyDrive", b"/content/drive/../MyDrive", b"/content//drive", b"/",
                b"/content/drive/MyDrive/", b"/a\x00b", b"\xff\xfe", b""):
        assert valid_target(bad) is None, bad


def test_only_a_process_of_the_runtime_in_another_mount_namespace_gets_a_drive_mounted():
    import shutil
    import subprocess
    import time

    from nbcloud.hub.runtimes.drive_mount import sandbox_mount_ns

    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare (as the hub that mounts Drives in sandboxes)")
    same_ns = subprocess.Popen(["sleep", "30"])
    # A process in a mount namespace of its own, as a sandboxed kernel is.
    sandboxed = subprocess.Popen(["unshare", "--mount", "--", "sleep", "30"])
    try:
        deadline = time.monotonic() + 10
        while os.stat(f"/proc/{sandboxed.pid}/ns/mnt").st_ino == os.stat("/proc/self/ns/mnt").st_ino:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        # The hub's own namespace: never (that would mount the Drive on the host).
        assert sandbox_mount_ns(same_ns.pid, os.getppid()) is None
        # Not a process of the runtime that asked.
        assert sandbox_mount_ns(sandboxed.pid, runtime_pid=same_ns.pid) is None
        assert sandbox_mount_ns(sandboxed.pid, runtime_pid=None) is None
        fd = sandbox_mount_ns(sandboxed.pid, runtime_pid=os.getpid())
        assert fd is not None
        try:
            assert os.fstat(fd).st_ino == os.stat(f"/proc/{sandboxed.pid}/ns/mnt").st_ino
        finally:
            os.close(fd)
    finally:
        for proc in (same_ns, sandboxed):
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("mounted", [True, False])
def test_the_kernel_gets_the_drive_mounted_or_its_descriptor(tmp_path: Path, mounted: bool):
    import array
    import socket
    import threading

    from nbcloud.hub.runtimes.drive_mount import HandOver

    asked: list[tuple[int, int, str]] = []

    def attach(pid: int, uid: int, target: str, tree_fd: int) -> bool:
        asked.append((pid, uid, target))
        return mounted

    drive = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)  # stands in for the detached mount
    hand = HandOver(tmp_path, str(tmp_path), os.getuid(), os.getgid(), drive, attach=attach)
    giver = threading.Thread(target=hand.give)
    giver.start()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as kernel:
        kernel.connect(hand.inside_path)
        kernel.sendall(b"/content/drive/MyDrive\n")
        fds = array.array("i")
        data, anc, _flags, _addr = kernel.recvmsg(16, socket.CMSG_SPACE(fds.itemsize))
        for _level, _kind, payload in anc:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    giver.join(10)
    assert asked == [(os.getpid(), os.getuid(), "/content/drive/MyDrive")]
    if mounted:
        assert data == b"m" and not fds
    else:
        assert data == b"d" and len(fds) == 1
        assert os.path.samestat(os.fstat(fds[0]), os.stat(tmp_path))
        os.close(fds[0])
    assert not list(tmp_path.glob("drive-*.sock"))  # one-shot: the socket is gone
