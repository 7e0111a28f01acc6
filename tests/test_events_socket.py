"""Stories about a notebook's events socket (/api/notebooks/{id}/events) when a page sends what the
hub cannot use: the hub refuses it with a clear error on that socket, and the socket stays usable.

A real hub with real sandboxed kernels. Every message the hub sends in these stories must also be
a member of the typed hub -> page union (execution.event_messages.HubMessage).
"""

from __future__ import annotations

import json
import time

from pydantic import ValidationError

from nbcloud.hub.execution.event_messages import HUB_MESSAGE
from tests.live_hub import (
    events_socket,
    live_hub,
    live_person,
    notebook_with,
    text_of,
    wait_for_cell,
)

EMPTY_STATE_VECTOR = "AA=="  # Y.encodeStateVector of an empty document: nothing to wait for


live = live_hub("events", runtime_memory_bytes=512 * 1024**2)


alice = live_person("alice")


class Page:
    """A page's end of the events socket that checks every message the hub sends is typed."""

    def __init__(self, ws) -> None:
        self.ws = ws

    def send(self, message: object) -> None:
        self.ws.send(message if isinstance(message, (str, bytes)) else json.dumps(message))

    def next(self, kind: str, timeout: float = 90, **match) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            event = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            try:
                HUB_MESSAGE.validate_python(event)
            except ValidationError as e:
                raise AssertionError(f"the hub sent a message outside its typed union: {event}\n{e}") from None
            if event["type"] == kind and all(event.get(k) == v for k, v in match.items()):
                return event

    def execute(self, request_id: str, cell_ids: list[str]) -> dict:
        self.send({"type": "execute", "request_id": request_id, "cell_ids": cell_ids,
                   "state_vector": EMPTY_STATE_VECTOR})
        return self.next("execute_reply", request_id=request_id)


def test_a_page_that_sends_garbage_on_the_events_socket_gets_a_clear_error_and_can_still_run_a_cell(live, alice):
    item_id, (cell,) = notebook_with(alice, "print('still here')", name="garbage.ipynb")
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        for garbage in ("{not json", "[1, 2, 3]", "42", '"execute"', b"\x00\xff binary"):
            page.send(garbage)
            error = page.next("error")
            assert error["code"] == "bad_message", (garbage, error)
            assert "JSON objects" in error["detail"] and "Reload the page" in error["detail"]
        assert page.execute("r1", [cell]) == {"type": "execute_reply", "request_id": "r1", "queued": [cell]}
    done = wait_for_cell(alice, item_id, cell, lambda c: c["execution_count"] and c["outputs"])
    assert text_of(done) == "still here\n"


def test_an_unknown_message_type_is_refused(live, alice):
    item_id, (cell,) = notebook_with(alice, "1 + 1", name="unknown.ipynb")
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        page.send({"type": "format_my_disk", "please": True})
        error = page.next("error")
        assert error["code"] == "unknown_message"
        assert "'format_my_disk'" in error["detail"]
        page.send({"no_type": "at all"})
        assert page.next("error")["code"] == "unknown_message"
        # A refusal answers that message only: the next one is handled as ever.
        assert page.execute("r1", [cell])["queued"] == [cell]


def test_a_malformed_execute_missing_its_cell_ids_is_refused(live, alice):
    item_id, (cell,) = notebook_with(alice, "print('ran')", name="malformed.ipynb")
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        # The page waits for an answer by request_id: the refusal comes in that answer.
        page.send({"type": "execute", "request_id": "r1", "state_vector": EMPTY_STATE_VECTOR})
        reply = page.next("execute_reply", request_id="r1")
        assert reply["code"] == "invalid_message" and "queued" not in reply
        assert "Bad execute request" in reply["error"] and "cell_ids" in reply["error"]
        page.send({"type": "execute", "request_id": "r2", "cell_ids": [], "state_vector": EMPTY_STATE_VECTOR})
        assert "cell_ids" in page.next("execute_reply", request_id="r2")["error"]
        # Without a request_id there is no answer to put it in: a plain error.
        page.send({"type": "execute", "cell_ids": [cell], "state_vector": EMPTY_STATE_VECTOR})
        error = page.next("error")
        assert error["code"] == "invalid_message" and "request_id" in error["detail"]
        # A widget message naming no widget, likewise.
        page.send({"type": "comm_msg", "data": {"method": "update"}})
        assert "comm_id" in page.next("error", code="invalid_message")["detail"]
        assert page.execute("r3", [cell])["queued"] == [cell]
    assert text_of(wait_for_cell(alice, item_id, cell, lambda c: c["execution_count"] and c["outputs"])) == "ran\n"
