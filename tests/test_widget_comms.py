"""Stories about ipywidgets through the hub: the hub keeps the notebook's live widget state, relays
the kernel's comm messages to pages and the pages' messages to the kernel, and puts a callback's
outputs where ipywidgets says (an Output widget, or the cell that shows the widget)."""

from __future__ import annotations

import json
import time

from tests.test_execution import (  # noqa: F401  (fixtures)
    alice, events_socket, live, notebook_with, run, text_of, wait_for_cell,
)

VIEW = "application/vnd.jupyter.widget-view+json"


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
