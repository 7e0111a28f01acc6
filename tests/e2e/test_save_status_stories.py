"""The notebook says whether it is saved: a full disk shows "Not saved" with the reason until a save
works again, and a page left open across a hub restart keeps its edit without doubling cells.

Each story runs its own hub: one fills a real (small, tmpfs) disk under the notebook's folder,
the other restarts the hub on the same port and data folder.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, suppress
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import ADMIN, PASSWORD, ROOT, Hub, _nbcloud_command, sign_in, start_hub
from tests.e2e.test_notebook_stories import cell, code, notebook_json, upload_notebook

pytestmark = pytest.mark.e2e

SAVE_TIMEOUT = 90_000  # the hub retries with back-off (1, 2, 4, … s)


@pytest.fixture
def own_hub(tmp_path, built_web_app) -> Iterator[list[Hub]]:
    """A hub of this story's own, set up with an administrator. A list: a restart replaces it."""
    hubs = [start_hub(tmp_path / "data")]
    with closing(hubs[0].client()) as client:
        client.post("/api/auth/setup", json={"username": ADMIN, "password": PASSWORD}).raise_for_status()
    try:
        yield hubs
    finally:
        hubs[-1].stop()


def restart(hub: Hub) -> Hub:
    """Stop the hub (it saves everything on the way down) and start a new one on the same port."""
    hub.stop()
    port = hub.url.rsplit(":", 1)[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NBCLOUD_")}
    env.update({"NBCLOUD_DATA_DIR": str(hub.data_dir), "NBCLOUD_HOST": "127.0.0.1", "NBCLOUD_PORT": port})
    with open(hub.log, "ab") as out:
        process = subprocess.Popen(
            [*_nbcloud_command(), "serve", "--data-dir", str(hub.data_dir), "--host", "127.0.0.1",
             "--port", port, "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    again = Hub(url=hub.url, data_dir=hub.data_dir, process=process, log=hub.log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, hub.log.read_text(errors="replace")
        with suppress(httpx.HTTPError):
            if httpx.get(f"{hub.url}/api/auth/state", timeout=2).status_code == 200:
                return again
        time.sleep(0.2)
    again.stop()
    pytest.fail(f"the restarted hub did not answer:\n{hub.log.read_text(errors='replace')}")


def save_status(page: Page, name):
    """The notebook's save status ("Saved" exactly: "Not saved: …" contains it too)."""
    return page.get_by_role("status", name=name, exact=True) if isinstance(name, str) else page.get_by_role(
        "status", name=name
    )


def saved_cells(path: Path) -> list[dict]:
    """The cells in the file, each source as one string (nbformat writes lists of lines)."""
    cells = json.loads(path.read_text())["cells"]
    for c in cells:
        c["source"] = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
    return cells


def wait_for(check, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_not_saved_shows_the_reason_while_the_disk_is_full_and_clears_to_saved(own_hub, page: Page, tmp_path):
    hub = own_hub[0]
    with closing(hub.signed_in(ADMIN)) as client:
        uid = client.get("/api/auth/state").json()["user"]["id"]
        client.post("/api/drive/folders", json={"parent": "", "name": "Tight"}).raise_for_status()
    item_id = upload_notebook(hub, ADMIN, "tight.ipynb", notebook_json(("code", "x = 1"), ("code", "y = 2")), "Tight")

    # The notebook's folder becomes a small disk of its own, which then fills up.
    folder = hub.data_dir / "drive" / str(uid) / "MyDrive" / "Tight"
    kept = tmp_path / "kept"
    shutil.copytree(folder, kept)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    assert mounted.returncode == 0, (
        f"this story needs a small real disk (mount -t tmpfs, as root): {mounted.stderr.strip()}"
    )
    try:
        for entry in kept.iterdir():
            shutil.copy2(entry, folder / entry.name)
        sign_in(page, hub, ADMIN)
        page.goto(f"{hub.url}/notebook/{item_id}")
        expect(cell(page, 2)).to_be_visible()
        expect(save_status(page, "Saved")).to_be_visible()

        filler = folder / "filler.bin"
        with suppress(OSError), open(filler, "wb", buffering=0) as out:
            while True:
                out.write(b"\0" * 4096)
                out.flush()
        with pytest.raises(OSError) as full:
            (folder / "probe").write_bytes(b"\0" * 8192)
        assert full.value.errno == errno.ENOSPC

        code(page, 1).click()
        page.keyboard.press("End")
        page.keyboard.insert_text("  # typed on a full disk")
        expect(save_status(page, re.compile(r"^Not saved: the disk is full — retrying"))).to_be_visible(
            timeout=SAVE_TIMEOUT
        )
        # The edit stays on the page (and on the hub) while saves fail.
        page.wait_for_timeout(2500)
        expect(code(page, 1)).to_contain_text("x = 1  # typed on a full disk")
        assert "full disk" not in (folder / "tight.ipynb").read_text()

        filler.unlink()
        expect(save_status(page, "Saved")).to_be_visible(timeout=SAVE_TIMEOUT)
        assert saved_cells(folder / "tight.ipynb")[0]["source"] == "x = 1  # typed on a full disk"
        expect(code(page, 1)).to_contain_text("x = 1  # typed on a full disk")
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_page_open_across_a_hub_restart_keeps_its_edit_without_doubling_cells(own_hub, page: Page):
    hub = own_hub[0]
    item_id = upload_notebook(
        hub, ADMIN, "restart.ipynb", notebook_json(("code", "a = 1"), ("markdown", "# Notes"), ("code", "b = 2"))
    )
    with closing(hub.signed_in(ADMIN)) as client:
        uid = client.get("/api/auth/state").json()["user"]["id"]
    path = hub.data_dir / "drive" / str(uid) / "MyDrive" / "restart.ipynb"
    sign_in(page, hub, ADMIN)
    page.goto(f"{hub.url}/notebook/{item_id}")
    expect(cell(page, 3)).to_be_visible()
    expect(save_status(page, "Saved")).to_be_visible()

    # The hub goes down; the page keeps typing; the hub comes back with a fresh load.
    hub.stop()
    expect(save_status(page, "Saved")).to_be_visible()
    code(page, 3).click()
    page.keyboard.press("End")
    page.keyboard.insert_text("  # typed while the hub was away")
    expect(save_status(page, re.compile(r"^Not saved: no connection"))).to_be_visible()
    own_hub.append(restart(hub))

    expect(save_status(page, "Saved")).to_be_visible(timeout=SAVE_TIMEOUT)
    expect(page.locator("[data-cell-id][role=group]")).to_have_count(3)
    expect(code(page, 3)).to_contain_text("b = 2  # typed while the hub was away")
    wait_for(lambda: "# typed while" in saved_cells(path)[2]["source"], "the edit on disk")
    assert [c["source"] for c in saved_cells(path)] == ["a = 1", "# Notes", "b = 2  # typed while the hub was away"]
