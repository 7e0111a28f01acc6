"""Stories about `!cmd` and `%%shell` in nbcloud runtimes: a command runs on a terminal, its
output streams into the cell while it runs, and the person who ran the cell can type into it.

A real hub with real sandboxed kernels; the test's WebSocket on /api/notebooks/{id}/events is
the browser of the person who ran the cell, answering as the page would.
"""

from __future__ import annotations

import json
import time

from tests.drive_client import user_id
from tests.live_hub import (
    SANDBOXED,
    BrowserLike,
    LiveHub,
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

live = live_hub("shell", **SANDBOXED)


alice = live_person("alice")
bob = live_person("bob")


def on_hub(live: LiveHub, fn):
    """Call ``fn()`` on the hub's event loop (where sessions live) and return its result."""

    async def call():
        return fn()

    return live.call(call(), timeout=10)


def stdin_box(ws, cell_id: str, *, echo: bool | None = None, timeout: float = 90) -> dict:
    """The next input box event for ``cell_id`` (with that echo, if given)."""
    deadline = time.monotonic() + timeout
    while True:
        event = next_event(ws, "shell_stdin", max(0.1, deadline - time.monotonic()))
        if event["cell_id"] == cell_id and (echo is None or event["echo"] is echo):
            return event


def type_line(ws, box: dict, text: str) -> None:
    ws.send(json.dumps({"type": "shell_stdin_reply", "request_id": box["request_id"], "value": text + "\n"}))


def test_output_streams_while_the_command_runs(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice,
        "!for i in 1 2 3 4; do echo \"line $i\"; sleep 1; done; printf 'progress 10%%\\rprogress 100%%\\n'",
        "print(_exit_code)\n!exit 3\nprint(_exit_code)",
        "files = !ls /content/sample_data\nprint(type(files).__name__, len(files), 'README.md' in files)",
        "%%shell\necho shell $((6*7))\nexit 2",
        "%%shell --ignore-errors\necho ignored; exit 2",
        "r = %shell echo from the line magic\nprint(repr(r.output), r.returncode)",
        "!sleep 30 > /dev/null 2>&1 &\n!sleep 40 &\nimport os, time\ntime.sleep(0.5)\n"
        "print(sorted(open(f'/proc/{p}/cmdline').read().replace('\\0', ' ').strip()\n"
        "             for p in os.listdir('/proc') if p.isdigit() and open(f'/proc/{p}/comm').read() == 'sleep\\n'))",
        name="stream.ipynb",
    )
    run(alice, item_id, cells[:1])
    started = time.monotonic()
    early = wait_for_cell(alice, item_id, cells[0], lambda c: "line 1" in text_of(c), timeout=90)
    assert not finished(early) and "line 4" not in text_of(early)  # it came before the command ended
    done = outputs_after_run(alice, item_id, cells[0])
    assert time.monotonic() - started > 2
    assert text_of(done) == "line 1\nline 2\nline 3\nline 4\nprogress 10%\rprogress 100%\n"

    run(alice, item_id, cells[1:])
    assert text_of(outputs_after_run(alice, item_id, cells[1])) == "0\n3\n"
    assert text_of(outputs_after_run(alice, item_id, cells[2])) == "SList 6 True\n"
    failed = outputs_after_run(alice, item_id, cells[3])
    assert text_of(failed).startswith("shell 42\n")
    assert [o["ename"] for o in failed["outputs"] if o["output_type"] == "error"] == ["CalledProcessError"]
    run(alice, item_id, cells[4:])
    assert text_of(outputs_after_run(alice, item_id, cells[4])) == "ignored\n"
    assert text_of(outputs_after_run(alice, item_id, cells[5])) == (
        "from the line magic\n'from the line magic\\n' 0\n")
    # Background jobs outlive the command that started them (no SIGHUP when its shell exits).
    assert text_of(outputs_after_run(alice, item_id, cells[6])) == "['sleep 30', 'sleep 40']\n"


def test_the_page_types_a_line_into_read(live, alice: BrowserLike):
    item_id, cells = notebook_with(
        alice, "!read name; echo hi $name", "print(_exit_code)", name="read.ipynb")
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, cells)
        box = stdin_box(ws, cells[0])
        assert box["echo"] is True and box["delay_ms"] == 500
        # A page opened while the command waits gets the box too.
        with events_socket(live, alice, item_id) as reopened:
            again = stdin_box(reopened, cells[0])
            assert again["request_id"] == box["request_id"]
        type_line(ws, box, "Ada")
        done = next_event(ws, "shell_stdin_done")
        assert done == {"type": "shell_stdin_done", "cell_id": cells[0], "request_id": box["request_id"]}
    # The terminal echoes what was typed, as a terminal does.
    assert text_of(outputs_after_run(alice, item_id, cells[0])) == "Ada\nhi Ada\n"
    assert text_of(outputs_after_run(alice, item_id, cells[1])) == "0\n"
    on_hub(live, lambda: None)
    assert not live.hub.execution._sessions[item_id].events.pending_shell


def test_a_password_prompt_is_masked_and_never_echoed(live, alice: BrowserLike):
    item_id, cells = notebook_with(
        alice,
        "!read -s -p \"Password: \" p && echo \"got ${#p} chars\"",
        "!python3 -c \"import getpass; print('pin', len(getpass.getpass('PIN: ')))\"",
        name="password.ipynb",
    )
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, cells)
        box = stdin_box(ws, cells[0], echo=False)
        type_line(ws, box, "hunter2")
        assert next_event(ws, "shell_stdin_done")["request_id"] == box["request_id"]
        box = stdin_box(ws, cells[1], echo=False)
        type_line(ws, box, "8642")
        next_event(ws, "shell_stdin_done")
    first = text_of(outputs_after_run(alice, item_id, cells[0]))
    second = text_of(outputs_after_run(alice, item_id, cells[1]))
    assert first == "Password: got 7 chars\n"
    assert second.startswith("PIN: ") and "pin 4" in second
    assert "hunter2" not in first and "8642" not in second


def test_only_the_person_who_ran_the_cell_can_type_and_garbage_is_refused(live, alice: BrowserLike, bob: BrowserLike):
    item_id, cells = notebook_with(alice, "!read line; echo \"got [$line]\"", "print('kernel alive')", name="guard.ipynb")
    bob_id, alice_id = user_id(bob), user_id(alice)
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, cells)
        box = stdin_box(ws, cells[0])
        session = live.hub.execution._sessions[item_id]

        def reply(who: int, value, request_id=box["request_id"]) -> bool:
            return on_hub(live, lambda: session.answer_shell(who, {"request_id": request_id, "value": value}))

        assert reply(bob_id, "from bob\n") is False
        assert reply(alice_id, "wrong box\n", request_id="not-the-box") is False
        for garbage in ({"x": 1}, 42, None, "", "x" * (64 * 1024 + 1)):
            assert reply(alice_id, garbage) is False
        # Garbage that reaches the kernel anyway (not through the hub) is dropped there.
        client = session._client
        for value in ({"type": "colab_reply", "colab_msg_id": "nope"}, ["a"], 7):
            on_hub(live, lambda v=value: client.stdin_channel.send(client.session.msg("input_reply", {"value": v})))
        on_hub(live, lambda: client.stdin_channel.send(client.session.msg("kernel_info_request", {})))
        time.sleep(1)
        assert not wait_for_cell(alice, item_id, cells[0], lambda c: True)["outputs"]
        type_line(ws, box, "from alice")
        next_event(ws, "shell_stdin_done")
        assert reply(alice_id, "too late\n") is False  # the box is gone
    assert text_of(outputs_after_run(alice, item_id, cells[0])) == "from alice\ngot [from alice]\n"
    assert text_of(outputs_after_run(alice, item_id, cells[1])) == "kernel alive\n"


def test_interrupt_stops_the_command_not_the_kernel(live, alice: BrowserLike):
    item_id, cells = notebook_with(
        alice, "x = 1\n!sleep 100\nprint('after the command', _exit_code)", "print('x is', x)", name="interrupt.ipynb")
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, cells)
        stdin_box(ws, cells[0])
        time.sleep(0.5)
        started = time.monotonic()
        assert alice.post(f"/api/notebooks/{item_id}/interrupt").status_code == 204
        next_event(ws, "shell_stdin_done", timeout=20)
    done = outputs_after_run(alice, item_id, cells[0])
    assert time.monotonic() - started < 20
    # As in IPython: the command gets SIGINT, the cell goes on; _exit_code is minus the signal.
    assert text_of(done) == "^C\nafter the command -2\n"
    assert text_of(outputs_after_run(alice, item_id, cells[1])) == "x is 1\n"


def test_tensorflow_version_says_what_colab_says(alice: BrowserLike):
    item_id, cells = notebook_with(alice, "%tensorflow_version 2.x", "%tensorflow_version 1.x", name="tf.ipynb")
    run(alice, item_id, cells)
    assert text_of(outputs_after_run(alice, item_id, cells[0])) == (
        "Colab only includes TensorFlow 2.x; %tensorflow_version has no effect.\n")
    error = [o for o in outputs_after_run(alice, item_id, cells[1])["outputs"] if o["output_type"] == "error"]
    assert error and error[0]["ename"] == "ValueError" and "TensorFlow 1" in error[0]["evalue"]
