"""Colab's output-frame API, the parts the hub and the runtime own: google.colab.kernel.comms
between an output and the kernel (both ways, with binary buffers, to the opener alone), and
google.colab.output's Python side (no_vertical_scroll, unregister_callback, the output areas)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nbcloud.hub.execution.frame_comms import FrameCommRefused, FrameComms
from tests.live_hub import (
    BrowserLike,
    events_socket,
    live_hub,
    live_person,
    next_event,
    notebook_with,
    outputs_after_run,
    run,
    text_of,
    wait_for_cell,
)

RUNTIME = Path(__file__).resolve().parents[1] / "nbcloud" / "runtime"
COLAB_OUTPUT_NAMES = {  # google/colab/output/__init__.py in googlecolab/colabtools
    "no_vertical_scroll", "redirect_to_element", "to_default_area", "to_footer_area", "to_header_area",
    "eval_js", "register_callback", "unregister_callback", "clear", "temporary", "use_tags",
    "serve_kernel_port_as_iframe", "serve_kernel_port_as_window", "disable_custom_widget_manager",
    "enable_custom_widget_manager",
}

ECHO_TARGET = (
    "from IPython import get_ipython\n"
    "def on_open(comm, open_msg):\n"
    "    first = open_msg['content']['data']\n"
    "    comm.send({'opened_with': first}, buffers=[bytes(reversed(b)) for b in open_msg.get('buffers') or []])\n"
    "    @comm.on_msg\n"
    "    def _echo(msg):\n"
    "        data = msg['content']['data']\n"
    "        if data == 'bye':\n"
    "            comm.close()\n"
    "            return\n"
    "        comm.send({'echo': data}, buffers=[bytes(b) + b'!' for b in msg.get('buffers') or []])\n"
    "get_ipython().kernel.comm_manager.register_target('echo_target', on_open)\n"
    "print('registered')"
)


# Comms are the hub's routing and the kernel's: a hub on the fake backend (tests/fakes.py).
live = live_hub("frame-comms", runtime_backend="fake")


alice = live_person("alice")
bob = live_person("bob")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_an_output_opens_a_comm_to_the_kernel_and_hears_only_its_own_answers(live, alice: BrowserLike):
    item_id, (cell,) = notebook_with(alice, ECHO_TARGET, name="comm-echo.ipynb")
    run(alice, item_id, [cell])
    assert text_of(outputs_after_run(alice, item_id, cell)) == "registered\n"
    with events_socket(live, alice, item_id) as ws:
        ws.send(json.dumps({"type": "frame_comm", "kind": "open", "request_id": "o1", "comm_id": "c-alice-1",
                            "cell_id": cell, "target_name": "echo_target", "data": {"hello": 1},
                            "buffers": [b64(b"\x01\x02\x03")]}))
        assert next_event(ws, "frame_comm") == {"type": "frame_comm", "kind": "reply", "request_id": "o1"}
        opened = next_event(ws, "frame_comm")
        assert opened["kind"] == "msg" and opened["comm_id"] == "c-alice-1"
        assert opened["data"] == {"opened_with": {"hello": 1}}
        assert [base64.b64decode(b) for b in opened["buffers"]] == [b"\x03\x02\x01"]

        ws.send(json.dumps({"type": "frame_comm", "kind": "msg", "request_id": "m1", "comm_id": "c-alice-1",
                            "data": "ping", "buffers": [b64(b"ab")]}))
        assert next_event(ws, "frame_comm")["kind"] == "reply"
        echoed = next_event(ws, "frame_comm")
        assert echoed["data"] == {"echo": "ping"} and base64.b64decode(echoed["buffers"][0]) == b"ab!"

        # The kernel closes it: the page hears so, and a send on it is refused with what to do.
        ws.send(json.dumps({"type": "frame_comm", "kind": "msg", "request_id": "m2", "comm_id": "c-alice-1",
                            "data": "bye"}))
        assert next_event(ws, "frame_comm")["kind"] == "reply"
        assert next_event(ws, "frame_comm") == {"type": "frame_comm", "kind": "close", "comm_id": "c-alice-1"}
        ws.send(json.dumps({"type": "frame_comm", "kind": "msg", "request_id": "m3", "comm_id": "c-alice-1",
                            "data": "again"}))
        refused = next_event(ws, "frame_comm")
        assert refused["request_id"] == "m3" and "open a new one" in refused["error"]


def test_a_comm_to_a_target_the_kernel_does_not_have_closes(live, alice: BrowserLike):
    item_id, (cell,) = notebook_with(alice, "print('nothing registered')", name="comm-none.ipynb")
    run(alice, item_id, [cell])
    outputs_after_run(alice, item_id, cell)
    with events_socket(live, alice, item_id) as ws:
        ws.send(json.dumps({"type": "frame_comm", "kind": "open", "request_id": "o1", "comm_id": "c-nobody",
                            "cell_id": cell, "target_name": "no_such_target"}))
        assert next_event(ws, "frame_comm")["kind"] == "reply"
        assert next_event(ws, "frame_comm") == {"type": "frame_comm", "kind": "close", "comm_id": "c-nobody"}


def test_an_output_cannot_open_a_widget_comm_or_send_bad_buffers(live, alice: BrowserLike):
    item_id, (cell,) = notebook_with(alice, "x = 1", name="comm-bad.ipynb")
    run(alice, item_id, [cell])
    outputs_after_run(alice, item_id, cell)
    with events_socket(live, alice, item_id) as ws:
        ws.send(json.dumps({"type": "frame_comm", "kind": "open", "request_id": "w", "comm_id": "c-w",
                            "cell_id": cell, "target_name": "jupyter.widget"}))
        assert "cannot open a comm" in next_event(ws, "frame_comm")["error"]
        ws.send(json.dumps({"type": "frame_comm", "kind": "open", "request_id": "b", "comm_id": "c-b",
                            "cell_id": cell, "target_name": "t", "buffers": ["not base64!"]}))
        assert "base64" in next_event(ws, "frame_comm")["error"]


def test_the_kernel_opens_a_comm_to_the_frames_of_the_person_who_ran_the_cell(live, alice: BrowserLike):
    item_id, (cell,) = notebook_with(
        alice,
        "from ipykernel.comm import Comm\n"
        "comm = Comm(target_name='frame_target', data={'size': 3})\n"
        "comm.send({'n': 1}, buffers=[b'\\x00\\xff'])\n"
        "comm.close()\n"
        "print('sent')",
        name="comm-to-frame.ipynb",
    )
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, [cell])
        opened = next_event(ws, "frame_comm")
        assert opened["kind"] == "open" and opened["target_name"] == "frame_target"
        assert opened["cell_id"] == cell and opened["data"] == {"size": 3}
        message = next_event(ws, "frame_comm")
        assert message["kind"] == "msg" and message["comm_id"] == opened["comm_id"]
        assert message["data"] == {"n": 1} and base64.b64decode(message["buffers"][0]) == b"\x00\xff"
        assert next_event(ws, "frame_comm") == {"type": "frame_comm", "kind": "close", "comm_id": opened["comm_id"]}
    assert text_of(wait_for_cell(alice, item_id, cell, lambda c: "sent" in text_of(c))).startswith("sent\n")


class _Recorder:
    """A kernel client that records what the hub would send to the kernel's shell channel."""

    def __init__(self) -> None:
        self.sent: list[tuple[dict[str, Any], list[bytes]]] = []
        self.session = self
        self.shell_channel = self
        self.socket = object()

    def msg(self, kind: str, content: dict[str, Any]) -> dict[str, Any]:
        return {"header": {"msg_type": kind}, "content": content}

    def send(self, _socket: object, msg: dict[str, Any], buffers: list[bytes] | None = None) -> None:
        self.sent.append((msg, list(buffers or [])))


def test_bob_cannot_send_on_or_close_a_comm_alice_opened():
    events: list[tuple[dict[str, Any], int]] = []
    comms = FrameComms(lambda event, user_id: events.append((event, user_id)), owner_id=1)
    kernel = _Recorder()
    comms.open(kernel, 1, "c1", "cell", "target", {"a": 1}, [])
    with pytest.raises(FrameCommRefused):
        comms.send(kernel, 2, "c1", "from bob", [])
    with pytest.raises(FrameCommRefused):
        comms.close(kernel, 2, "c1")
    assert [m["header"]["msg_type"] for m, _ in kernel.sent] == ["comm_open"]
    # What the kernel says on it goes to alice alone.
    comms.received({"header": {"msg_type": "comm_msg"}, "content": {"comm_id": "c1", "data": {"x": 1}},
                    "parent_header": {}})
    assert events[-1][1] == 1 and events[-1][0]["data"] == {"x": 1}


def test_a_viewer_page_is_refused_before_anything_reaches_the_kernel(live, alice: BrowserLike, bob: BrowserLike):
    # Bob has no access to alice's notebook: his events socket is refused outright.
    item_id, _cells = notebook_with(alice, "x = 1", name="comm-private.ipynb")
    # Refused with a close code, whatever the library calls the error.
    with pytest.raises(Exception), events_socket(live, bob, item_id) as ws:  # noqa: B017
        ws.send(json.dumps({"type": "frame_comm", "kind": "open", "request_id": "o", "comm_id": "c",
                            "cell_id": "x", "target_name": "t"}))
        next_event(ws, "frame_comm", timeout=10)


def _python(code: str) -> str:
    """Runs code with the runtime's google.colab on the path, in a real IPython shell."""
    prelude = (
        f"import sys; sys.path.insert(0, {str(RUNTIME)!r})\n"
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\n"
    )
    done = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_google_colab_output_has_every_name_colab_has():
    out = _python("import google.colab.output as o\nprint(sorted(n for n in dir(o) if not n.startswith('_')))")
    names = set(eval(out.strip().splitlines()[-1]))  # noqa: S307 - our own printed list
    assert names >= COLAB_OUTPUT_NAMES, COLAB_OUTPUT_NAMES - names


def test_no_vertical_scroll_and_the_output_areas_publish_colabs_javascript():
    out = _python(
        "from IPython.core.displaypub import CapturingDisplayPublisher\n"
        "ip.display_pub = CapturingDisplayPublisher()\n"
        "ip.display_formatter.active_types = list(ip.display_formatter.format_types)\n"
        "from google.colab import output\n"
        "output.no_vertical_scroll()\n"
        "with output.redirect_to_element('#here'):\n    pass\n"
        "with output.to_footer_area():\n    pass\n"
        "for item in ip.display_pub.outputs:\n    print(item['data']['application/javascript'])\n"
    )
    lines = out.strip().splitlines()
    assert lines[0] == "google.colab.output.setIframeHeight(-1, true, {interactive: true, maxHeight: 99999});"
    assert lines[1] == 'google.colab.output.setActiveOutputArea(document.querySelector("#here"));'
    assert lines[2] == "google.colab.output.setActiveOutputArea(google.colab.output.getDefaultOutputArea());"
    assert lines[3] == 'google.colab.output.setActiveOutputArea(document.querySelector("#output-footer"));'


def test_unregister_callback_says_what_is_not_registered():
    out = _python(
        "from google.colab import output\n"
        "output.register_callback('a.b', lambda: 1)\n"
        "output.unregister_callback('a.b')\n"
        "try:\n    output.unregister_callback('a.b')\nexcept ValueError as e:\n    print(e)\n"
    )
    assert out.strip() == "Callback function not registered: a.b."
