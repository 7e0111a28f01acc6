"""Stories about google.colab.widgets as Colab has it, in real runtimes: Grid, TabBar (every
method: output_to, clear_tab, remove, selection, iteration), create_grid and Colab's errors.

A real hub runs the cells; the stories read the outputs the hub keeps (the browser story in
tests/e2e/test_colab_widgets_stories.py clicks the same widgets).
"""

from __future__ import annotations

import re

import pytest

from tests.live_hub import (
    BrowserLike,
    error_of,
    html_of,
    live_hub,
    live_person,
    notebook_with,
    outputs_after_run,
    panels,
    run,
    run_one,
    text_of,
)

live = live_hub("widgets", runtime_memory_bytes=768 * 1024**2)


alice = live_person("alice")


def test_a_tabbar_shows_at_once_takes_output_per_tab_then_clears_and_removes(alice: BrowserLike):
    made_only = "from google.colab import widgets\ntb = widgets.TabBar(['north', 'south', 'east'])\nprint('made')"
    filled = (
        made_only + "\nfor i in tb:\n    print(f'tab {i} says hi')\n"
        "with tb.output_to('south', select=False):\n    print('more for south')\n"
        "with tb.output_to(2):\n    print('gone soon')\n    tb.clear_tab()\n    print('east, after the clear')\n"
        "with tb.output_to(0, select=False):\n    print('north again')\n"
    )
    item_id, cells = notebook_with(
        alice, made_only, filled, filled + "tb.clear_tab('north')", filled + "tb.remove()",
        filled + "tb.remove()\nwith tb.output_to('south'):\n    print('back again')",
        name="tabbar.ipynb",
    )
    made = run_one(alice, item_id, cells[0])
    # As in Colab, the tab bar is in the output as soon as it is made, before any output_to.
    assert text_of(made).endswith("made\n") and 'role="tab"' in html_of(made)
    assert panels(html_of(made)) == {"north": "", "south": "", "east": ""}

    # One display, redrawn in place as the tabs fill.
    filled_cell = run_one(alice, item_id, cells[1])
    assert len(filled_cell["outputs"]) == 2
    drawn = panels(html_of(filled_cell))
    assert "tab 0 says hi" in drawn["north"] and "north again" in drawn["north"]
    assert "tab 1 says hi" in drawn["south"] and "more for south" in drawn["south"]
    # clear_tab() inside output_to empties the tab being written, what came before too.
    assert "gone soon" not in drawn["east"] and "east, after the clear" in drawn["east"]
    shown = re.findall(r'<button role="tab" aria-selected="(true|false)"', html_of(filled_cell))
    assert shown == ["false", "false", "true"]  # select=False left 'east' (the last selected) shown

    drawn = panels(html_of(run_one(alice, item_id, cells[2])))
    assert drawn["north"] == "" and "tab 1 says hi" in drawn["south"]

    removed = run_one(alice, item_id, cells[3])
    assert html_of(removed) == "" and "made\n" in text_of(removed)

    # Writing again shows it again, holding only the new output.
    again = panels(html_of(run_one(alice, item_id, cells[4])))
    assert "back again" in again["south"] and "tab 1" not in again["south"] and again["north"] == ""


def test_a_grid_fills_clears_a_cell_and_create_grid_takes_colabs_arguments(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice,
        "from google.colab import widgets\ngrid = widgets.Grid(2, 3, header_row=True)\n"
        "for row, col in grid:\n    print(f'cell {row}{col}')\n"
        "grid.clear_cell(1, 2)\n"
        "with grid.output_to(0, 0):\n    grid.clear_cell()\n    print('fresh 00')",
        "from google.colab import widgets\n"
        "t = widgets.create_grid([1, 2], [10, 20, 30], render=lambda a, b: a * b)\n"
        "print(t.rows, t.columns)",
        "from google.colab import widgets\ngrid = widgets.Grid(1, 1)\nwith grid.output_to(0, 0):\n    print('x')\n"
        "grid.remove()",
        name="grid.ipynb",
    )
    grid = run_one(alice, item_id, cells[0])
    assert len(grid["outputs"]) == 1  # one display, redrawn in place
    html = html_of(grid)
    assert html.count("<th ") == 3 and html.count("<td ") == 3  # the header row is th
    assert "cell 00" not in html and "fresh 00" in html and "cell 12" not in html
    assert all(f"cell {r}{c}" in html for r, c in [(0, 1), (0, 2), (1, 0), (1, 1)])

    made = run_one(alice, item_id, cells[1])
    assert text_of(made).endswith("3 4\n")
    cellsof = dict(((int(r), int(c)), body) for r, c, body in re.findall(
        r'data-row="(\d)" data-col="(\d)"[^>]*>(.*?)</t[dh]>', html_of(made), re.S))
    assert "10" in cellsof[(0, 1)] and "30" in cellsof[(0, 3)]  # the columns as the header row
    assert "2" in cellsof[(2, 0)]  # the rows as the header column
    assert "<pre>20</pre>" in cellsof[(1, 2)] and "<pre>60</pre>" in cellsof[(2, 3)]

    assert html_of(run_one(alice, item_id, cells[2])) == ""


@pytest.mark.parametrize(("source", "ename", "evalue"), [
    ("widgets.TabBar(['a', 'b']).output_to('c').__enter__()", "ValueError", "tuple.index(x): x not in tuple"),
    ("widgets.TabBar(['a', 'a']).clear_tab('a')", "ValueError", "Ambiguous tab name: a "),
    ("widgets.TabBar(['a'], location='left')", "ValueError", "Invalid value for location: 'left'"),
    ("widgets.TabBar(['a']).clear_tab()", "WidgetException", "No active component selected"),
    ("g = widgets.Grid(2, 2)\nwith g.output_to(2, 0):\n    pass", "WidgetException",
     "Cell (2, 0) is outside of boundaries of 2x2 grid"),
    ("widgets.Grid(2, 2).clear_cell(0, 5)", "ValueError", "5 is not a valid column"),
    ("g = widgets.Grid(1, 2)\nwith g.output_to(0, 0):\n    with g.output_to(0, 1):\n        pass", "WidgetException",
     "Already inside a component"),
    ("widgets.create_grid([1, 2], [3], render=print, header_row=False).\\\n    _populate([1, 2, 3], [1], print)",
     "WidgetException", "Can not fit 3x1 data into 2x2 grid. "),
])
def test_misuse_raises_colabs_errors(alice: BrowserLike, source: str, ename: str, evalue: str):
    item_id, (cell,) = notebook_with(
        alice, "from google.colab import widgets, errors\n" + source, name=f"misuse-{abs(hash(source))}.ipynb")
    run(alice, item_id, [cell])
    error = error_of(outputs_after_run(alice, item_id, cell))
    assert error["ename"] == ename and error["evalue"].startswith(evalue)


def test_widget_exception_is_colabs_error_type_and_the_table_is_there(alice: BrowserLike):
    item_id, (cell,) = notebook_with(
        alice,
        "from google.colab import errors, widgets\n"
        "print(widgets.WidgetException is errors.WidgetException, issubclass(errors.WidgetException, errors.Error))\n"
        "print(sorted(n for n in dir(widgets) if not n.startswith('_')))",
        name="widget-names.ipynb",
    )
    run(alice, item_id, [cell])
    assert text_of(outputs_after_run(alice, item_id, cell)) == (
        "True True\n['Grid', 'InteractiveTable', 'TabBar', 'WidgetException', 'create_grid']\n")
