"""google.colab.kernel.invokeFunction through the hub: the page asks on the events socket, the
hub calls the registered callback in the kernel without a cell run, prints land in the cell."""

from __future__ import annotations

import json

from tests.live_hub import (
    BrowserLike,
    events_socket,
    finished,
    live_hub,
    live_person,
    next_event,
    notebook_with,
    outputs_after_run,
    run,
    text_of,
    wait_for_cell,
)

# Calling a callback is the hub's business, not the sandbox's: a hub on the fake backend (tests/fakes.py).
live = live_hub("invoke", ("alice",), runtime_backend="fake")


alice = live_person("alice")


def test_an_output_calls_a_registered_callback_and_its_prints_land_in_the_cell(live, alice: BrowserLike):
    item_id, (cell,) = notebook_with(
        alice,
        "import IPython\nfrom google.colab import output\n"
        "def add(a, b, scale=1):\n    print('adding', a, b)\n    return IPython.display.JSON({'sum': (a + b) * scale})\n"
        "output.register_callback('notebook.add', add)",
        name="invoke.ipynb",
    )
    run(alice, item_id, [cell])
    count = outputs_after_run(alice, item_id, cell)["execution_count"]
    with events_socket(live, alice, item_id) as ws:
        ws.send(json.dumps({"type": "invoke_function", "request_id": "r1", "cell_id": cell,
                            "name": "notebook.add", "args": [2, 3], "kwargs": {"scale": 10}}))
        reply = next_event(ws, "invoke_function_reply")
        assert reply["request_id"] == "r1"
        assert reply["result"]["data"]["application/json"] == {"sum": 50}
        ws.send(json.dumps({"type": "invoke_function", "request_id": "r2", "cell_id": cell,
                            "name": "notebook.nothing", "args": [], "kwargs": {}}))
        missing = next_event(ws, "invoke_function_reply")
        assert missing["request_id"] == "r2" and "register_callback" in missing["error"]
    after = wait_for_cell(alice, item_id, cell, lambda c: "adding" in text_of(c))
    assert text_of(after) == "adding 2 3\n"
    # Not a cell run: the execution count did not move.
    assert after["execution_count"] == count and finished(after)
