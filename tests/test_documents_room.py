"""The live document room without a server: autosave timing, awareness, viewers, path safety."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from pycrdt import (
    Awareness,
    Doc,
    Encoder,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    read_message,
)

from nbcloud.hub.documents.room import Connection, LiveDocument, ProtocolError
from tests.notebook_files import NOTEBOOK, Saves


def drain(conn: Connection) -> list[bytes | None]:
    out: list[bytes | None] = []
    while not conn.queue.empty():
        out.append(conn.queue.get_nowait())
    return out


async def test_autosave_waits_for_a_pause_but_not_forever():
    saves = Saves()
    room = LiveDocument("i", 1, NOTEBOOK, saves, autosave_delay=0.4, autosave_max_delay=1.0)
    # Constant typing (every 20 ms for 2.5 s): saved about once a second, not only at the end
    # and not once per keystroke.
    start = time.monotonic()
    keystrokes = 0
    while time.monotonic() - start < 2.5:
        room.notebook.ycells[0]["source"].insert(0, "x")
        last_edit = time.monotonic()
        keystrokes += 1
        await asyncio.sleep(0.02)
    during = len(saves.times)
    assert 2 <= during <= 3, [t - start for t in saves.times]
    # Then a pause: one more save, autosave_delay after the last keystroke.
    deadline = time.monotonic() + 3
    while len(saves.times) == during and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert len(saves.times) == during + 1
    assert saves.times[-1] - last_edit >= 0.39
    assert saves.contents[-1]["cells"][0]["source"] == "x" * keystrokes
    # Nothing changed: nothing saved.
    await asyncio.sleep(0.6)
    assert len(saves.times) == during + 1
    await room.close()


async def test_a_failed_save_is_retried_at_close():
    calls = []

    async def flaky(_room, content):
        calls.append(content)
        if len(calls) == 1:
            raise OSError("disk full")
        return True

    room = LiveDocument("i", 1, NOTEBOOK, flaky, autosave_delay=0.01, autosave_max_delay=0.05)
    room.notebook.ycells[0]["source"].insert(0, "a")
    await asyncio.sleep(0.1)
    assert len(calls) == 1 and room.dirty and "disk full" in room.last_save_error
    await room.close()
    assert len(calls) == 2 and not room.dirty


async def test_a_room_whose_save_is_still_writing_is_not_taken_for_saved():
    # The hub closes an unused room only once its edits are on disk. A save still writing (a slow
    # or full disk) must not look like "nothing unsaved", or closing then loses the edits.
    writing, finish = asyncio.Event(), asyncio.Event()

    async def slow_then_full(_room, _content):
        writing.set()
        await finish.wait()
        raise OSError(28, "No space left on device")

    room = LiveDocument("i", 1, NOTEBOOK, slow_then_full, autosave_delay=3600, autosave_max_delay=3600)
    room.notebook.ycells[0]["source"].insert(0, "typed")
    saving = asyncio.ensure_future(room.save())
    await asyncio.wait_for(writing.wait(), 5)
    assert room.dirty
    finish.set()
    with pytest.raises(OSError):
        await saving
    assert room.dirty and room.last_save_error == "the disk is full"
    with pytest.raises(OSError):  # closing tries once more; the disk is still full
        await room.close()


def _awareness_message(client_id: int, clock: int, state: dict | None) -> bytes:
    enc = Encoder()
    enc.write_var_uint(1)
    enc.write_var_uint(client_id)
    enc.write_var_uint(clock)
    enc.write_var_string(json.dumps(state))
    return create_awareness_message(enc.to_bytes())


async def test_awareness_is_relayed_and_removed_when_a_socket_leaves():
    room = LiveDocument("i", 1, NOTEBOOK, Saves())
    a, b = Connection(user_id=1), Connection(user_id=1)
    room.join(a)
    room.join(b)
    drain(a), drain(b)
    msg = _awareness_message(4242, 1, {"user": {"name": "Alice"}, "cursor": None})
    room.handle_message(a, msg)
    assert drain(b) == [msg] and drain(a) == []
    # A newcomer gets the states that exist.
    c = Connection(user_id=1)
    room.join(c)
    joined = [m for m in drain(c) if m[0] != 100]  # 100: the hub's hello and save status
    assert joined[0][:2] == b"\x00\x00"  # sync step 1
    other = Awareness(Doc())
    other.apply_awareness_update(read_message(joined[1][1:]), "test")
    assert other.states[4242]["user"]["name"] == "Alice"
    # A leaves: the others are told its cursor is gone.
    room.leave(a)
    other.apply_awareness_update(read_message(drain(b)[0][1:]), "test")
    assert 4242 not in other.states and 4242 not in room.awareness.states
    await room.close()


async def test_viewers_sync_but_cannot_change_the_notebook():
    room = LiveDocument("i", 1, NOTEBOOK, Saves())
    viewer = Connection(user_id=2, read_only=True)
    room.join(viewer)
    remote = Doc()
    remote.apply_update(room.doc.get_update())
    from jupyter_ydoc import YNotebook

    YNotebook(remote).ycells[0]["source"].insert(0, "evil")
    room.handle_message(viewer, create_update_message(remote.get_update(room.doc.get_state())))
    assert room.content()["cells"][0]["source"] == ""
    # Sync step 1 from a viewer is answered.
    drain(viewer)
    room.handle_message(viewer, create_sync_message(Doc()))
    assert drain(viewer)[0][:2] == b"\x00\x01"
    await room.close()


@pytest.mark.parametrize(
    "frame",
    [b"", b"\x07", b"\x00", b"\x00\x09\x00", b"\x00\x02\x03abc", b"\x00\x00\x05\xff\xff\xff\xff\xff", b"\x01\x02\x01\x00"],
)
async def test_garbage_raises_protocol_error_and_leaves_the_doc_alone(frame):
    room = LiveDocument("i", 1, NOTEBOOK, Saves())
    conn = Connection(user_id=1)
    room.join(conn)
    before = room.doc.get_update()
    with pytest.raises(ProtocolError):
        room.handle_message(conn, frame)
    assert room.doc.get_update() == before
    await room.close()


def test_a_state_vector_is_read_as_lib0_writes_it():
    import pycrdt
    import pytest

    from nbcloud.hub.documents.state_vector import decode_state_vector

    doc = pycrdt.Doc()
    doc["text"] = text = pycrdt.Text()
    text += "hello"
    assert decode_state_vector(doc.get_state()) == {doc.client_id: 5}
    assert decode_state_vector(b"\x00") == {}
    for garbage in (b"", b"\x02\x01", b"\xff" * 12, b"\x01\x01\x01\x01"):
        with pytest.raises(ValueError):
            decode_state_vector(garbage)
