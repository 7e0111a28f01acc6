"""Notebooks from others are inert until trusted (issue 10, item 5).

The attack: someone hands you a notebook (a course's homework, a link, a file in a shared
folder) whose saved outputs carry script and whose cells read your Drive and secrets. Opening it
must run nothing; running it must first ask you; and your trust covers that content only, for
you only.
"""

from __future__ import annotations

import json
import time

import nbformat
from sqlalchemy import select

from nbcloud.hub.db.models import User
from tests.live_hub import (
    BrowserLike,
    LiveHub,
    events_socket,
    live_hub,
    live_person,
    put_file,
    text_of,
    wait_for_cell,
)

SCRIPT_OUTPUT = {
    "output_type": "display_data",
    "metadata": {},
    "data": {
        "text/html": "<b id='x'>saved</b><script>parent.postMessage({stolen: document.cookie}, '*');</script>",
        "text/plain": "<IPython.core.display.HTML object>",
    },
}


live = live_hub("trust")


alice = live_person("alice")
bob = live_person("bob")


def notebook_bytes(source: str = "print('ran')", outputs=(SCRIPT_OUTPUT,)) -> tuple[bytes, str]:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    nb.cells = [cell]
    return nbformat.writes(nb).encode(), cell.id


def refused(client: BrowserLike, item_id: str, cell_id: str) -> bool:
    r = client.post(f"/api/notebooks/{item_id}/execute", json={"cell_ids": [cell_id]})
    if r.status_code == 403:
        assert r.json()["code"] == "notebook_not_trusted", r.text
        return True
    assert r.status_code == 202, r.text
    return False


def trusted(client: BrowserLike, item_id: str) -> bool:
    r = client.get(f"/api/trust/{item_id}")
    assert r.status_code == 200, r.text
    return r.json()["trusted"]


def runtime_of(live: LiveHub, item_id: str):
    session = live.hub.execution._sessions.get(item_id)
    return None if session is None else session.runtime


def test_opening_a_notebook_starts_no_runtime(live, alice: BrowserLike):
    data, _cell = notebook_bytes()
    item_id = put_file(alice, "opened.ipynb", data)
    with events_socket(live, alice, item_id) as ws:
        # What the page opens with: the events socket answers with the runtime's state, "none".
        statuses = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                event = json.loads(ws.recv(timeout=0.5))
            except TimeoutError:
                continue
            if event["type"] == "runtime":
                statuses.append(event["status"])
        assert statuses and set(statuses) == {"none"}, statuses
        assert alice.get(f"/api/documents/{item_id}").status_code == 200
        assert alice.get(f"/api/notebooks/{item_id}/runtime").json()["status"] == "none"
        assert runtime_of(live, item_id) is None


def test_an_uploaded_notebooks_saved_script_does_not_run_until_trusted(live, alice: BrowserLike):
    data, cell = notebook_bytes()
    item_id = put_file(alice, "homework.ipynb", data)
    assert not trusted(alice, item_id)
    # The hub refuses the run, over HTTP and over the page's socket alike: no page can skip the prompt.
    assert refused(alice, item_id, cell)
    with events_socket(live, alice, item_id) as ws:
        ws.send(json.dumps({"type": "execute", "request_id": "r1", "cell_ids": [cell], "state_vector": "AA=="}))
        while True:
            event = json.loads(ws.recv(timeout=30))
            if event["type"] == "execute_reply":
                break
        assert event.get("code") == "notebook_not_trusted" and "queued" not in event, event
        ws.send(json.dumps({"type": "invoke_function", "request_id": "f1", "cell_id": cell, "name": "x"}))
        while True:
            event = json.loads(ws.recv(timeout=30))
            if event["type"] == "invoke_function_reply":
                break
        assert "not written by you" in event["error"], event
    assert runtime_of(live, item_id) is None  # nothing started, nothing ran
    saved = alice.get(f"/api/documents/{item_id}").json()["cells"][0]
    assert "saved</b>" in "".join(saved["outputs"][0]["data"]["text/html"])  # kept, not run

    # "Run anyway": trust, then the run goes through and replaces the saved output.
    r = alice.post(f"/api/trust/{item_id}")
    assert r.status_code == 200 and r.json() == {"trusted": True, "reason": "chosen"}
    assert not refused(alice, item_id, cell)
    done = wait_for_cell(alice, item_id, cell, lambda c: "ran" in text_of(c))
    assert "text/html" not in json.dumps(done["outputs"])
    assert trusted(alice, item_id)  # its own run's outputs keep it trusted


def test_trust_is_per_user(live, alice: BrowserLike, bob: BrowserLike):
    data, cell = notebook_bytes("print('shared homework')")
    alices = put_file(alice, "same.ipynb", data)
    bobs = put_file(bob, "same.ipynb", data)
    assert alice.post(f"/api/trust/{alices}").status_code == 200
    assert trusted(alice, alices)
    # The same content, trusted by Alice, is not trusted for Bob.
    assert not trusted(bob, bobs)
    assert refused(bob, bobs, cell)
    # Nor can Bob trust (or learn about) Alice's copy.
    assert bob.post(f"/api/trust/{alices}").status_code == 404
    assert bob.get(f"/api/trust/{alices}").status_code == 404


def test_a_changed_notebook_asks_again(live, alice: BrowserLike):
    data, cell = notebook_bytes("print('v1')", outputs=())
    item_id = put_file(alice, "changing.ipynb", data)
    assert alice.post(f"/api/trust/{item_id}").status_code == 200
    assert trusted(alice, item_id)
    # Someone else's version lands over it (a new upload of "the fixed homework") with new script.
    changed, _ = notebook_bytes("print('v2')")
    nb = json.loads(changed)
    nb["cells"][0]["id"] = cell
    assert put_file(alice, "changing.ipynb", json.dumps(nb).encode(), overwrite=True) == item_id
    assert not trusted(alice, item_id)
    assert refused(alice, item_id, cell)


async def user_id(live: LiveHub, username: str) -> int:
    with live.hub.db.session() as db:
        return db.scalar(select(User.id).where(User.username == username))


def test_a_notebook_alice_created_is_trusted_for_her(live, alice: BrowserLike):
    item_id = alice.post("/api/notebooks", json={}).json()["id"]
    alice_id = live.call(user_id(live, "alice"))

    async def type_and_save() -> str:
        room = await live.hub.documents.open(item_id, alice_id)
        with room.transaction():
            room.notebook.ycells[0]["source"].insert(
                0, "from IPython.display import HTML, display\ndisplay(HTML('<script>1</script>'))\nprint('mine')")
        await room.save()  # her typing reaches the file before anything asks about trust
        return room.cell_ids()[0]

    cell = live.call(type_and_save())
    assert alice.get(f"/api/trust/{item_id}").json() == {"trusted": True, "reason": "created"}
    assert not refused(alice, item_id, cell)
    done = wait_for_cell(alice, item_id, cell, lambda c: "mine" in text_of(c))
    assert "<script>" in json.dumps(done["outputs"])  # her own run's script output
    live.call(live.hub.documents.get_open(item_id).save())
    # Saved with her run's outputs, the file is still content she trusts, tomorrow too.
    trust = live.app.state.trust
    assert trust.store.signature(alice_id, item_id) == trust._file_signature(alice_id, item_id)
    assert trusted(alice, item_id)
