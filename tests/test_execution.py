"""Stories about running notebooks: the hub runs cells and writes outputs into the document.

They are about the hub, not the sandbox: they run on the fake backend (tests/fakes.py). The
stories that are the sandbox's (the working folder /content, a memory limit) are in
tests/test_execution_sandboxed.py.
"""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from websockets.exceptions import ConnectionClosed

from tests.live_hub import (
    BrowserLike,
    events_socket,
    live_hub,
    live_person,
    notebook_with,
    run,
    text_of,
    wait_for_cell,
)

live = live_hub("exec", runtime_backend="fake")


alice = live_person("alice")
bob = live_person("bob")


def test_a_new_notebook_is_untitled_in_colab_notebooks(alice: BrowserLike):
    first = alice.post("/api/notebooks", json={}).json()
    second = alice.post("/api/notebooks", json={}).json()
    assert first["path"] == "Colab Notebooks/Untitled0.ipynb"
    assert second["path"] == "Colab Notebooks/Untitled1.ipynb"
    nb = alice.get(f"/api/documents/{first['id']}").json()
    nbformat.validate(nbformat.from_dict(nb))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_print_one_plus_one_shows_two_with_count_and_timing(alice: BrowserLike):
    item_id, (cell,) = notebook_with(alice, "print(1+1)", name="two.ipynb")
    run(alice, item_id, [cell])
    done = wait_for_cell(alice, item_id, cell, lambda c: c["execution_count"] and c["outputs"])
    assert text_of(done) == "2\n"
    timing = done["metadata"]["execution"]
    assert "iopub.status.busy" in timing
    done = wait_for_cell(alice, item_id, cell, lambda c: "shell.execute_reply" in c["metadata"].get("execution", {}))


def test_cells_share_state_and_an_error_stops_the_rest(alice: BrowserLike):
    item_id, cells = notebook_with(alice, "x = 20", "x + 1", "1/0", "print('never')", name="err.ipynb")
    run(alice, item_id, cells)
    result = wait_for_cell(alice, item_id, cells[1], lambda c: c["outputs"])
    assert text_of(result) == "21"
    error = wait_for_cell(alice, item_id, cells[2], lambda c: c["outputs"])
    assert error["outputs"][0]["ename"] == "ZeroDivisionError"
    time.sleep(0.5)
    assert wait_for_cell(alice, item_id, cells[3], lambda c: True)["outputs"] == []


def test_clear_output_wait_redraws_in_place(alice: BrowserLike):
    code = (
        "from IPython.display import clear_output\n"
        "for i in range(5):\n    clear_output(wait=True)\n    print('step', i)\n"
    )
    item_id, (cell,) = notebook_with(alice, code, name="clear.ipynb")
    run(alice, item_id, [cell])
    done = wait_for_cell(alice, item_id, cell, lambda c: c["execution_count"] and "step 4" in text_of(c))
    assert text_of(done) == "step 4\n"


def test_input_asks_the_user_who_ran_the_cell(live, alice: BrowserLike):
    item_id, (cell,) = notebook_with(alice, "name = input('Your name? ')\nprint('hello', name)", name="input.ipynb")
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, [cell])
        while True:
            event = json.loads(ws.recv(timeout=60))
            if event["type"] == "input_request":
                break
        assert event["prompt"] == "Your name? " and event["password"] is False
        ws.send(json.dumps({"type": "input_reply", "value": "Ada"}))
        done = wait_for_cell(alice, item_id, cell, lambda c: "hello Ada" in text_of(c))
    assert "hello Ada" in text_of(done)


def test_interrupt_stops_a_long_cell(alice: BrowserLike):
    item_id, cells = notebook_with(alice, "import time\ntime.sleep(120)", "print('after')", name="sleep.ipynb")
    run(alice, item_id, cells[:1])
    wait_for_cell(alice, item_id, cells[0], lambda c: c["execution_count"])
    assert alice.post(f"/api/notebooks/{item_id}/interrupt").status_code == 204
    done = wait_for_cell(alice, item_id, cells[0], lambda c: c["outputs"])
    assert done["outputs"][0]["ename"] == "KeyboardInterrupt"
    run(alice, item_id, cells[1:])
    assert text_of(wait_for_cell(alice, item_id, cells[1], lambda c: c["outputs"])) == "after\n"


def test_a_cell_run_after_the_error_was_shown_still_runs(alice: BrowserLike):
    # A slow post-run hook holds the kernel's reply back after the traceback is on the page,
    # the window in which the user presses Shift+Enter on the next cell.
    hook = (
        "import time\n"
        "def slow_reply(result):\n    time.sleep(2)\n"
        "get_ipython().events.register('post_run_cell', slow_reply)"
    )
    item_id, cells = notebook_with(alice, hook, "raise ValueError('boom')", "print('after')", name="late.ipynb")
    run(alice, item_id, cells[:1])
    wait_for_cell(alice, item_id, cells[0], lambda c: c["execution_count"])
    run(alice, item_id, cells[1:2])
    wait_for_cell(alice, item_id, cells[1], lambda c: c["outputs"])
    run(alice, item_id, cells[2:])
    assert text_of(wait_for_cell(alice, item_id, cells[2], lambda c: c["outputs"])) == "after\n"


def test_a_huge_print_reaches_pages_as_head_and_tail_and_whole_when_asked(live, alice: BrowserLike, bob: BrowserLike):
    from tests.yclient import YClient

    code = "print(''.join(f'line {i}\\n' for i in range(300_000)), end='')"
    whole = "".join(f"line {i}\n" for i in range(300_000))
    item_id, (cell,) = notebook_with(alice, code, name="huge.ipynb")

    async def page_view() -> dict:
        page = await YClient.connect(
            live.ws_url(item_id), origin=live.origin, cookie=f"nbcloud_session={alice.cookies['nbcloud_session']}",
        )
        await page.wait_synced()
        run(alice, item_id, [cell])
        outputs = page.nb.ycells[0]["outputs"]
        await page.wait_until(lambda: len(outputs) and "nbcloud_kept" in outputs[0])
        seen = {"text": str(outputs[0]["text"]), **outputs[0]["nbcloud_kept"]}
        await page.close()
        return seen

    seen = asyncio.run(page_view())
    # The page got the head and tail (what it shows), not 3 MB.
    assert seen["text"] == "".join(f"line {i}\n" for i in range(1000))
    assert seen["tail"].endswith("line 299999\n") and seen["hidden"] == 298_000
    kept = alice.get(f"/api/documents/{item_id}/outputs/{seen['id']}")
    assert kept.status_code == 200 and kept.text == whole
    assert bob.get(f"/api/documents/{item_id}/outputs/{seen['id']}").status_code == 404
    # The notebook as nbformat, through the API and in the saved file, has all of it.
    assert text_of(wait_for_cell(alice, item_id, cell, lambda c: c["execution_count"])) == whole
    deadline = time.monotonic() + 30
    while True:
        saved = nbformat.reads(alice.get(f"/api/drive/items/{item_id}/content").text, as_version=4)
        if saved.cells[0].outputs:
            break
        assert time.monotonic() < deadline, "never autosaved"
        time.sleep(0.2)
    assert saved.cells[0].outputs[0].text == whole


def test_restart_gives_an_empty_namespace(alice: BrowserLike):
    item_id, cells = notebook_with(alice, "secret = 42", "print('secret' in globals())", name="restart.ipynb")
    run(alice, item_id, cells[:1])
    wait_for_cell(alice, item_id, cells[0], lambda c: c["execution_count"])
    assert alice.post(f"/api/notebooks/{item_id}/restart").status_code == 204
    run(alice, item_id, cells[1:])
    assert text_of(wait_for_cell(alice, item_id, cells[1], lambda c: c["outputs"])) == "False\n"


def test_restart_stops_the_running_cell_and_runs_what_comes_after_in_the_new_kernel(live, alice: BrowserLike):
    item_id, cells = notebook_with(
        alice, "secret = 42\nimport time\ntime.sleep(120)", "print('secret' in globals())", name="restart-busy.ipynb"
    )
    run(alice, item_id, cells[:1])
    wait_for_cell(alice, item_id, cells[0], lambda c: c["execution_count"])
    # The person presses Restart and, before it is done, runs the next cell.
    with ThreadPoolExecutor(1) as pool:
        restart = pool.submit(alice.post, f"/api/notebooks/{item_id}/restart")
        time.sleep(0.05)
        run(alice, item_id, cells[1:])
        assert restart.result(timeout=120).status_code == 204
    assert text_of(wait_for_cell(alice, item_id, cells[1], lambda c: c["outputs"], timeout=120)) == "False\n"
    # The stopped cell is not reported as a crash.
    stopped = alice.get(f"/api/documents/{item_id}").json()["cells"][0]
    assert not any(o["output_type"] == "error" for o in stopped["outputs"]), stopped["outputs"]


def test_a_runtime_that_cannot_start_says_so_and_what_to_do(live, alice: BrowserLike, monkeypatch):
    from nbcloud.hub.runtimes.backend import RuntimeStartError

    async def cannot_start(owner_id, notebook_id, **_kw):
        raise RuntimeStartError("bwrap: setting up uid map: Permission denied")

    item_id, (cell,) = notebook_with(alice, "print('hi')", name="no-runtime.ipynb")
    monkeypatch.setattr(live.hub.execution.pool, "acquire", cannot_start)
    run(alice, item_id, [cell])
    error = wait_for_cell(alice, item_id, cell, lambda c: c["outputs"])["outputs"][0]
    assert error["ename"] == "RuntimeUnavailable"
    assert "Permission denied" in error["evalue"] and "Run the cell again" in error["evalue"]
    status = alice.get(f"/api/notebooks/{item_id}/runtime").json()
    assert status["status"] == "dead" and "could not start" in status["message"], status
    monkeypatch.undo()
    run(alice, item_id, [cell])  # the next try gets a runtime
    assert text_of(wait_for_cell(alice, item_id, cell, lambda c: c["outputs"] and c["outputs"][0].get("name") == "stdout")) == "hi\n"


def test_another_user_cannot_run_or_watch_a_notebook(live, alice: BrowserLike, bob: BrowserLike):
    item_id, (cell,) = notebook_with(alice, "print('mine')", name="private.ipynb")
    assert bob.post(f"/api/notebooks/{item_id}/execute", json={"cell_ids": [cell]}).status_code == 404
    assert bob.post(f"/api/notebooks/{item_id}/restart").status_code == 404
    with events_socket(live, bob, item_id) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4404


async def test_a_page_runs_what_it_just_typed_by_asking_over_the_events_socket(live, alice: BrowserLike):
    """The page sends its edit on the document socket and, at once, `execute` with its Y state
    vector on the events socket: the hub runs the edited code, never the old one."""
    import base64

    from websockets.asyncio.client import connect as ws_async

    from tests.yclient import YClient

    item_id, (cell,) = notebook_with(alice, "print('old')", name="typed.ipynb")
    cookie = f"nbcloud_session={alice.cookies['nbcloud_session']}"
    y = await (await YClient.connect(f"ws://127.0.0.1:{live.port}/api/documents/{item_id}/ws",
                                     origin=live.origin, cookie=cookie)).wait_synced()
    async with ws_async(f"ws://127.0.0.1:{live.port}/api/notebooks/{item_id}/events", origin=live.origin,
                        additional_headers={"Cookie": cookie}) as events:

        async def ask(request_id: str, **fields) -> dict:
            await events.send(json.dumps({"type": "execute", "request_id": request_id, **fields}))
            while True:
                event = json.loads(await asyncio.wait_for(events.recv(), 60))
                if event["type"] == "execute_reply" and event["request_id"] == request_id:
                    return event

        source = y.nb.ycells[0]["source"]
        with y.doc.transaction():
            del source[0:len(source)]
            source.insert(0, "print('new')")
        state = base64.b64encode(y.doc.get_state()).decode()
        assert await ask("r1", cell_ids=[cell], state_vector=state) == {
            "type": "execute_reply", "request_id": "r1", "queued": [cell]}
        await y.wait_until(lambda: "".join(str(o.get("text", "")) for o in y.nb.ycells[0]["outputs"]) != "", 60)
        assert "".join(str(o["text"]) for o in y.nb.ycells[0]["outputs"]) == "new\n"

        # Garbage gets a clear answer and the socket stays usable.
        assert "Bad execute request" in (await ask("r2", cell_ids=[cell], state_vector="%%"))["error"]
        assert "Bad execute request" in (await ask("r3", cell_ids="all", state_vector=state))["error"]
        assert "No cell with id nope" in (await ask("r4", cell_ids=["nope"], state_vector=state))["error"]
    await y.close()
