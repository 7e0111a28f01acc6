"""Stories about asking a notebook's runtime things beside running cells, over the page's events
socket: completions (Tab), docs (Shift+Tab, `obj?`), the Variables panel and a DataFrame's table.

They are about the hub, not the sandbox: a real kernel on the fake backend. Every message the
hub sends in them must be a member of its typed union (execution.event_messages.HUB_MESSAGE).
"""

from __future__ import annotations

import itertools
import json
import re
import time

import pytest
from pydantic import ValidationError
from websockets.exceptions import ConnectionClosed

from nbcloud.hub.execution.event_messages import HUB_MESSAGE
from tests.live_hub import (
    BrowserLike,
    events_socket,
    finished,
    hub_with_people,
    live_person,
    notebook_with,
    put_file,
    run,
    text_of,
    wait_for_cell,
)

_ids = itertools.count()


def plain(text: str) -> str:
    """IPython's help text without its colors (the page renders them)."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with hub_with_people(tmp_path_factory.mktemp("introspection") / "data", runtime_backend="fake") as server:
        yield server


alice = live_person("alice")
bob = live_person("bob")


class Page:
    """A page's end of the events socket; checks every message the hub sends is typed."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.seen: list[dict] = []

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
            self.seen.append(event)
            if kind in ("*", event["type"]) and all(event.get(k) == v for k, v in match.items()):
                return event

    def next_of(self, kinds: tuple[str, ...], request_id: str, timeout: float = 90) -> dict:
        """The next message of one of these types answering ``request_id``."""
        deadline = time.monotonic() + timeout
        while True:
            event = self.next("*", timeout=max(0.1, deadline - time.monotonic()))
            if event["type"] in kinds and event.get("request_id") == request_id:
                return event

    def ask(self, kind: str, **fields) -> dict:
        request_id = f"q{next(_ids)}"
        self.send({"type": kind, "request_id": request_id, **fields})
        reply_type = "scratch_reply" if kind == "scratch_execute" else f"{kind}_reply"
        return self.next(reply_type, request_id=request_id)

    def complete(self, code: str, cursor_pos: int | None = None) -> dict:
        # A fresh kernel's first completion warms jedi up, which on a loaded machine can take longer
        # than the hub waits ("the runtime is busy"); the kernel finishes it and the next is quick.
        for _ in range(6):
            reply = self.ask("complete", code=code, cursor_pos=len(code) if cursor_pos is None else cursor_pos)
            if reply.get("error") != "the runtime is busy":
                break
        assert "error" not in reply, json.dumps(reply)
        return reply


def ran(client: BrowserLike, item_id: str, cell: str) -> dict:
    run(client, item_id, [cell])
    return wait_for_cell(client, item_id, cell, finished, timeout=120)


def notebook_run(client: BrowserLike, *sources: str, name: str) -> tuple[str, list[str]]:
    """A notebook whose cells have all run, in order."""
    item_id, cells = notebook_with(client, *sources, name=name)
    for cell in cells:
        ran(client, item_id, cell)
    return item_id, cells


def test_tab_after_np_ar_offers_array_with_its_type(live, alice):
    item_id, _ = notebook_run(alice, "import numpy as np", name="np.ipynb")
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        # jedi has a time budget for types; it warms up over the first asks (as when typing).
        for _ in range(10):
            reply = page.complete("x = np.ar")
            array = next(i for i in reply["items"] if i["text"] == "array")
            if array["type"] is not None:
                break
    assert "array" in reply["matches"] and "arange" in reply["matches"]
    assert (reply["cursor_start"], reply["cursor_end"]) == (len("x = np."), len("x = np.ar"))
    assert array["type"] == "function", array
    assert array["signature"] and "object" in array["signature"], array
    assert [i["text"] for i in reply["items"]] == reply["matches"]


def test_completion_sees_a_variable_defined_in_an_earlier_cell(live, alice):
    item_id, _ = notebook_run(alice, "weekly_revenue = 1200\nweekly_visits = 31", name="earlier.ipynb")
    with events_socket(live, alice, item_id) as ws:
        reply = Page(ws).complete("print(weekly_re")
    assert "weekly_revenue" in reply["matches"] and "weekly_visits" not in reply["matches"]
    item = next(i for i in reply["items"] if i["text"] == "weekly_revenue")
    assert item["type"] == "instance"


def test_completion_offers_a_dicts_keys(live, alice):
    item_id, _ = notebook_run(alice, "prices = {'apple': 1, 'apricot': 2, 'banana': 3}", name="keys.ipynb")
    with events_socket(live, alice, item_id) as ws:
        reply = Page(ws).complete("prices['ap")
    keys = {m.strip("'\"]") for m in reply["matches"]}
    assert {"apple", "apricot"} <= keys and "banana" not in keys, reply["matches"]


def test_percent_mat_completes_to_percent_matplotlib(live, alice):
    item_id, _ = notebook_run(alice, "1", name="magic.ipynb")
    with events_socket(live, alice, item_id) as ws:
        reply = Page(ws).complete("%mat")
    assert "%matplotlib" in reply["matches"], reply["matches"]


def test_completion_offers_a_file_path_in_a_string(live, alice):
    item_id, _ = notebook_run(alice, "open('quarterly_report.csv', 'w').write('a,b\\n')", name="paths.ipynb")
    with events_socket(live, alice, item_id) as ws:
        reply = Page(ws).complete("import pandas as pd\npd.read_csv('quarterly_re")
    assert any(m.startswith("quarterly_report.csv") for m in reply["matches"]), reply["matches"]


def test_the_cursor_is_counted_in_code_points_as_jupyter_does(live, alice):
    """An emoji is one code point (two UTF-16 units in the page): the page sends code points."""
    item_id, _ = notebook_run(alice, "emoji_count = 3", name="emoji.ipynb")
    code = "s = '😀😀'; emoji_co"
    with events_socket(live, alice, item_id) as ws:
        reply = Page(ws).complete(code, len(code))  # Python's len: code points
    assert "emoji_count" in reply["matches"]
    assert (reply["cursor_start"], reply["cursor_end"]) == (len(code) - len("emoji_co"), len(code))


def test_inspect_shows_a_docstring(live, alice):
    item_id, _ = notebook_run(alice, "def shipping_cost(kg):\n    '''Cost in euros to ship kg of goods.'''\n    "
                                     "return 4 + kg", name="docs.ipynb")
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        code = "shipping_cost(3)"
        reply = page.ask("inspect", code=code, cursor_pos=len("shipping_co"), detail_level=0)
        assert reply["found"] is True and "error" not in reply
        assert "Cost in euros to ship kg of goods." in plain(reply["data"]["text/plain"])
        assert "return 4 + kg" not in plain(reply["data"]["text/plain"])
        source = page.ask("inspect", code=code, cursor_pos=3, detail_level=1)
        assert "return 4 + kg" in plain(source["data"]["text/plain"])  # `shipping_cost??`: the source
        nothing = page.ask("inspect", code="no_such_name_here", cursor_pos=5, detail_level=0)
        assert nothing["found"] is False


def test_asking_for_variables_changes_no_execution_count_history_or_namespace(live, alice):
    item_id, cells = notebook_with(
        alice, "rate = 41\nbefore = set(globals())\nrate + 1",
        "print(sorted(set(globals()) - before - {'before'}), _, len(In), list(Out))",
        name="unchanged.ipynb")
    assert ran(alice, item_id, cells[0])["execution_count"] == 1
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        for _ in range(3):
            variables = page.ask("variables")["variables"]
            assert [v["name"] for v in variables] == ["before", "rate"]
        completed = page.complete("ra")
        assert "rate" in completed["matches"]
        page.ask("inspect", code="rate", cursor_pos=2, detail_level=1)
    after = ran(alice, item_id, cells[1])
    # The second cell is the kernel's second run: In holds ['', cell 1, cell 2], Out only cell 1's
    # result, `_` is still 42, and the only new names are cell 1's result (_1) and this cell's
    # own input (_i2).
    assert after["execution_count"] == 2
    assert text_of(after) == "['_1', '_i2'] 42 3 [1]\n"


def test_the_variables_list_gives_a_dataframes_shape_and_memory_and_its_table(live, alice):
    item_id, _ = notebook_run(
        alice, "import pandas as pd, numpy as np\n"
        "sales = pd.DataFrame({'region': ['north', 'south', 'east'], 'units': [10, 20, 30]})\n"
        "grid = np.zeros((40, 25))\nnames = ['ann', 'bo']\nhuge = 'x' * 10_000_000\n"
        "def helper():\n    pass",
        name="frames.ipynb")
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        listed = {v["name"]: v for v in page.ask("variables")["variables"]}
        assert set(listed) == {"sales", "grid", "names", "huge", "helper"}  # no pd, np, In, Out, ...
        sales = listed["sales"]
        assert (sales["type"], sales["shape"], sales["is_dataframe"]) == ("DataFrame", "(3, 2)", True)
        assert sales["memory"] is not None and sales["memory"] >= 3 * 8  # the units column alone
        assert "north" in sales["value"]
        grid = listed["grid"]
        assert (grid["type"], grid["shape"], grid["memory"], grid["is_dataframe"]) == ("ndarray", "(40, 25)", 8000, False)
        assert listed["names"]["shape"] == "2 items" and listed["names"]["value"] == "['ann', 'bo']"
        assert len(listed["huge"]["value"]) <= 130 and listed["huge"]["memory"] >= 10_000_000
        assert listed["helper"]["type"] == "function"
        table = page.ask("variable_view", name="sales")
        assert "error" not in table
        assert "colab-data-table" in table["data"]["text/html"] and "south" in table["data"]["text/html"]
        assert page.ask("variable_view", name="names")["error"] == "TypeError: names is a list, not a DataFrame"
        assert "NameError" in page.ask("variable_view", name="nothing_here")["error"]
        # Only a variable's name goes into the runtime's expression: code is refused at the door.
        bad = page.ask("variable_view", name="__import__('os').system('touch /tmp/pwned')")
        assert bad["code"] == "invalid_message" and "variable name" in bad["error"]


def test_another_user_cannot_complete_in_someone_elses_notebook(live, alice, bob):
    item_id, _ = notebook_run(alice, "secret_token = 'abc123'", name="private-completion.ipynb")
    with events_socket(live, bob, item_id) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.send(json.dumps({"type": "complete", "request_id": "q1", "code": "secret_", "cursor_pos": 7}))
        ws.send(json.dumps({"type": "variables", "request_id": "q2"}))
        while True:
            event = json.loads(ws.recv(timeout=10))
            assert event["type"] not in ("complete_reply", "variables_reply"), event
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4404


def test_a_notebook_the_person_does_not_trust_answers_no_completion(live, alice):
    """An uploaded notebook's runtime (started with Connect) completes nothing until trusted:
    jedi imports modules and a variable's repr runs code."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os")]
    item_id = put_file(alice, "uploaded-introspection.ipynb", nbformat.writes(nb).encode())
    assert alice.post(f"/api/notebooks/{item_id}/connect").status_code == 204
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        for kind, fields in (("complete", {"code": "os.pa", "cursor_pos": 5}), ("variables", {}),
                             ("inspect", {"code": "os", "cursor_pos": 2}), ("scratch_execute", {"code": "1"})):
            reply = page.ask(kind, **fields)
            assert reply["code"] == "notebook_not_trusted", reply
        assert alice.post(f"/api/trust/{item_id}").status_code == 200
        assert "path" in page.complete("import os\nos.pa")["matches"]


def test_with_no_runtime_there_is_no_answer_and_no_runtime_starts(live, alice):
    item_id, _ = notebook_with(alice, "1", name="no-runtime.ipynb")
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        assert page.next("runtime")["status"] == "none"
        complete = page.ask("complete", code="pri", cursor_pos=3)
        assert complete["error"] == "no runtime" and complete["matches"] == []
        assert page.ask("variables") == {"type": "variables_reply", "request_id": page.seen[-1]["request_id"],
                                         "variables": [], "error": "no runtime"}
        assert page.ask("inspect", code="print", cursor_pos=2)["error"] == "no runtime"
        assert page.ask("scratch_execute", code="print(1)")["error"] == "no runtime"
        time.sleep(1)  # a runtime start would be under way by now
    assert alice.get(f"/api/notebooks/{item_id}/runtime").json()["status"] == "none"


def test_obj_question_mark_sends_help_to_the_runner_and_writes_no_output(live, alice):
    item_id, cells = notebook_with(alice, "def tariff(x):\n    'The tariff for x parcels.'\n    return x",
                                   "tariff?", "tariff??", name="help.ipynb")
    ran(alice, item_id, cells[0])
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        short = ran(alice, item_id, cells[1])
        help_event = page.next("help", cell_id=cells[1])
        assert "The tariff for x parcels." in plain(help_event["data"]["text/plain"])
        assert "return x" not in plain(help_event["data"]["text/plain"])
        full = ran(alice, item_id, cells[2])
        assert "return x" in plain(page.next("help", cell_id=cells[2])["data"]["text/plain"])
    # The page shows it in the side pager: nothing in the cells' outputs, as in Colab.
    assert short["outputs"] == [] and full["outputs"] == []
    saved = alice.get(f"/api/documents/{item_id}").json()
    assert all(c["outputs"] == [] for c in saved["cells"])


def test_garbage_fields_are_refused_with_an_error_and_the_socket_stays_open(live, alice):
    item_id, _ = notebook_run(alice, "ready = True", name="garbage-fields.ipynb")
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        # With a request_id, the refusal comes in that request's reply, so the page's call ends.
        for bad in ({"code": 42, "cursor_pos": 1}, {"code": "rea", "cursor_pos": -1},
                    {"code": "rea", "cursor_pos": 99}, {"code": "rea", "cursor_pos": "3"}, {"code": "rea"},
                    {"code": "x" * 1_000_001, "cursor_pos": 0}):
            reply = page.ask("complete", **bad)
            assert reply["code"] == "invalid_message" and reply["matches"] == [], (bad, reply)
            assert "Bad complete request" in reply["error"]
        assert page.ask("inspect", code="ready", cursor_pos=1, detail_level=7)["code"] == "invalid_message"
        assert page.ask("variables", extra={"a": 1})["variables"][0]["name"] == "ready"  # extra fields ignored
        # Without one, a plain error.
        page.send({"type": "complete", "code": "rea", "cursor_pos": 3})
        assert "request_id" in page.next("error", code="invalid_message")["detail"]
        page.send({"type": "variables", "request_id": ["not", "a", "string"]})
        assert page.next("error", code="invalid_message")
        assert "ready" in page.complete("rea")["matches"]


def test_completing_while_a_cell_runs_disturbs_neither(live, alice):
    item_id, cells = notebook_with(alice, "import time\nstep = 1", "for i in range(3):\n    print(i)\n"
                                   "    time.sleep(1)", name="busy.ipynb")
    ran(alice, item_id, cells[0])
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        run(alice, item_id, [cells[1]])
        page.next("runtime", status="busy")
        reply = page.ask("complete", code="ste", cursor_pos=3)
        # The kernel answers one request at a time: the answer comes once the cell is done, or
        # the hub says the runtime is busy; never something in between.
        assert reply.get("error") in (None, "the runtime is busy"), reply
        if "error" not in reply:
            assert "step" in reply["matches"]
    done = wait_for_cell(alice, item_id, cells[1], finished, timeout=120)
    assert text_of(done) == "0\n1\n2\n" and done["execution_count"] == 2
    with events_socket(live, alice, item_id) as ws:
        assert "step" in Page(ws).complete("ste")["matches"]


def test_completion_works_again_after_a_restart(live, alice):
    item_id, _ = notebook_run(alice, "before_restart = 1", name="restart.ipynb")
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        assert "before_restart" in page.complete("before_re")["matches"]
        assert alice.post(f"/api/notebooks/{item_id}/restart").status_code == 204
        page.next("runtime", status="idle")
        assert page.complete("before_re")["matches"] == []  # a fresh kernel: the name is gone
        assert "print" in page.complete("prin")["matches"]
