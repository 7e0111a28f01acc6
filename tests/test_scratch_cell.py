"""Stories about the scratch cell: code a page runs in the notebook's runtime, over its events
socket, whose outputs come to that page alone and are never saved in the notebook.

A real kernel on the fake backend (tests/fakes.py): the stories are about the hub.
"""

from __future__ import annotations

import json
import threading

import pytest

from tests.live_hub import (
    events_socket,
    finished,
    hub_with_people,
    live_person,
    notebook_with,
    run,
    text_of,
    wait_for_cell,
)
from tests.test_kernel_introspection import Page


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with hub_with_people(tmp_path_factory.mktemp("scratch") / "data", runtime_backend="fake") as server:
        yield server


alice = live_person("alice")


def scratch(page: Page, code: str) -> tuple[list[dict], dict]:
    """Run ``code`` as the page's scratch cell: its outputs and its reply."""
    request_id = f"s{id(code)}"
    page.send({"type": "scratch_execute", "request_id": request_id, "code": code})
    outputs: list[dict] = []
    while True:
        message = page.next_of(("scratch_output", "scratch_reply"), request_id)
        if message["type"] == "scratch_reply":
            return outputs, message
        outputs.append(message["output"])


def test_scratch_runs_in_the_same_runtime_and_saves_nothing_to_the_notebook(live, alice):
    item_id, cells = notebook_with(alice, "basket = ['pear', 'fig']\nlen(basket)", "print(len(In), _, _1, Out)", name="scratch.ipynb")
    run(alice, item_id, [cells[0]])
    wait_for_cell(alice, item_id, cells[0], finished, timeout=120)
    before = alice.get(f"/api/documents/{item_id}").json()
    with events_socket(live, alice, item_id) as ws, events_socket(live, alice, item_id) as other_ws:
        page, other = Page(ws), Page(other_ws)
        outputs, reply = scratch(page, "print('in the scratch cell:', basket)\nbasket.append('kiwi')\n{'n': len(basket)}")
        assert reply["status"] == "ok" and "error" not in reply
        assert outputs[0] == {"output_type": "stream", "name": "stdout", "text": "in the scratch cell: ['pear', 'fig']\n"}
        assert (outputs[1]["output_type"], outputs[1]["data"]) == ("execute_result", {"text/plain": "{'n': 3}"})
        assert len(outputs) == 2
        errors, failed = scratch(page, "1 / 0")
        assert failed["status"] == "error" and "ZeroDivisionError" in failed["error"]
        assert errors[0]["output_type"] == "error" and errors[0]["ename"] == "ZeroDivisionError"
        # No input() in a scratch cell: it has nowhere to ask.
        asked, no_stdin = scratch(page, "input('name? ')")
        assert no_stdin["status"] == "error" and "StdinNotImplementedError" in no_stdin["error"]
        # The other page of the same person saw none of it.
        other.send({"type": "variables", "request_id": "v1"})
        other.next("variables_reply", request_id="v1")
        assert not [m for m in other.seen if m["type"].startswith("scratch")]
    # Its change to the namespace is real (same runtime) but the notebook is as it was.
    after = alice.get(f"/api/documents/{item_id}").json()
    assert after["cells"] == before["cells"]
    run(alice, item_id, [cells[1]])
    done = wait_for_cell(alice, item_id, cells[1], finished, timeout=120)
    # The scratch runs are in no history: In holds '', cell 1 and this cell; `_`, `_1` and Out
    # are still cell 1's result (IPython would file the scratch's `{'n': 3}` under number 1).
    assert done["execution_count"] == 2 and text_of(done) == "3 2 2 {1: 2}\n"


def test_interrupt_stops_a_scratch_cell(live, alice):
    item_id, cells = notebook_with(alice, "import time", name="scratch-interrupt.ipynb")
    run(alice, item_id, cells)
    wait_for_cell(alice, item_id, cells[0], finished, timeout=120)
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        result: dict = {}
        code = "print('sleeping', flush=True)\ntime.sleep(120)"
        worker = threading.Thread(target=lambda: result.update(zip(("outputs", "reply"), scratch(page, code), strict=True)))
        worker.start()
        # Interrupt once the scratch code sleeps (its first output came).
        for _ in range(600):
            worker.join(0.1)
            if result or any(m["type"] == "scratch_output" for m in list(page.seen)):
                break
        assert alice.post(f"/api/notebooks/{item_id}/interrupt").status_code == 204
        worker.join(60)
        assert result["reply"]["status"] == "error" and "KeyboardInterrupt" in result["reply"]["error"]
        assert result["outputs"][0]["text"] == "sleeping\n"


def test_garbage_in_a_scratch_request_is_refused_and_the_socket_stays_open(live, alice):
    item_id, cells = notebook_with(alice, "ready = 1", name="scratch-garbage.ipynb")
    run(alice, item_id, cells)
    wait_for_cell(alice, item_id, cells[0], finished, timeout=120)
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        page.send(json.dumps({"type": "scratch_execute", "request_id": "s1", "code": ["print(1)"]}))
        refused = page.next("scratch_reply", request_id="s1")
        assert refused["status"] == "error" and refused["code"] == "invalid_message"
        outputs, reply = scratch(page, "print(ready)")
        assert reply["status"] == "ok" and outputs[0]["text"] == "1\n"
