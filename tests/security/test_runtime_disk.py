"""Disks with limits: a runtime fills its own disk, never the hub's, and a Drive's quota holds
for what a kernel writes into it. Real hub, real sandboxed kernels, real Drive."""

from __future__ import annotations

import asyncio
import json
import os
import time

import pytest

from tests.live_hub import (
    BrowserLike,
    consent_to_drive,
    error_of,
    events_socket,
    finished,
    live_hub,
    live_person,
    notebook_with,
    outputs_after_run,
    put_file,
    run,
    text_of,
    wait_for_cell,
)

MiB = 1024 * 1024
DISK = 64 * MiB
QUOTA = 30 * MiB


live = live_hub("disk", runtime_memory_bytes=512 * MiB, runtime_sandbox="bwrap", runtime_disk_bytes=DISK, default_quota_bytes=QUOTA)


alice = live_person("alice")
bob = live_person("bob")


def backend(live):
    return live.hub.execution.pool.backend


FILL = ("import errno\nwritten = 0\ntry:\n    with open('/content/fill.bin', 'wb') as f:\n"
        "        while written < 1024 * 2**20:\n            f.write(b'x' * 2**20); f.flush(); written += 2**20\n"
        "except OSError as e:\n    print(errno.errorcode[e.errno], e.strerror, written // 2**20 <= 64)\n")


def test_runtime_disks_are_limited_here(live):
    # The point of this module: fail loudly where the hub cannot limit disks.
    assert backend(live).disks.limited, backend(live).isolation.reasons


def test_filling_content_gives_no_space_left_on_device_in_that_runtime_only(live, alice: BrowserLike,
                                                                              bob: BrowserLike):
    a_item, a_cells = notebook_with(alice, FILL, name="fill.ipynb")
    run(alice, a_item, a_cells)
    assert text_of(outputs_after_run(alice, a_item, a_cells[0])) == "ENOSPC No space left on device True\n"
    b_item, b_cells = notebook_with(
        bob, "open('/content/mine.bin', 'wb').write(b'y' * 16 * 2**20)\nimport shutil\n"
             "print(shutil.disk_usage('/content').total <= 64 * 2**20)", name="mine.ipynb")
    run(bob, b_item, b_cells)
    assert text_of(outputs_after_run(bob, b_item, b_cells[0])) == "True\n"


def test_filling_content_leaves_other_users_saves_working(live, alice: BrowserLike, bob: BrowserLike):
    a_item, a_cells = notebook_with(alice, FILL, "print('still here')", name="fill-again.ipynb")
    run(alice, a_item, a_cells)
    assert "No space left on device" in text_of(outputs_after_run(alice, a_item, a_cells[0]))
    # Bob's upload and his notebook's saved outputs land in Drive as usual.
    put_file(bob, "report.csv", b"a,b\n1,2\n" * 1000)
    assert bob.get("/api/drive/content", params={"path": "report.csv"}).content == b"a,b\n1,2\n" * 1000
    b_item, b_cells = notebook_with(bob, "print('saved fine')", name="saves.ipynb")
    run(bob, b_item, b_cells)
    assert text_of(outputs_after_run(bob, b_item, b_cells[0])) == "saved fine\n"
    path = "saves.ipynb"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the autosave is debounced
        saved = json.loads(bob.get("/api/drive/content", params={"path": path}).content)
        if any("saved fine" in "".join(o.get("text", "")) for c in saved["cells"] for o in c.get("outputs", [])):
            break
        time.sleep(0.5)
    else:
        pytest.fail("bob's notebook was not saved with its output")
    # And alice's own runtime goes on: a cell that writes nothing still runs.
    run(alice, a_item, a_cells[1:])
    assert text_of(outputs_after_run(alice, a_item, a_cells[1])) == "still here\n"


def mount_drive(live, client: BrowserLike, item_id: str, cell_id: str) -> None:
    with events_socket(live, client, item_id) as ws:
        run(client, item_id, [cell_id])
        assert consent_to_drive(ws)["request_type"] == "drive_mount"
        assert "Mounted at /content/drive" in text_of(
            wait_for_cell(client, item_id, cell_id, lambda c: finished(c) and "Mounted" in text_of(c), timeout=120))


def used(client: BrowserLike) -> int:
    return client.get("/api/drive/usage").json()["used_bytes"]


WRITE_60 = ("import time\nfor i in range(60):\n"
            "    with open(f'/content/drive/MyDrive/chunk{i:02}.bin', 'wb') as f:\n        f.write(b'z' * 2**20)\n"
            "    time.sleep(0.05)\n")


def test_a_cell_cannot_keep_writing_past_its_drive_quota(live, alice: BrowserLike):
    item_id, cells = notebook_with(
        alice, "from google.colab import drive\ndrive.mount('/content/drive')", WRITE_60,
        "open('/content/drive/MyDrive/one-more.bin', 'wb').write(b'!' * 2**20)",
        name="quota.ipynb")
    mount_drive(live, alice, item_id, cells[0])
    run(alice, item_id, cells[1:2])
    cell = outputs_after_run(alice, item_id, cells[1])
    error = error_of(cell)
    assert error["ename"] == "DriveFullError"
    assert "Your Drive is full (" in error["evalue"] and "of 30.0 MiB used): delete files in Drive to write again" \
        in error["evalue"]
    # Stopped within a few chunks of the quota (what was written between two checks).
    assert QUOTA < used(alice) <= QUOTA + 8 * MiB
    time.sleep(1)
    run(alice, item_id, cells[2:3])
    assert "Your Drive is full" in error_of(outputs_after_run(alice, item_id, cells[2]))["evalue"]
    assert used(alice) <= QUOTA + 8 * MiB


def test_after_going_over_deleting_a_file_lets_the_cell_write_again(live, alice: BrowserLike):
    items = {i["name"]: i for i in alice.get("/api/drive/list").json()["items"]}
    if not any(n.startswith("chunk") for n in items):  # run alone: fill the Drive first
        test_a_cell_cannot_keep_writing_past_its_drive_quota(live, alice)
        items = {i["name"]: i for i in alice.get("/api/drive/list").json()["items"]}
    for name, item in items.items():
        if name.startswith("chunk") and name < "chunk20":  # delete 20 MiB for good
            assert alice.delete(f"/api/drive/items/{item['id']}").status_code == 200
    assert alice.delete("/api/drive/trash").status_code == 204
    assert used(alice) < QUOTA
    item_id, cells = notebook_with(
        alice, "from google.colab import drive\ndrive.mount('/content/drive')",
        "import time\nfor _ in range(40):\n    try:\n"
        "        open('/content/drive/MyDrive/after.txt', 'w').write('room again'); print('written'); break\n"
        "    except OSError:\n        time.sleep(0.25)\n", name="quota-again.ipynb")
    mount_drive(live, alice, item_id, cells[0])
    run(alice, item_id, cells[1:])
    assert text_of(outputs_after_run(alice, item_id, cells[1])) == "written\n"
    assert alice.get("/api/drive/content", params={"path": "after.txt"}).content == b"room again"


def test_a_hub_restart_removes_orphaned_runtime_folders_and_temp_files(make_settings):
    from nbcloud.hub.db import Database
    from nbcloud.hub.drive.store import DriveStore
    from nbcloud.hub.runtimes import disk, leftovers
    from nbcloud.hub.runtimes.local import LocalBackend

    settings = make_settings(runtime_disk_bytes=DISK, runtime_sandbox="bwrap", runtime_pool_size=0)
    first = LocalBackend(settings)
    runtime = asyncio.run(first.start())
    root = runtime.paths.root
    assert disk.mounts_at_or_below(root), "the runtime's folder is its own disk"
    groups = [g for b in leftovers.subtree_bases(first.limiter) if (g := b / runtime.runtime_id).is_dir()]
    # The hub dies without stopping its runtime; a Drive write was cut off half-way.
    folder = settings.drive_dir / "7" / "MyDrive"
    folder.mkdir(parents=True)
    stale, fresh = folder / ".nbcloud-abc123.tmp", folder / ".nbcloud-def456.tmp"
    for f in (stale, fresh):
        f.write_bytes(b"half a notebook")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    (folder / "keep.ipynb").write_text("{}")

    LocalBackend(settings)  # the next hub run
    DriveStore(settings, Database(settings.sqlalchemy_url))
    assert not root.exists() and not disk.image_of(root).exists()
    assert not disk.mounts_at_or_below(root)
    assert all(not g.exists() for g in groups)
    assert not stale.exists() and fresh.exists() and (folder / "keep.ipynb").exists()
    assert runtime.manager.process.poll() is not None or _gone(runtime.pid)


def _gone(pid: int | None) -> bool:
    import psutil

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if pid is None or not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.1)
    return False
