"""Documents stay whole: a malformed update, a tab from before a restart, a disk that fails.

The hub runs in a real uvicorn server; the "pages" are pycrdt docs speaking y-websocket over
real sockets (tests/yclient.py), as the browser's provider does.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
from collections.abc import Iterator

import nbformat
import pytest
from pycrdt import Decoder, Doc, Map, create_sync_message
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

from nbcloud.hub.app import create_app
from nbcloud.hub.drive import tree as drive_tree  # where Drive writes files (atomic_write)
from tests.live_hub import LiveHub
from tests.notebook_files import put_notebook, session_cookie
from tests.yclient import YClient

THREE_CELLS = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    "cells": [
        {"id": f"cell-{n}", "cell_type": "code", "source": f"x = {n}", "metadata": {}, "outputs": [],
         "execution_count": None}
        for n in (1, 2, 3)
    ],
}


def _quick(documents) -> None:
    documents.autosave_delay = 0.1
    documents.autosave_max_delay = 0.5
    documents.idle_close_seconds = 0.3
    documents.save_retry_min_delay = 0.2
    documents.save_retry_max_delay = 0.5


@pytest.fixture
def live(app) -> Iterator[LiveHub]:
    _quick(app.state.hub.documents)
    server = LiveHub(app)
    server.start()
    yield server
    server.stop()


async def open_page(live: LiveHub, item_id: str, client) -> YClient:
    page = await YClient.connect(live.ws_url(item_id), origin=live.origin, cookie=session_cookie(client))
    return await page.wait_synced()


def hub_messages(page: YClient) -> list[dict]:
    """The hub's own messages (type 100) a page got, in order."""
    return [json.loads(Decoder(m[1:]).read_var_string()) for m in page.received if m[:1] == b"\x64"]


def save_states(page: YClient) -> list[dict]:
    return [m for m in hub_messages(page) if m["type"] == "save"]


async def until(predicate, what: str, timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


def type_into(text, typed: str) -> None:
    text.insert(len(text), typed)


def cells_on_disk(path) -> list:
    return nbformat.read(path, as_version=4).cells


# ----- a malformed update ------------------------------------------------------------------------


async def test_a_malformed_update_is_refused_and_the_notebook_still_saves(app, alice, live):
    item_id, path = put_notebook(app, alice, "Whole.ipynb", THREE_CELLS)
    mallory_page = await open_page(live, item_id, alice)
    # A well-formed Y update that replaces the cells with a string.
    with mallory_page.doc.transaction():
        del mallory_page.nb.ycells[0:3]
        mallory_page.nb.ycells.append("not a cell")
    assert await mallory_page.closed_with() == 4400
    room = live.hub.documents.get_open(item_id)
    assert [c["id"] for c in room.content()["cells"]] == ["cell-1", "cell-2", "cell-3"]

    # The notebook still saves: an honest edit afterwards reaches the file.
    page = await open_page(live, item_id, alice)
    type_into(page.nb.ycells[1]["source"], "  # still saved")
    await until(lambda: cells_on_disk(path)[1].source == "x = 2  # still saved", "the save after the attack")
    assert [c.id for c in cells_on_disk(path)] == ["cell-1", "cell-2", "cell-3"]

    # Other shapes that would break saving are refused the same way.
    for attack in (
        lambda nb: nb._ymeta.__setitem__("nbformat", "four"),
        lambda nb: nb.ycells[0].__setitem__("source", Map({"not": "text"})),
        lambda nb: nb.ycells[2]["outputs"].append(Map({"output_type": "no such output"})),
        lambda nb: nb.ycells[1].__setitem__("cell_type", "spreadsheet"),
    ):
        bad = await open_page(live, item_id, alice)
        attack(bad.nb)
        assert await bad.closed_with() == 4400
        await bad.close()
    type_into(page.nb.ycells[2]["source"], "  # and again")
    await until(lambda: cells_on_disk(path)[2].source == "x = 3  # and again", "the save after more attacks")
    nbformat.validate(nbformat.read(path, as_version=4))
    await mallory_page.close()
    await page.close()


async def test_the_sender_of_a_malformed_update_is_told_other_pages_go_on(app, alice, live):
    item_id, path = put_notebook(app, alice, "Told.ipynb", THREE_CELLS)
    sender = await open_page(live, item_id, alice)
    other = await open_page(live, item_id, alice)
    type_into(sender.nb.ycells[0]["source"], "  # typed before")  # an honest edit first: kept
    await until(lambda: str(other.nb.ycells[0]["source"]).endswith("# typed before"), "the honest edit")
    sender.nb.ycells.append("not a cell")
    assert await sender.closed_with() == 4400
    told = [m for m in hub_messages(sender) if m["type"] == "rejected"]
    assert told and "not accepted" in told[0]["message"] and "cell 4" in told[0]["message"]

    # The other page never saw it, is still connected, and its edits save.
    type_into(other.nb.ycells[2]["source"], "  # other page")
    await until(lambda: cells_on_disk(path)[2].source == "x = 3  # other page", "the other page's save")
    assert len(other.nb.ycells) == 3 and all(isinstance(c, Map) for c in other.nb.ycells)
    assert other.ws.close_code is None
    assert cells_on_disk(path)[0].source == "x = 1  # typed before"
    await sender.close()
    await other.close()


# ----- a hub restart -----------------------------------------------------------------------------


def reapply_unsent(old: Doc, fresh: YClient, touched: set[str]) -> None:
    """What the page does after 4409: the cells it edited (by id) get its text, nothing else."""
    from jupyter_ydoc import YNotebook

    mine = {str(c["id"]): str(c["source"]) for c in YNotebook(old).ycells}
    for ycell in fresh.nb.ycells:
        cell_id = str(ycell["id"])
        if cell_id in touched and str(ycell["source"]) != mine[cell_id]:
            text = ycell["source"]
            current = str(text)
            prefix = 0
            while prefix < min(len(current), len(mine[cell_id])) and current[prefix] == mine[cell_id][prefix]:
                prefix += 1
            del text[prefix:len(current)]
            text.insert(prefix, mine[cell_id][prefix:])


async def test_a_tab_from_before_a_restart_does_not_duplicate_cells(app, settings, alice, live):
    item_id, path = put_notebook(app, alice, "Restart.ipynb", THREE_CELLS)
    tab = await open_page(live, item_id, alice)
    epoch = next(m["epoch"] for m in hub_messages(tab) if m["type"] == "hello")

    # The hub restarts (everything saved on the way down); meanwhile the tab keeps typing.
    await asyncio.get_running_loop().run_in_executor(None, live.stop)
    await tab.close()
    type_into(tab.nb.ycells[1]["source"], "  # typed while the hub was away")
    app2 = create_app(settings)
    _quick(app2.state.hub.documents)
    live2 = LiveHub(app2)
    live2.start()
    try:
        # The tab reconnects with its old document, as a y-websocket client does.
        async with ws_connect(live2.ws_url(item_id), origin=live2.origin,
                              additional_headers={"Cookie": session_cookie(alice)}) as ws:
            hello = json.loads(Decoder((await ws.recv())[1:]).read_var_string())
            assert hello["type"] == "hello" and hello["epoch"] != epoch
            await ws.send(create_sync_message(tab.doc))
            with contextlib.suppress(ConnectionClosed):
                async with asyncio.timeout(10):
                    async for message in ws:  # the hub answers nothing from its document, then closes
                        assert message[:2] != b"\x00\x01"
            assert ws.close_code == 4409

        # The page loads the hub's document afresh and re-applies only its unsent edit.
        fresh = await open_page(live2, item_id, alice)
        reapply_unsent(tab.doc, fresh, {"cell-2"})
        await until(lambda: "# typed while" in cells_on_disk(path)[1].source, "the re-applied edit saved")
        cells = cells_on_disk(path)
        assert [c.id for c in cells] == ["cell-1", "cell-2", "cell-3"]
        assert [c.source for c in cells] == ["x = 1", "x = 2  # typed while the hub was away", "x = 3"]
        await fresh.close()
    finally:
        await asyncio.get_running_loop().run_in_executor(None, live2.stop)
        app2.state.hub.db.dispose()


# ----- a failing disk ----------------------------------------------------------------------------


async def test_a_failed_autosave_says_not_saved_on_every_page_and_saves_once_the_disk_works_again(
    app, alice, live, monkeypatch
):
    item_id, path = put_notebook(app, alice, "Full.ipynb", THREE_CELLS)
    a = await open_page(live, item_id, alice)
    b = await open_page(live, item_id, alice)
    real_write = drive_tree.atomic_write

    def disk_full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(drive_tree, "atomic_write", disk_full)
    type_into(a.nb.ycells[0]["source"], "  # typed on a full disk")

    def failed(page):
        states = save_states(page)
        return bool(states) and states[-1]["state"] == "failed"

    await until(lambda: failed(a) and failed(b), "Not saved on both pages")
    for page in (a, b):
        last = save_states(page)[-1]
        assert last["error"] == "the disk is full" and last["retry_in"] > 0
    # It keeps trying (with back-off) and nothing is lost, even when every page is closed.
    await until(lambda: sum(s["state"] == "failed" for s in save_states(b)) >= 2, "a retry")
    await b.close()
    await a.close()
    await asyncio.sleep(1.0)  # longer than idle_close_seconds: the room must stay open
    room = live.hub.documents.get_open(item_id)
    assert room is not None and not room.closed and room.dirty
    assert cells_on_disk(path)[0].source == "x = 1"

    # The disk works again: the retry saves, and a page opened now hears "saved".
    monkeypatch.setattr(drive_tree, "atomic_write", real_write)
    await until(lambda: cells_on_disk(path)[0].source == "x = 1  # typed on a full disk", "the retried save")
    again = await open_page(live, item_id, alice)
    await until(lambda: bool(save_states(again)) and save_states(again)[-1]["state"] == "saved", "Saved")
    assert [c.id for c in cells_on_disk(path)] == ["cell-1", "cell-2", "cell-3"]
    await again.close()
