"""Live notebook documents: y-websocket sync between browsers, autosave, access checks.

The hub runs in a real uvicorn server (one event loop, as in production); the "browsers" are
pycrdt docs speaking the y-websocket protocol over the websockets library.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import Iterator

import httpx
import nbformat
import pytest
from pycrdt import Text
from websockets.exceptions import InvalidStatus

from tests.drive_client import user_id
from tests.live_hub import LiveHub
from tests.notebook_files import JUPYTER_NOTEBOOK, put_notebook, session_cookie
from tests.yclient import YClient

# A notebook as Colab writes it: nbformat 4.0, no cell ids, colab metadata everywhere.
COLAB_NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 0,
    "metadata": {
        "colab": {"provenance": [], "name": "Demo.ipynb", "gpuType": "T4", "toc_visible": True},
        "kernelspec": {"name": "python3", "display_name": "Python 3"},
        "language_info": {"name": "python"},
        "accelerator": "GPU",
    },
    "cells": [
        {
            "cell_type": "markdown",
            "metadata": {"id": "intro"},
            "source": ["# Demo\n", "Some *text*."],
        },
        {
            "cell_type": "code",
            "execution_count": 3,
            "metadata": {
                "id": "c1",
                "colab": {"base_uri": "https://localhost:8080/", "height": 35},
                "outputId": "abc-123",
                "executionInfo": {"status": "ok", "elapsed": 12.5, "user_tz": -60},
            },
            "outputs": [
                {
                    "output_type": "execute_result",
                    "execution_count": 3,
                    "metadata": {},
                    "data": {"text/plain": ["'hello'"]},
                },
                {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]},
            ],
            "source": ["x = 'hello'\n", "x"],
        },
    ],
}

# ----- a live hub ------------------------------------------------------------------------------


@pytest.fixture
def live(app) -> Iterator[LiveHub]:
    documents = app.state.hub.documents
    documents.autosave_delay = 0.2
    documents.autosave_max_delay = 1.0
    documents.idle_close_seconds = 0.5
    server = LiveHub(app)
    server.start()
    yield server
    server.stop()


# ----- a y-websocket client (what the browser's y-websocket provider does) ---------------------


async def eventually(predicate, timeout: float = 10.0, what: str = "condition") -> float:
    """Wait until predicate() is true; returns the seconds it took."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.002)
    return time.monotonic() - start


async def connect(live: LiveHub, item_id: str, client) -> YClient:
    c = await YClient.connect(live.ws_url(item_id), origin=live.origin, cookie=session_cookie(client))
    return await c.wait_synced()


async def refused_code(live: LiveHub, item_id: str, **kw) -> int | None:
    c = await YClient.connect(live.ws_url(item_id), **kw)
    code = await c.closed_with()
    assert not c.synced.is_set() and not any(m[:2] == b"\x00\x01" for m in c.received), "no document data"
    await c.close()
    return code


# ----- stories -----------------------------------------------------------------------------------


async def test_two_browsers_see_each_others_edits(app, alice, live):
    item_id, _ = put_notebook(app, alice, "Shared.ipynb", JUPYTER_NOTEBOOK)
    a = await connect(live, item_id, alice)
    b = await connect(live, item_id, alice)
    assert a.nb.get()["cells"][0]["source"] == "print(1)"
    assert b.nb.get()["metadata"]["kernelspec"]["name"] == "python3"

    # A types; B sees it. Measure the round trip of a small edit through the hub.
    latencies = []
    for i in range(20):
        source_a: Text = a.nb.ycells[0]["source"]
        source_a.insert(len(source_a), f"#{i}")
        expected = str(source_a)
        latencies.append(await eventually(lambda: str(b.nb.ycells[0]["source"]) == expected, what="edit at B"))
    latencies.sort()
    print(f"\nsync latency A->B over 20 small edits: median {latencies[10] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    assert latencies[10] < 0.5

    # B adds a cell; A sees it.
    b.nb.append_cell({"cell_type": "markdown", "source": "from B", "metadata": {}})
    await eventually(lambda: a.nb.cell_number == 2, what="new cell at A")
    assert a.nb.get_cell(1)["source"] == "from B"

    # A third browser joining late gets everything.
    c = await connect(live, item_id, alice)
    assert c.nb.get()["cells"] == a.nb.get()["cells"]
    for x in (a, b, c):
        await x.close()


async def test_edits_are_autosaved_as_valid_nbformat_keeping_colab_metadata(app, alice, live):
    item_id, path = put_notebook(app, alice, "Demo.ipynb", COLAB_NOTEBOOK)
    original = path.read_bytes()
    a = await connect(live, item_id, alice)
    src: Text = a.nb.ycells[1]["source"]
    src += "\nprint(x)"
    await eventually(lambda: path.read_bytes() != original, what="autosave")

    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    assert nb.nbformat == 4 and nb.nbformat_minor == 0
    assert nb.metadata == COLAB_NOTEBOOK["metadata"]
    code = nb.cells[1]
    assert code.source == "x = 'hello'\nx\nprint(x)"
    assert code.metadata == COLAB_NOTEBOOK["cells"][1]["metadata"]
    assert code.execution_count == 3
    as_read = nbformat.reads(json.dumps(COLAB_NOTEBOOK), as_version=nbformat.NO_CONVERT)
    assert code.outputs == as_read.cells[1].outputs
    assert "id" not in code  # nbformat 4.0 has no cell ids; none were invented
    assert nb.cells[0].metadata == {"id": "intro"}

    # The file as it was before the first save is kept as a revision.
    revisions = app.state.hub.documents.revisions(item_id)
    assert len(revisions) == 1 and revisions[0].read_bytes() == original

    # GET answers with the live content.
    async with httpx.AsyncClient(base_url=live.origin, headers={"cookie": session_cookie(alice)}) as http:
        src += "\n# more"
        await asyncio.sleep(0.05)
        r = await http.get(f"/api/documents/{item_id}")
    assert r.status_code == 200
    assert "".join(r.json()["cells"][1]["source"]).endswith("# more")
    nbformat.validate(nbformat.from_dict(r.json()))
    await a.close()

    # The last browser left: saved, and after a while the document closes; GET then reads disk.
    await eventually(lambda: live.hub.documents.get_open(item_id) is None, what="document closed")
    assert nbformat.read(path, as_version=4).cells[1].source.endswith("# more")
    assert alice.get(f"/api/documents/{item_id}").json()["metadata"] == COLAB_NOTEBOOK["metadata"]


async def test_a_malformed_notebook_gives_a_clear_error_and_is_never_overwritten(app, alice, live):
    broken = b'{"nbformat": 4, "nbformat_minor": 5, "cells": [ {"cell_type": "code"'
    item_id, path = put_notebook(app, alice, "Broken.ipynb", broken)
    r = alice.get(f"/api/documents/{item_id}")
    assert r.status_code == 422
    assert r.json()["code"] == "bad_notebook"
    detail = r.json()["detail"]
    assert detail.startswith("This file is not a valid notebook: it is not JSON") and detail.endswith(
        ". It was not changed."
    )

    invalid = copy.deepcopy(JUPYTER_NOTEBOOK)
    invalid["cells"][0]["cell_type"] = "spreadsheet"
    item2, path2 = put_notebook(app, alice, "Invalid.ipynb", invalid)
    r = alice.get(f"/api/documents/{item2}")
    assert r.status_code == 422 and "cell 1 does not match the notebook format (type 'spreadsheet')" in r.json()["detail"]

    c = await YClient.connect(live.ws_url(item_id), origin=live.origin, cookie=session_cookie(alice))
    assert await c.closed_with() == 4422
    assert c.ws.close_reason.startswith("This file is not a valid notebook")
    await c.close()
    assert path.read_bytes() == broken
    assert path2.read_bytes() == json.dumps(invalid, indent=1).encode()
    assert app.state.hub.documents.get_open(item_id) is None


async def test_another_user_cannot_open_my_notebook(app, alice, bob, live):
    item_id, path = put_notebook(app, alice, "Private.ipynb", JUPYTER_NOTEBOOK)
    before = path.read_bytes()
    assert bob.get(f"/api/documents/{item_id}").status_code == 404
    assert bob.get("/api/documents/" + "0" * 32).status_code == 404
    assert await refused_code(live, item_id, origin=live.origin, cookie=session_cookie(bob)) == 4404
    # Missing looks exactly the same.
    assert await refused_code(live, "f" * 32, origin=live.origin, cookie=session_cookie(bob)) == 4404
    # Even while Alice has it open.
    a = await connect(live, item_id, alice)
    assert await refused_code(live, item_id, origin=live.origin, cookie=session_cookie(bob)) == 4404
    assert bob.get(f"/api/documents/{item_id}").status_code == 404
    await a.close()
    assert path.read_bytes() == before


async def test_sockets_need_the_hubs_origin_and_a_session(app, alice, live):
    item_id, _ = put_notebook(app, alice, "Guarded.ipynb", JUPYTER_NOTEBOOK)
    # A page on another site, with Alice's cookie riding along: the handshake is refused.
    with pytest.raises(InvalidStatus) as refused:
        await YClient.connect(live.ws_url(item_id), origin="https://evil.example", cookie=session_cookie(alice))
    assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus):
        await YClient.connect(live.ws_url(item_id), origin="http://127.0.0.1:1", cookie=session_cookie(alice))
    # A cookie but no Origin at all (not a browser, or a stripped header): refused too.
    with pytest.raises(InvalidStatus):
        await YClient.connect(live.ws_url(item_id), origin=None, cookie=session_cookie(alice))

    # No session, or a made-up one: closed 4401, nothing sent.
    assert await refused_code(live, item_id, origin=live.origin) == 4401
    assert await refused_code(live, item_id, origin=live.origin, cookie="nbcloud_session=forged") == 4401

    # A script with an API token needs no Origin.
    token = alice.post("/api/auth/tokens", json={"name": "script"}).json()["token"]
    c = await YClient.connect(live.ws_url(item_id), origin=None, token=token)
    await c.wait_synced()
    assert c.nb.cell_number == 1
    await c.close()


async def test_garbage_closes_only_that_socket(app, alice, live):
    item_id, _ = put_notebook(app, alice, "Robust.ipynb", JUPYTER_NOTEBOOK)
    a = await connect(live, item_id, alice)
    b = await connect(live, item_id, alice)
    garbage = [
        b"\xff\xfe\xfd",  # unknown message type
        b"\x00\x02\x05\x01\x02\x03\x04\x05",  # an update that is not a Yjs update
        b"\x00\x02\x7f\x01",  # length beyond the frame
        b"\x01\x05\x01\x02",  # truncated awareness
        b"",  # empty frame
        "hello",  # a text frame
    ]
    for junk in garbage:
        bad = await connect(live, item_id, alice)
        await bad.ws.send(junk)
        code = await bad.closed_with()
        assert code in (1003, 1007), (junk, code)
        await bad.close()
        # The room still works for the others.
        src: Text = a.nb.ycells[0]["source"]
        src += "!"
        expected = str(src)
        await eventually(lambda: str(b.nb.ycells[0]["source"]) == expected, what="edit after garbage")
    await a.close()
    await b.close()


async def test_outputs_written_by_the_hub_reach_every_browser(app, alice, live):
    item_id, path = put_notebook(app, alice, "Run.ipynb", JUPYTER_NOTEBOOK)
    uid = user_id(alice)
    a = await connect(live, item_id, alice)

    async def run_cell():
        async with live.hub.documents.hold(item_id, uid) as doc:
            doc.set_execution_state("cell-a", "busy")
            doc.clear_outputs("cell-a")
            doc.append_output("cell-a", {"output_type": "stream", "name": "stdout", "text": "1\n"})
            doc.append_output("cell-a", {"output_type": "stream", "name": "stdout", "text": "2\n"})
            doc.append_output(
                "cell-a",
                {"output_type": "display_data", "data": {"text/plain": "<Figure>"}, "metadata": {}},
            )
            with doc.transaction():
                doc.set_execution_count("cell-a", 7)
                doc.set_cell_metadata("cell-a", "execution", {"iopub.status.idle": "2024-01-01T00:00:00Z"})
                doc.set_execution_state("cell-a", "idle")

    await live.on_hub(run_cell())

    def cell():
        return a.nb.get_cell(0)

    await eventually(lambda: cell().get("execution_count") == 7, what="outputs at the browser")
    assert cell()["outputs"] == [
        {"output_type": "stream", "name": "stdout", "text": "1\n2\n"},
        {"output_type": "display_data", "data": {"text/plain": "<Figure>"}, "metadata": {}},
    ]
    assert cell()["metadata"]["execution"] == {"iopub.status.idle": "2024-01-01T00:00:00Z"}
    assert cell()["metadata"]["tags"] == ["setup"]

    # And they are saved to the file.
    def saved():
        return nbformat.read(path, as_version=4).cells[0]

    await eventually(lambda: saved().execution_count == 7, what="outputs saved")
    nbformat.validate(nbformat.read(path, as_version=4))
    assert saved().outputs[0].text == "1\n2\n"
    assert "execution_state" not in saved()
    await a.close()


async def test_unsaved_edits_are_flushed_when_the_hub_stops(app, alice, live):
    live.hub.documents.autosave_delay = 3600
    live.hub.documents.autosave_max_delay = 3600
    live.hub.documents.idle_close_seconds = 3600
    item_id, path = put_notebook(app, alice, "Flush.ipynb", JUPYTER_NOTEBOOK)
    a = await connect(live, item_id, alice)
    a.nb.ycells[0]["source"].insert(0, "# last words\n")
    await eventually(
        lambda: live.hub.documents.get_open(item_id).content()["cells"][0]["source"].startswith("# last"),
        what="edit at the hub",
    )
    assert "last words" not in path.read_text()
    await asyncio.get_running_loop().run_in_executor(None, live.stop)
    await a.close()
    assert nbformat.read(path, as_version=4).cells[0].source == "# last words\nprint(1)"


async def test_a_notebook_renamed_while_open_is_saved_under_its_new_name(app, alice, live):
    item_id, old_path = put_notebook(app, alice, "Before.ipynb", JUPYTER_NOTEBOOK)
    a = await connect(live, item_id, alice)
    app.state.hub.drive.update(user_id(alice), item_id, name="After.ipynb")
    a.nb.ycells[0]["source"].insert(0, "# renamed\n")
    new_path = old_path.with_name("After.ipynb")
    await eventually(lambda: new_path.is_file() and "# renamed" in new_path.read_text(), what="save after rename")
    assert not old_path.exists()
    nbformat.validate(nbformat.read(new_path, as_version=4))
    await a.close()
