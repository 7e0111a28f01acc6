"""Stories about ipywidgets through the hub: the hub keeps the notebook's live widget state, relays
the kernel's comm messages to pages and the pages' messages to the kernel, and puts a callback's
outputs where ipywidgets says (an Output widget, or the cell that shows the widget)."""

from __future__ import annotations

import json
import time

from tests.live_hub import (
    events_socket,
    live_hub,
    live_person,
    notebook_with,
    run,
    text_of,
    wait_for_cell,
)
from tests.widget_notebooks import STATE, VIEW, jupyter_saved_slider_notebook

# Widgets are the hub's business, not the sandbox's: a hub on the fake backend (tests/fakes.py).
live = live_hub("widgets", runtime_backend="fake")


alice = live_person("alice")


class Page:
    """The widget side of a page's events socket: the models it knows, as a page keeps them."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.models: dict[str, dict] = {}
        self.events: list[dict] = []

    def pump_until(self, done, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"never got there; models: {self.models}")
            try:
                event = json.loads(self.ws.recv(timeout=remaining))
            except TimeoutError:
                continue
            self.events.append(event)
            if event["type"] == "widgets":
                self.models = {m["comm_id"]: m["data"]["state"] for m in event["models"]}
            elif event["type"] == "comm_open":
                self.models[event["comm_id"]] = event["data"]["state"]
            elif event["type"] == "comm_msg" and event["comm_id"] in self.models:
                if event["data"].get("method") in ("update", "echo_update"):
                    self.models[event["comm_id"]].update(event["data"]["state"])
            elif event["type"] == "comm_close":
                self.models.pop(event["comm_id"], None)

    def find(self, model_name: str, **state) -> str | None:
        for comm_id, s in self.models.items():
            if s.get("_model_name") == model_name and all(s.get(k) == v for k, v in state.items()):
                return comm_id
        return None

    def send(self, comm_id: str, data: dict, msg_id: str) -> None:
        self.ws.send(json.dumps({"type": "comm_msg", "comm_id": comm_id, "data": data, "msg_id": msg_id}))


def test_a_slider_moved_in_a_page_reaches_the_kernel_and_its_observer_prints_in_the_cell(live, alice):
    item_id, (cell,) = notebook_with(
        alice,
        "import ipywidgets as w\ns = w.IntSlider(description='n')\n"
        "s.observe(lambda change: print('now', change['new']), names='value')\ndisplay(s)",
        name="slider.ipynb",
    )
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        run(alice, item_id, [cell])
        page.pump_until(lambda: page.find("IntSliderModel", description="n"))
        slider = page.find("IntSliderModel", description="n")
        opened = next(e for e in page.events if e["type"] == "comm_open" and e["comm_id"] == slider)
        assert opened["metadata"]["version"].startswith("2."), "pages check the widget protocol version"
        shown = wait_for_cell(alice, item_id, cell, lambda c: any(VIEW in o.get("data", {}) for o in c["outputs"]))
        assert shown["outputs"][0]["data"][VIEW]["model_id"] == slider

        page.send(slider, {"method": "update", "state": {"value": 7}, "buffer_paths": []}, "move-to-seven")
        # The kernel's status for the page's message comes back, so the page's model stops waiting.
        page.pump_until(lambda: any(e["type"] == "comm_status" and e["msg_id"] == "move-to-seven"
                                    for e in page.events))
        done = wait_for_cell(alice, item_id, cell, lambda c: "now 7" in text_of(c))
    assert VIEW in done["outputs"][0]["data"], "the slider stays shown above what its callback printed"


def test_a_button_click_prints_into_its_output_widget_not_into_the_cell(live, alice):
    item_id, (cell,) = notebook_with(
        alice,
        "import ipywidgets as w\nb = w.Button(description='Go')\nout = w.Output()\n"
        "def go(_):\n    with out:\n        print('clicked')\n"
        "b.on_click(go)\ndisplay(b, out)",
        name="button.ipynb",
    )
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        run(alice, item_id, [cell])
        page.pump_until(lambda: page.find("ButtonModel", description="Go") and page.find("OutputModel"))
        button, out = page.find("ButtonModel", description="Go"), page.find("OutputModel")
        wait_for_cell(alice, item_id, cell, lambda c: c["execution_count"] is not None and len(c["outputs"]) == 2)
        for n in range(2):
            page.send(button, {"method": "custom", "content": {"event": "click"}}, f"click-number-{n}")
        page.pump_until(lambda: page.models[out].get("outputs")
                        and page.models[out]["outputs"][0].get("text") == "clicked\nclicked\n")
    # A page that opens the notebook now gets the Output widget with what it holds.
    with events_socket(live, alice, item_id) as ws:
        later = Page(ws)
        later.pump_until(lambda: later.find("OutputModel"))
        assert later.models[out]["outputs"][0]["text"] == "clicked\nclicked\n"
    cell_now = wait_for_cell(alice, item_id, cell, lambda c: True)
    assert "clicked" not in text_of(cell_now)


def test_interact_reruns_its_function_into_its_own_output_when_the_slider_moves(live, alice):
    item_id, (cell,) = notebook_with(
        alice,
        "from ipywidgets import interact\n@interact(x=(0, 10))\ndef show(x=3):\n    print('x is', x)",
        name="interact.ipynb",
    )
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        run(alice, item_id, [cell])

        def printed() -> str:
            out = page.find("OutputModel")
            return "".join(o.get("text", "") for o in page.models[out].get("outputs", [])) if out else ""

        page.pump_until(lambda: printed() == "x is 3\n")
        slider = page.find("IntSliderModel", description="x")
        page.send(slider, {"method": "update", "state": {"value": 8}, "buffer_paths": []}, "interact-to-eight")
        page.pump_until(lambda: printed() == "x is 8\n")
    cell_now = wait_for_cell(alice, item_id, cell, lambda c: c["execution_count"] is not None)
    assert "x is" not in text_of(cell_now), "interact's prints belong to its Output widget"


def test_a_restart_forgets_the_widgets(live, alice):
    item_id, (cell,) = notebook_with(alice, "import ipywidgets as w\ndisplay(w.IntSlider(description='gone'))",
                                     name="restart-widgets.ipynb")
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        run(alice, item_id, [cell])
        page.pump_until(lambda: page.find("IntSliderModel", description="gone"))
        assert alice.post(f"/api/notebooks/{item_id}/restart").status_code == 204
        page.pump_until(lambda: page.find("IntSliderModel", description="gone") is None)


# ----- saved widget state ("Save Widget State Automatically") -----------------------------------


def saved_file(client, item_id: str, done, timeout: float = 60) -> dict:
    """The notebook as its .ipynb in Drive holds it (what autosave wrote), once ``done(nb)``."""
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(f"/api/drive/items/{item_id}/content")
        assert r.status_code == 200, r.text
        nb = json.loads(r.content)
        if done(nb):
            return nb
        if time.monotonic() > deadline:
            raise AssertionError(f"the file never got there: {nb.get('metadata')}")
        time.sleep(0.1)


def saved_models(nb: dict) -> dict:
    return ((nb.get("metadata") or {}).get("widgets") or {}).get(STATE, {}).get("state", {})


def saved_slider(nb: dict, description: str) -> dict | None:
    return next((m for m in saved_models(nb).values()
                 if m["model_name"] == "IntSliderModel" and m["state"].get("description") == description), None)


def shown_model(cell: dict) -> str:
    return next(o["data"][VIEW]["model_id"] for o in cell["outputs"] if VIEW in o.get("data", {}))


def test_the_saved_notebook_holds_the_widgets_its_outputs_show_and_only_those(live, alice):
    item_id, (slider_cell, again_cell) = notebook_with(
        alice,
        "import ipywidgets as w\nhidden = w.IntSlider(description='never shown')\n"
        "s = w.IntSlider(value=42, description='kept')\ndisplay(s)",
        "w.IntSlider(description='again')",
        name="saved-widgets.ipynb",
    )
    with events_socket(live, alice, item_id) as ws:
        page = Page(ws)
        run(alice, item_id, [slider_cell, again_cell])
        page.pump_until(lambda: page.find("IntSliderModel", description="kept") and page.find("IntSliderModel", description="again"))
        slider = page.find("IntSliderModel", description="kept")
        first_again = page.find("IntSliderModel", description="again")
        nb = saved_file(alice, item_id, lambda nb: saved_slider(nb, "kept") and saved_slider(nb, "again"))
        saved = saved_models(nb)
        assert saved[slider]["state"]["value"] == 42
        assert saved[slider]["model_module"] == "@jupyter-widgets/controls"
        assert saved[slider]["model_module_version"]
        assert nb["metadata"]["widgets"][STATE]["version_major"] == 2
        # What the slider refers to (its layout and style) is saved with it.
        for ref in (saved[slider]["state"]["layout"], saved[slider]["state"]["style"]):
            assert ref.removeprefix("IPY_MODEL_") in saved
        assert saved_slider(nb, "never shown") is None, "a widget no output shows is not saved"

        # Moved in a page: the file follows, though no cell changed.
        page.send(slider, {"method": "update", "state": {"value": 7}, "buffer_paths": []}, "move-saved-to-7")
        saved_file(alice, item_id, lambda nb: (saved_slider(nb, "kept") or {}).get("state", {}).get("value") == 7)

        # Run again: the cell shows a new slider; the old one is still alive in the kernel but no
        # output shows it any more, so it leaves the file.
        run(alice, item_id, [again_cell])
        page.pump_until(lambda: len([m for m in page.models.values() if m.get("description") == "again"]) == 2)
        second = wait_for_cell(alice, item_id, again_cell,
                               lambda c: any(VIEW in o.get("data", {}) for o in c["outputs"]) and shown_model(c) != first_again)
        nb = saved_file(alice, item_id, lambda nb: shown_model(second) in saved_models(nb))
        assert first_again not in saved_models(nb)
        assert saved_models(nb)[slider]["state"]["value"] == 7

        # The runtime restarts: its widgets are gone, their saved state stays (the file and the
        # live document agree).
        assert alice.post(f"/api/notebooks/{item_id}/restart").status_code == 204
        page.pump_until(lambda: not page.models)
    time.sleep(2)  # past an autosave
    nb = saved_file(alice, item_id, lambda nb: True)
    assert saved_models(nb)[slider]["state"]["value"] == 7
    doc = alice.get(f"/api/documents/{item_id}").json()
    assert doc["metadata"]["widgets"] == nb["metadata"]["widgets"]


def test_a_notebook_saved_by_jupyter_keeps_its_widget_state_through_open_and_save(live, alice):
    data, slider = jupyter_saved_slider_notebook("print('edited here')")
    written = json.loads(data)["metadata"]["widgets"]
    up = alice.post("/api/drive/uploads", json={"parent": "", "name": "from-jupyter.ipynb", "size": len(data)}).json()
    item_id = alice.patch(
        f"/api/drive/uploads/{up['id']}", content=data,
        headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    ).json()["item"]["id"]
    assert alice.post(f"/api/trust/{item_id}").status_code == 200  # as "Run anyway" does
    doc = alice.get(f"/api/documents/{item_id}").json()
    assert doc["metadata"]["widgets"] == written, "the live document has the saved state"
    # A run changes the notebook, so it is saved; no kernel has the slider, so its state stays.
    run(alice, item_id, [doc["cells"][1]["id"]])
    nb = saved_file(alice, item_id, lambda nb: "edited here" in text_of(nb["cells"][1]))
    assert nb["metadata"]["widgets"] == written


def test_saved_state_follows_references_and_keeps_binary_buffers_as_base64():
    from nbcloud.hub.documents.widget_state import live_model_entry, widget_state

    def view(model_id):
        return {"output_type": "display_data", "metadata": {}, "data": {VIEW: {"model_id": model_id}}}

    live = {
        "box": live_model_entry({"_model_name": "VBoxModel", "_model_module": "@jupyter-widgets/controls",
                                 "_model_module_version": "2.0.0", "children": ["IPY_MODEL_out"]}, {}),
        "out": live_model_entry({"_model_name": "OutputModel", "outputs": [view("inner")]}, {}),
        "inner": live_model_entry({"_model_name": "ImageModel", "format": "png"}, {("value",): b"\x89PNG"}),
        "dead": live_model_entry({"_model_name": "IntSliderModel"}, {}),
    }
    nb = {"cells": [{"cell_type": "code", "outputs": [view("box")]}],
          "metadata": {"widgets": {STATE: {"version_major": 2, "version_minor": 0, "state": {
              "old": {"model_name": "X", "model_module": "m", "model_module_version": "1", "state": {}}}}}}}
    saved = widget_state(nb, live.get)["state"]
    assert set(saved) == {"box", "out", "inner"}, "what the output shows, through references and Output widgets"
    assert saved["box"]["model_name"] == "VBoxModel" and saved["box"]["model_module_version"] == "2.0.0"
    assert saved["inner"]["buffers"] == [{"path": ["value"], "encoding": "base64", "data": "iVBORw=="}]
    assert widget_state({"cells": [], "metadata": nb["metadata"]}, live.get) is None
