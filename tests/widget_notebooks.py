"""Widget notebooks as Jupyter saves them, for the hub's widget stories and the page's alike."""

from __future__ import annotations

import nbformat

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def jupyter_saved_slider_notebook(*extra_sources: str) -> tuple[bytes, str]:
    """A notebook as Jupyter writes it with "Save Widget State Automatically": a slider's view
    output and its models in the metadata. Returns the bytes and the slider's model id."""
    slider, layout, style = "5f0c3f9f7b0e4c53a1c7d5c0a1b2c3d4", "6a1d4e0f8c1f5d64b2d8e6d1b2c3d4e5", "7b2e5f1a9d2a6e75c3e9f7e2c3d4e5f6"
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("import ipywidgets as w\nw.IntSlider(value=33, description='from jupyter')")
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("execute_result", execution_count=1, data={
        "text/plain": "IntSlider(value=33, description='from jupyter')",
        VIEW: {"model_id": slider, "version_major": 2, "version_minor": 0},
    })]
    nb.cells = [cell, *(nbformat.v4.new_code_cell(s) for s in extra_sources)]
    base = {"_model_module_version": "2.0.0", "_view_module_version": "2.0.0"}
    nb.metadata["widgets"] = {STATE: {"version_major": 2, "version_minor": 0, "state": {
        slider: {"model_name": "IntSliderModel", "model_module": "@jupyter-widgets/controls",
                 "model_module_version": "2.0.0", "state": {
                     **base, "_model_module": "@jupyter-widgets/controls", "_model_name": "IntSliderModel",
                     "_view_module": "@jupyter-widgets/controls", "_view_name": "IntSliderView",
                     "description": "from jupyter", "value": 33, "min": 0, "max": 100, "step": 1,
                     "orientation": "horizontal", "readout": True, "readout_format": "d",
                     "continuous_update": True, "disabled": False,
                     "layout": f"IPY_MODEL_{layout}", "style": f"IPY_MODEL_{style}"}},
        layout: {"model_name": "LayoutModel", "model_module": "@jupyter-widgets/base",
                 "model_module_version": "2.0.0", "state": {
                     **base, "_model_module": "@jupyter-widgets/base", "_model_name": "LayoutModel",
                     "_view_module": "@jupyter-widgets/base", "_view_name": "LayoutView"}},
        style: {"model_name": "SliderStyleModel", "model_module": "@jupyter-widgets/controls",
                "model_module_version": "2.0.0", "state": {
                    **base, "_model_module": "@jupyter-widgets/controls", "_model_name": "SliderStyleModel",
                    "_view_module": "@jupyter-widgets/base", "_view_name": "StyleView",
                    "description_width": "", "handle_color": None}},
    }}}
    return nbformat.writes(nb).encode(), slider
