"""The Files panel's API: a runtime's /content over HTTP, and what the hub refuses there.

User code owns /content and may plant links to anything on the host (``/etc/shadow``, the hub's
data folder); the hub, running as root, must never follow one: not to read, write, list or
delete. The first tests run ``runtimes.files`` on a folder of their own; the rest run a real hub
with sandboxed kernels, where the links are planted by cells.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nbcloud.hub.errors import DomainError, InvalidRequest
from nbcloud.hub.runtimes.files import RuntimeFiles, split_path
from tests.live_hub import (
    SANDBOXED,
    BrowserLike,
    consent_to_drive,
    error_of,
    events_socket,
    finished,
    live_hub,
    live_person,
    next_event,
    notebook_with,
    put_file,
    run,
    run_one,
    text_of,
    wait_for_cell,
)

RUNTIME_UID = 65534
IS_ROOT = os.geteuid() == 0


# ----- runtimes.files on a folder of the test's own ------------------------------------------------

@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "runtime" / "content"
    folder.mkdir(parents=True)
    (folder / "sub").mkdir()
    (folder / "sub" / "a.txt").write_text("in sub")
    (folder / "hello.txt").write_text("hello")
    (tmp_path / "secret.txt").write_text("the hub's secret")
    (folder / "link-out").symlink_to(tmp_path / "secret.txt")
    (folder / "dir-out").symlink_to(tmp_path)
    (folder / "relative-out").symlink_to("../../secret.txt")
    return folder


@pytest.fixture
def files(content: Path) -> RuntimeFiles:
    return RuntimeFiles(content)


def code_of(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def read(files: RuntimeFiles, path: str) -> bytes:
    fd, _st = files.open_file(split_path(path))
    try:
        return os.read(fd, 1 << 20)
    finally:
        os.close(fd)


def test_paths_stay_below_content():
    assert split_path("") == () and split_path("/content") == () and split_path(".") == ()
    assert split_path("a/b.txt") == ("a", "b.txt") == split_path("/content/a/b.txt")
    for bad in ("..", "a/../b", "../etc/passwd", "/etc/passwd", "/content/../etc", "a//b", "a/./b", "a\\b",
                "a\x00b", "/contentx/a"):
        with pytest.raises(InvalidRequest, match="."):  # 422 bad_path
            split_path(bad)


def test_listing_shows_links_as_links_and_never_enters_them(files: RuntimeFiles, tmp_path: Path):
    entries, truncated = files.list(())
    kinds = {e.name: e.kind for e in entries}
    assert kinds == {"sub": "folder", "hello.txt": "file", "link-out": "link", "dir-out": "link",
                     "relative-out": "link"}
    assert not truncated
    assert [e.name for e in entries][0] == "sub"  # folders first
    assert next(e for e in entries if e.name == "dir-out").target == str(tmp_path)
    for path in ("dir-out", "dir-out/secret.txt", "relative-out"):
        assert code_of(lambda p=path: files.list(split_path(p))) == "is_a_link"


def test_links_are_refused_for_read_write_rename_and_delete(files: RuntimeFiles, content: Path, tmp_path: Path):
    assert read(files, "hello.txt") == b"hello"
    assert read(files, "sub/a.txt") == b"in sub"
    for path in ("link-out", "relative-out", "dir-out/secret.txt"):
        assert code_of(lambda p=path: read(files, p)) == "is_a_link"
        assert code_of(lambda p=path: files.write_bytes(split_path(p), b"x", overwrite=True)) == "is_a_link"
        assert code_of(lambda p=path: files.delete(split_path(p))) == "is_a_link"
        assert code_of(lambda p=path: files.rename(split_path(p), ("moved",))) == "is_a_link"
    assert code_of(lambda: files.mkdir(("dir-out", "new"))) == "is_a_link"
    assert code_of(lambda: files.rename(("hello.txt",), ("dir-out", "hello.txt"))) == "is_a_link"
    assert (tmp_path / "secret.txt").read_text() == "the hub's secret"
    assert sorted(os.listdir(tmp_path)) == ["runtime", "secret.txt"]
    assert (content / "link-out").is_symlink() and (content / "dir-out").is_symlink()


def test_dot_dot_and_absolute_paths_never_reach_the_disk(files: RuntimeFiles):
    for path in ("../secret.txt", "sub/../../secret.txt", "/etc/passwd"):
        assert code_of(lambda p=path: read(files, p)) == "bad_path"


def test_a_folder_with_links_inside_is_deleted_without_following_them(files: RuntimeFiles, content: Path,
                                                                       tmp_path: Path):
    (content / "sub" / "inner-link").symlink_to(tmp_path)
    files.delete(("sub",))
    assert not (content / "sub").exists()
    assert (tmp_path / "secret.txt").read_text() == "the hub's secret"
    assert code_of(lambda: files.delete(())) == "bad_path"


def test_writes_replace_names_never_the_files_behind_them(files: RuntimeFiles, content: Path, tmp_path: Path):
    os.link(tmp_path / "secret.txt", content / "hard.txt")  # a hard link at the target's name
    files.write_bytes(("hard.txt",), b"new bytes", overwrite=True)
    assert (content / "hard.txt").read_bytes() == b"new bytes"
    assert (tmp_path / "secret.txt").read_text() == "the hub's secret"
    assert code_of(lambda: files.write_bytes(("hello.txt",), b"x")) == "name_taken"
    assert code_of(lambda: files.write_bytes(("sub",), b"x", overwrite=True)) == "is_a_folder"
    upload = files.begin_write(("streamed.bin",))
    try:
        for _ in range(3):
            upload.write(b"0123456789")
        entry = upload.commit()
    finally:
        upload.close()
    assert entry.size == 30 and (content / "streamed.bin").read_bytes() == b"0123456789" * 3
    assert not [n for n in os.listdir(content) if n.startswith(".nbcloud-")]


def test_an_abandoned_upload_leaves_nothing(files: RuntimeFiles, content: Path):
    upload = files.begin_write(("partial.bin",))
    upload.write(b"half")
    upload.close()
    assert sorted(os.listdir(content)) == ["dir-out", "hello.txt", "link-out", "relative-out", "sub"]


def test_rename_and_new_folders(files: RuntimeFiles, content: Path):
    files.mkdir(("new",))
    assert code_of(lambda: files.mkdir(("new",))) == "name_taken"
    files.rename(("hello.txt",), ("new", "hi.txt"))
    assert (content / "new" / "hi.txt").read_text() == "hello"
    assert code_of(lambda: files.rename(("new",), ("new", "inside"))) == "bad_path"
    assert code_of(lambda: files.rename(("sub",), ("new",))) == "name_taken"
    assert code_of(lambda: files.rename(("missing",), ("x",))) == "not_found"


@pytest.mark.skipif(not IS_ROOT, reason="ownership needs a root hub")
def test_what_the_hub_writes_belongs_to_the_runtime_user(content: Path):
    os.chown(content, RUNTIME_UID, RUNTIME_UID)
    files = RuntimeFiles(content, RUNTIME_UID, RUNTIME_UID)
    files.write_bytes(("up.txt",), b"data")
    files.mkdir(("folder",))
    for name in ("up.txt", "folder"):
        st = os.lstat(content / name)
        assert (st.st_uid, st.st_gid) == (RUNTIME_UID, RUNTIME_UID), name


@pytest.mark.skipif(not IS_ROOT, reason="permission checks apply to a root hub")
def test_a_root_hub_reads_only_what_the_runtime_user_could(content: Path, tmp_path: Path):
    os.chown(content, RUNTIME_UID, RUNTIME_UID)
    private = tmp_path / "root-only.txt"
    private.write_text("root only")
    os.chmod(private, 0o600)
    os.link(private, content / "hard-private.txt")  # what protected_hardlinks would stop
    files = RuntimeFiles(content, RUNTIME_UID, RUNTIME_UID)
    assert code_of(lambda: files.open_file(("hard-private.txt",))) == "not_permitted"
    locked = content / "locked"
    locked.mkdir()
    os.chmod(locked, 0o755)  # root's, not writable by the runtime user
    assert code_of(lambda: files.write_bytes(("locked", "x.txt"), b"x")) == "not_permitted"


# ----- a real hub with sandboxed runtimes ----------------------------------------------------------

live = live_hub("files", **SANDBOXED, max_upload_bytes=1024 * 1024)


alice = live_person("alice")
bob = live_person("bob")


def files_url(item_id: str, rest: str = "") -> str:
    return f"/api/notebooks/{item_id}/runtime/files{rest}"


@pytest.fixture(scope="module")
def planted(live, alice: BrowserLike):
    """A notebook whose first cell planted links out of /content; its runtime is assigned."""
    data_dir = str(live.hub.settings.data_dir.resolve())
    item_id, cells = notebook_with(
        alice,
        "import os\nopen('hello.txt', 'w').write('hello from the kernel')\n"
        "os.symlink('/etc/shadow', 'shadow')\n"
        f"os.symlink({data_dir!r}, 'hubdata')\n"
        "os.symlink('/', 'root')\n"
        "os.makedirs('drive', exist_ok=True)\nos.symlink('/proc/1/fd/3', 'drive/MyDrive')\n"
        "print('planted', os.getuid())",
        "import os\nst = os.stat('/content/uploaded.txt')\n"
        "print(open('/content/uploaded.txt').read(), st.st_uid == os.getuid(), st.st_gid == os.getgid())\n"
        "st = os.stat('/content/made')\nprint('folder', st.st_uid == os.getuid())",
        "from google.colab import files\nfiles.view('hello.txt')\nprint('viewed')",
        "from google.colab import files\nfiles.view('/etc/hostname')",
        "from google.colab import files\nfiles.view('/content/shadow')",
        name="files.ipynb",
    )
    out = text_of(run_one(alice, item_id, cells[0]))
    assert out.startswith("planted"), out
    return item_id, cells


def test_the_listing_shows_the_kernels_files_and_links_without_following_them(alice: BrowserLike, planted):
    item_id, _cells = planted
    r = alice.get(files_url(item_id))
    assert r.status_code == 200, r.text
    listing = r.json()
    entries = {e["name"]: e for e in listing["entries"]}
    assert listing["path"] == ""
    assert entries["sample_data"]["kind"] == "folder"
    assert entries["hello.txt"]["kind"] == "file" and entries["hello.txt"]["size"] == len("hello from the kernel")
    for name in ("shadow", "hubdata", "root"):
        assert entries[name]["kind"] == "link", name
    assert entries["shadow"]["target"] == "/etc/shadow"
    drive = {e["name"]: e for e in alice.get(files_url(item_id), params={"path": "drive"}).json()["entries"]}
    assert drive["MyDrive"]["kind"] == "link" and drive["MyDrive"]["drive"] is True
    sample = alice.get(files_url(item_id), params={"path": "sample_data"}).json()["entries"]
    assert "california_housing_train.csv" in {e["name"] for e in sample}
    for path in ("hubdata", "root", "root/etc", "drive/MyDrive"):
        r = alice.get(files_url(item_id), params={"path": path})
        assert r.status_code == 422 and r.json()["code"] == "is_a_link", (path, r.text)


def test_reading_goes_through_no_link_and_no_dot_dot(alice: BrowserLike, planted):
    item_id, _cells = planted
    r = alice.get(files_url(item_id, "/content"), params={"path": "hello.txt"})
    assert r.status_code == 200 and r.content == b"hello from the kernel"
    assert r.headers["x-content-type-options"] == "nosniff"
    part = alice.get(files_url(item_id, "/content"), params={"path": "hello.txt"}, headers={"Range": "bytes=0-4"})
    assert part.status_code == 206 and part.content == b"hello"
    assert part.headers["content-range"] == f"bytes 0-4/{len('hello from the kernel')}"
    for path in ("shadow", "root/etc/passwd", "hubdata/nbcloud.db", "drive/MyDrive/x.txt"):
        r = alice.get(files_url(item_id, "/content"), params={"path": path})
        assert r.status_code == 422 and r.json()["code"] == "is_a_link", (path, r.text)
        assert b"root:" not in r.content
    for path in ("../../../etc/passwd", "sample_data/../../etc/passwd", "/etc/passwd", "..", "a/../hello.txt"):
        r = alice.get(files_url(item_id, "/content"), params={"path": path})
        assert r.status_code == 422 and r.json()["code"] == "bad_path", (path, r.text)
        r = alice.get(files_url(item_id), params={"path": path})
        assert r.status_code == 422 and r.json()["code"] == "bad_path", (path, r.text)


def test_writing_renaming_and_deleting_refuse_links(live, alice: BrowserLike, planted):
    item_id, _cells = planted
    data_dir = live.hub.settings.data_dir.resolve()
    before = sorted(os.listdir(data_dir))
    for path in ("shadow", "hubdata/planted.txt", "root/tmp/planted.txt"):
        r = alice.put(files_url(item_id, "/content"), params={"path": path, "overwrite": "true"}, content=b"pwned")
        assert r.status_code == 422 and r.json()["code"] == "is_a_link", (path, r.text)
    for path in ("shadow", "hubdata", "hubdata/nbcloud.db", "root/etc"):
        r = alice.delete(files_url(item_id), params={"path": path})
        assert r.status_code == 422 and r.json()["code"] == "is_a_link", (path, r.text)
    r = alice.post(files_url(item_id, "/rename"), json={"path": "hubdata", "to": "elsewhere"})
    assert r.status_code == 422 and r.json()["code"] == "is_a_link"
    r = alice.post(files_url(item_id, "/folders"), json={"path": "hubdata/new"})
    assert r.status_code == 422 and r.json()["code"] == "is_a_link"
    r = alice.delete(files_url(item_id), params={"path": "../content"})
    assert r.status_code == 422 and r.json()["code"] == "bad_path"
    assert sorted(os.listdir(data_dir)) == before
    assert not os.path.exists("/tmp/planted.txt")
    assert "planted.txt" not in os.listdir(data_dir)


def test_an_upload_is_a_file_the_kernel_reads_and_owns(alice: BrowserLike, planted):
    item_id, cells = planted
    r = alice.put(files_url(item_id, "/content"), params={"path": "uploaded.txt"}, content=b"sent by the panel")
    assert r.status_code == 201, r.text
    assert r.json()["path"] == "uploaded.txt" and r.json()["size"] == len(b"sent by the panel")
    again = alice.put(files_url(item_id, "/content"), params={"path": "uploaded.txt"}, content=b"again")
    assert again.status_code == 409 and again.json()["code"] == "name_taken"
    assert alice.post(files_url(item_id, "/folders"), json={"path": "made"}).status_code == 201
    out = text_of(run_one(alice, item_id, cells[1]))
    assert out == "sent by the panel True True\nfolder True\n"
    too_big = alice.put(files_url(item_id, "/content"), params={"path": "big.bin"}, content=b"x" * (1024 * 1024 + 1))
    assert too_big.status_code == 413 and too_big.json()["code"] == "too_large"
    names = {e["name"] for e in alice.get(files_url(item_id)).json()["entries"]}
    assert "big.bin" not in names and not [n for n in names if n.startswith(".nbcloud-")]
    # Rename and delete what the panel made.
    moved = alice.post(files_url(item_id, "/rename"), json={"path": "uploaded.txt", "to": "made/renamed.txt"})
    assert moved.status_code == 200 and moved.json()["path"] == "made/renamed.txt"
    assert alice.get(files_url(item_id, "/content"), params={"path": "made/renamed.txt"}).content == b"sent by the panel"
    assert alice.delete(files_url(item_id), params={"path": "made"}).status_code == 204
    assert "made" not in {e["name"] for e in alice.get(files_url(item_id)).json()["entries"]}


def test_another_user_cannot_see_or_touch_your_runtimes_files(alice: BrowserLike, bob: BrowserLike, planted):
    item_id, _cells = planted
    for r in (
        bob.get(files_url(item_id)),
        bob.get(files_url(item_id, "/content"), params={"path": "hello.txt"}),
        bob.put(files_url(item_id, "/content"), params={"path": "bob.txt"}, content=b"bob"),
        bob.post(files_url(item_id, "/folders"), json={"path": "bobs"}),
        bob.post(files_url(item_id, "/rename"), json={"path": "hello.txt", "to": "bob.txt"}),
        bob.delete(files_url(item_id), params={"path": "hello.txt"}),
    ):
        assert r.status_code == 404, r.text
        assert b"hello from the kernel" not in r.content
    assert alice.get(files_url(item_id, "/content"), params={"path": "hello.txt"}).content == b"hello from the kernel"


def test_a_notebook_without_a_runtime_says_so(alice: BrowserLike):
    item_id, _cells = notebook_with(alice, "print(1)", name="idle.ipynb")
    r = alice.get(files_url(item_id))
    assert r.status_code == 409 and r.json()["code"] == "no_runtime"


def test_files_view_opens_the_viewer_of_the_person_who_ran_the_cell(live, alice: BrowserLike, planted):
    item_id, cells = planted
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, [cells[2]])
        event = next_event(ws, "files_view")
        assert event == {"type": "files_view", "cell_id": cells[2], "source": "runtime", "path": "hello.txt"}
    assert text_of(wait_for_cell(alice, item_id, cells[2], lambda c: finished(c) and c["outputs"])) == "viewed\n"
    outside = error_of(run_one(alice, item_id, cells[3]))
    assert outside["ename"] == "ValueError" and "/etc/hostname is outside /content" in outside["evalue"]
    link = error_of(run_one(alice, item_id, cells[4]))
    assert link["ename"] == "MessageError" and "symbolic link" in link["evalue"]


def test_files_view_on_the_mounted_drive_opens_the_drive_file(live, alice: BrowserLike):
    put_file(alice, "drive-notes.txt", b"in alice's drive")
    item_id, cells = notebook_with(
        alice,
        "from google.colab import drive\ndrive.mount('/content/drive')",
        "from google.colab import files\nfiles.view('/content/drive/MyDrive/drive-notes.txt')\nprint('viewed')",
        name="drive-view.ipynb",
    )
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, cells[:1])
        consent_to_drive(ws)
        assert "Mounted at" in text_of(wait_for_cell(alice, item_id, cells[0], lambda c: finished(c) and c["outputs"]))
        listing = {e["name"]: e for e in alice.get(files_url(item_id), params={"path": "drive"}).json()["entries"]}
        assert listing["MyDrive"]["kind"] == "link" and listing["MyDrive"]["drive"] is True
        # The panel never writes into the host-side folder the mount hides from the runtime.
        inside = alice.get(files_url(item_id), params={"path": "drive/MyDrive"})
        assert inside.status_code == 422 and inside.json()["code"] == "is_a_link"
        assert alice.delete(files_url(item_id), params={"path": "drive/MyDrive"}).json()["code"] == "is_a_link"
        run(alice, item_id, cells[1:])
        event = next_event(ws, "files_view")
    drive_item = alice.get("/api/drive/item", params={"path": "drive-notes.txt"}).json()
    assert event == {"type": "files_view", "cell_id": cells[1], "source": "drive", "path": "drive-notes.txt",
                     "item_id": drive_item["id"]}
    assert text_of(wait_for_cell(alice, item_id, cells[1], lambda c: finished(c) and c["outputs"])) == "viewed\n"
