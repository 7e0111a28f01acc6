"""Stories about displays redrawn from a later cell, as in Jupyter and Colab: ``h = display(x,
display_id=True)`` in one cell and ``h.update(y)`` in another change the first cell's output, for
every page on the notebook; google.colab.widgets' ``clear_tab()`` and ``remove()`` rely on it.

They run real kernels on the fake backend (tests/fakes.py: ipykernel with google.colab, no
sandbox): the stories are about the hub's document, not the sandbox.
"""

from __future__ import annotations

import asyncio
import json
import time

import nbformat

from tests.live_hub import (
    BrowserLike,
    LiveHub,
    events_socket,
    html_of,
    live_hub,
    live_person,
    next_event,
    notebook_with,
    panels,
    run,
    run_one,
    text_of,
    wait_for_cell,
)
from tests.yclient import YClient

live = live_hub("displays", runtime_backend="fake")


alice = live_person("alice")


def cell_now(person: BrowserLike, item_id: str, cell: str) -> dict:
    return wait_for_cell(person, item_id, cell, lambda c: True)


def saved_notebook(person: BrowserLike, item_id: str, done) -> nbformat.NotebookNode:
    """The notebook's file once autosave has written what ``done`` wants."""
    deadline = time.monotonic() + 60
    while True:
        nb = nbformat.reads(person.get(f"/api/drive/items/{item_id}/content").text, as_version=4)
        if done(nb):
            return nb
        assert time.monotonic() < deadline, f"never autosaved: {nb.cells[0].outputs}"
        time.sleep(0.2)


def test_a_handle_updated_in_a_later_cell_redraws_the_first_cells_output(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice, "from IPython.display import display\nprint('before')\nh = display('first', display_id=True)\nprint('after')",
        "h.update('second')",
        name="handle.ipynb",
    )
    shown = run_one(alice, item_id, cells[0])
    assert text_of(shown) == "before\n'first'after\n"
    updater = run_one(alice, item_id, cells[1])
    assert updater["outputs"] == []  # the update shows where the display is, not here
    redrawn = cell_now(alice, item_id, cells[0])
    assert text_of(redrawn) == "before\n'second'after\n"  # in place: between the two prints
    # The notebook's file stays valid nbformat and has the redrawn display.
    saved = saved_notebook(alice, item_id, lambda nb: "'second'" in str(nb.cells[0].outputs))
    nbformat.validate(saved)
    assert saved.cells[0].outputs[1].data["text/plain"] == "'second'"


def test_one_id_shown_in_two_cells_is_redrawn_in_both_by_a_third(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice, "from IPython.display import display, update_display\n_ = display('one', display_id='progress')",
        "_ = display('two', display_id='progress')\nprint('below')",
        "update_display('50%', display_id='progress')\nprint('updated')",
        "update_display('100%', display_id='progress')",
        name="twice.ipynb",
    )
    for cell in cells[:2]:
        run_one(alice, item_id, cell)
    third = run_one(alice, item_id, cells[2])
    assert text_of(third) == "updated\n"
    assert text_of(cell_now(alice, item_id, cells[0])) == "'50%'"
    assert text_of(cell_now(alice, item_id, cells[1])) == "'50%'below\n"
    run_one(alice, item_id, cells[3])  # and again: the redrawn outputs keep their id
    assert text_of(cell_now(alice, item_id, cells[0])) == "'100%'"
    assert text_of(cell_now(alice, item_id, cells[1])) == "'100%'below\n"


def test_an_update_of_an_id_never_shown_changes_nothing(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice, "from IPython.display import display, update_display\n_ = display('kept', display_id='mine')",
        "update_display('nobody', display_id='never-shown')\nprint('no error')",
        name="never.ipynb",
    )
    run_one(alice, item_id, cells[0])
    assert text_of(run_one(alice, item_id, cells[1])) == "no error\n"
    assert text_of(cell_now(alice, item_id, cells[0])) == "'kept'"


def test_a_display_gone_from_its_cell_is_not_brought_back_by_a_later_update(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice, "SHOW = True",
        "from IPython.display import display\nif SHOW:\n    display('v1', display_id='fixed')\n"
        "else:\n    print('no display any more')",
        "SHOW = False",
        "from IPython.display import update_display\nupdate_display('late', display_id='fixed')",
        name="rerun.ipynb",
    )
    run_one(alice, item_id, cells[0])
    run_one(alice, item_id, cells[1])
    assert run_one(alice, item_id, cells[3])["outputs"] == []
    assert text_of(cell_now(alice, item_id, cells[1])) == "'late'"
    # Cell 2 runs again without the display: its old output (and the id) went with the new run.
    run_one(alice, item_id, cells[2])
    run_one(alice, item_id, cells[1])
    assert run_one(alice, item_id, cells[3])["outputs"] == []
    assert text_of(cell_now(alice, item_id, cells[1])) == "no display any more\n"


def test_a_restarted_kernel_does_not_redraw_the_old_kernels_display(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice, "from IPython.display import display\n_ = display('from the old kernel', display_id='fixed')",
        "from IPython.display import update_display\nupdate_display('from the new kernel', display_id='fixed')",
        name="restart.ipynb",
    )
    run_one(alice, item_id, cells[0])
    assert alice.post(f"/api/notebooks/{item_id}/restart").status_code == 204
    run_one(alice, item_id, cells[1])
    assert text_of(cell_now(alice, item_id, cells[0])) == "'from the old kernel'"


def test_the_update_reaches_the_notebook_reopened_from_its_file_while_the_kernel_lives(live: LiveHub, alice: BrowserLike):
    item_id, cells = notebook_with(
        alice, "from IPython.display import display\nh = display('shown', display_id=True)", "h.update('redrawn')",
        name="reopened.ipynb",
    )
    run_one(alice, item_id, cells[0])
    documents = live.hub.documents
    first = documents.get_open(item_id)
    assert first is not None
    # Nobody on it for a while: the hub saves and closes the document (the kernel stays).
    documents.idle_close_seconds = 0.2
    try:
        deadline = time.monotonic() + 30
        while documents.get_open(item_id) is first:
            assert time.monotonic() < deadline, "the document never closed"
            time.sleep(0.1)
    finally:
        documents.idle_close_seconds = 30.0
    run_one(alice, item_id, cells[1])
    assert documents.get_open(item_id) is not first  # it was read again from the file
    assert text_of(cell_now(alice, item_id, cells[0])) == "'redrawn'"


def test_a_thread_of_a_finished_cell_updates_its_display(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice,
        "import threading\nfrom IPython.display import display\n"
        "h = display('waiting', display_id=True)\ngo = threading.Event()\n"
        "def later():\n    go.wait()\n    h.update('done in the background')\n"
        "threading.Thread(target=later).start()",
        "go.set()",
        name="thread.ipynb",
    )
    run_one(alice, item_id, cells[0])
    run_one(alice, item_id, cells[1])
    done = wait_for_cell(alice, item_id, cells[0], lambda c: "background" in text_of(c))
    assert text_of(done) == "'done in the background'"


def test_another_page_on_the_notebook_sees_the_earlier_cell_redrawn(live: LiveHub, alice: BrowserLike):
    item_id, cells = notebook_with(
        alice, "from IPython.display import display, HTML\nh = display(HTML('<b>old</b>'), display_id=True)",
        "h.update(HTML('<i>new</i>'))",
        name="viewer.ipynb",
    )
    run_one(alice, item_id, cells[0])

    async def second_page() -> str:
        page = await YClient.connect(
            live.ws_url(item_id), origin=live.origin, cookie=f"nbcloud_session={alice.cookies['nbcloud_session']}",
        )
        await page.wait_synced()

        def first_cell_html() -> str:
            outputs = page.nb.ycells[0]["outputs"]
            return "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)

        assert "<b>old</b>" in first_cell_html()
        # Someone runs cell 2 (from another tab) while this page watches.
        await asyncio.to_thread(run, alice, item_id, [cells[1]])
        await page.wait_until(lambda: "<i>new</i>" in first_cell_html(), timeout=60)
        seen = first_cell_html()
        await page.close()
        return seen

    assert asyncio.run(second_page()) == "<i>new</i>"


def test_a_tabbar_made_in_one_cell_is_cleared_and_removed_from_later_cells(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice,
        "from google.colab import widgets\ntb = widgets.TabBar(['north', 'south'])\n"
        "with tb.output_to('north'):\n    print('cold up here')\n"
        "with tb.output_to('south', select=False):\n    print('warm down here')\nprint('made')",
        "tb.clear_tab('north')",
        "with tb.output_to('south', select=False):\n    print('more from a later cell')",
        "tb.remove()",
        name="tabbar.ipynb",
    )
    made = run_one(alice, item_id, cells[0])
    tabs = panels(html_of(made))
    assert "cold up here" in tabs["north"] and "warm down here" in tabs["south"]
    assert run_one(alice, item_id, cells[1])["outputs"] == []
    tabs = panels(html_of(cell_now(alice, item_id, cells[0])))
    assert "cold up here" not in tabs["north"] and "warm down here" in tabs["south"]
    run_one(alice, item_id, cells[2])
    tabs = panels(html_of(cell_now(alice, item_id, cells[0])))
    assert "more from a later cell" in tabs["south"]
    assert run_one(alice, item_id, cells[3])["outputs"] == []
    removed = cell_now(alice, item_id, cells[0])
    assert html_of(removed) == "" and text_of(removed).endswith("made\n")


def test_a_long_run_of_updates_from_another_cell_leaves_one_output(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice, "from IPython.display import display\nbar = display('0%', display_id=True)",
        "for i in range(1, 101):\n    bar.update(f'{i}%')",
        name="progress.ipynb",
    )
    run_one(alice, item_id, cells[0])
    run_one(alice, item_id, cells[1])
    first = cell_now(alice, item_id, cells[0])
    assert len(first["outputs"]) == 1 and text_of(first) == "'100%'"


def test_updates_from_threads_and_cells_at_once_keep_the_document_whole(alice: BrowserLike):
    # Two cells' displays redrawn many times by a thread while another cell prints: no output lost.
    item_id, cells = notebook_with(
        alice, "from IPython.display import display\na = display('a0', display_id=True)\nprint('under a')",
        "import threading\nb = display('b0', display_id=True)\n"
        "def spin():\n    for i in range(50):\n        a.update(f'a{i}')\n        b.update(f'b{i}')\n"
        "t = threading.Thread(target=spin)\nt.start()\nfor i in range(20):\n    print(i)\nt.join()",
        name="together.ipynb",
    )
    run_one(alice, item_id, cells[0])
    run_one(alice, item_id, cells[1])
    done_a = wait_for_cell(alice, item_id, cells[0], lambda c: "'a49'" in text_of(c))
    assert text_of(done_a) == "'a49'under a\n"
    done_b = cell_now(alice, item_id, cells[1])
    assert text_of(done_b).startswith("'b49'") and "19\n" in text_of(done_b)



def test_a_colab_callback_called_from_a_later_cells_output_redraws_the_first_cells_display(
    live: LiveHub, alice: BrowserLike,
):
    item_id, cells = notebook_with(
        alice, "from IPython.display import display\ncounter = display('clicked 0 times', display_id=True)",
        "from google.colab import output\nclicks = 0\n"
        "def clicked():\n    global clicks\n    clicks += 1\n    counter.update(f'clicked {clicks} times')\n"
        "output.register_callback('notebook.clicked', clicked)",
        name="callback.ipynb",
    )
    run_one(alice, item_id, cells[0])
    run_one(alice, item_id, cells[1])
    with events_socket(live, alice, item_id) as ws:
        for n in (1, 2):
            ws.send(json.dumps({"type": "invoke_function", "request_id": f"r{n}", "cell_id": cells[1],
                                "name": "notebook.clicked", "args": [], "kwargs": {}}))
            assert next_event(ws, "invoke_function_reply")["request_id"] == f"r{n}"
    done = wait_for_cell(alice, item_id, cells[0], lambda c: "2 times" in text_of(c))
    assert text_of(done) == "'clicked 2 times'"
    assert cell_now(alice, item_id, cells[1])["outputs"] == []
