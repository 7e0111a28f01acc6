"""The editor helps while writing code: completion and docs from the runtime, help pages in a
side panel, the variable inspector and the scratch cell (issue 13)."""

from __future__ import annotations

import json
from contextlib import closing

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_accessibility_stories import assert_accessible, scheme_page  # noqa: F401 (a fixture)
from tests.e2e.test_notebook_stories import (
    RUN_TIMEOUT,
    cell,
    code,
    eventually,
    notebook_json,
    open_notebook,
    output,
    upload_notebook,
)

pytestmark = pytest.mark.e2e

FRAME = 'iframe[title="Output"]'


# ----- helpers -----------------------------------------------------------------------------------


def open_with(hub: Hub, page: Page, make_user, *sources: str) -> tuple[str, str]:
    """Signs a new person in and opens a notebook of these code cells plus an empty one; runs
    them all (so a runtime is there); returns (user, notebook id)."""
    user = make_user("assist")
    item_id = upload_notebook(hub, user, "assist.ipynb", notebook_json(*[("code", s) for s in [*sources, ""]]))
    sign_in(page, hub, user)
    open_notebook(page, hub, item_id)
    for n in range(1, len(sources) + 1):
        run_cell(page, n, n)
    return user, item_id


def run_cell(page: Page, n: int, count: int) -> None:
    code(page, n).click()
    page.keyboard.press("Control+Enter")
    expect(cell(page, n).get_by_label("Execution count")).to_have_text(f"[{count}]", timeout=RUN_TIMEOUT)


def write(page: Page, n: int, text: str) -> None:
    """Types into cell n's editor key by key (completion reacts to typing)."""
    code(page, n).click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def completions(page: Page):
    return page.get_by_role("listbox", name="Completions")


def option(page: Page, label: str):
    return completions(page).get_by_role("option").filter(has=page.locator(".cm-completionLabel", has_text=label))


def offered(page: Page, label: str | None):
    return completions(page).get_by_role("option").first if label is None else option(page, label).first


def ask_completions(page: Page, n: int, label: str | None, ask=lambda page: page.keyboard.press("Tab")) -> None:
    """Asks for completions (Tab by default) until the item `label` (None: any) is offered. The runtime's
    first completions load jedi's view of the imported modules, which on a loaded machine may
    take longer than the hub waits (the list then does not open): a person asks again."""
    for _ in range(6):
        ask(page)
        try:
            expect(offered(page, label)).to_be_visible(timeout=20_000)
            break
        except AssertionError:
            code(page, n).click()  # back to the end of the code, in case the editor was left
            page.keyboard.press("ControlOrMeta+End")
    expect(offered(page, label)).to_be_visible()
    # CodeMirror takes Enter/Tab as choosing only once the list has been shown for a moment
    # (its interactionDelay, 75 ms), so a fast typist's Enter still makes a new line.
    page.wait_for_timeout(200)


def tooltip(page: Page):
    return page.get_by_role("tooltip")


def variables_panel(page: Page):
    return page.get_by_role("region", name="Variables")


def open_variables(page: Page):
    page.get_by_role("toolbar", name="Side panels").get_by_role("button", name="Variables").click()
    expect(variables_panel(page)).to_be_visible()
    return variables_panel(page)


def saved_sources(hub: Hub, user: str, item_id: str) -> list[str]:
    with closing(hub.signed_in(user)) as client:
        nb = client.get(f"/api/drive/items/{item_id}/content").json()
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"]]


# ----- completion --------------------------------------------------------------------------------


def test_tab_after_np_ar_offers_array_with_its_type(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, "import numpy as np")
    write(page, 2, "np.ar")
    array = option(page, "array").first
    # jedi works out types within a time budget, which a cold runtime on a loaded machine may
    # overrun (the list then comes without kinds): ask again as a person would.
    for _ in range(5):
        ask_completions(page, 2, "array")
        if array.locator(".nb-completion-kind").count():
            break
        page.keyboard.press("Escape")
    # Its kind, in words and as the icon.
    expect(array.locator(".nb-completion-kind")).to_have_text("function")
    expect(array.locator(".cm-completionIcon-function")).to_have_count(1)
    # Typing on narrows the same list; Tab takes the best match.
    page.keyboard.type("ray")
    expect(completions(page).get_by_role("option", selected=True)).to_contain_text("array")
    page.keyboard.press("Tab")
    expect(code(page, 2)).to_have_text("np.array")
    expect(completions(page)).to_have_count(0)


def test_typing_a_dot_offers_attributes(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, "import numpy as np")
    ask_completions(page, 2, None, lambda page: write(page, 2, "np."))
    expect(code(page, 2)).to_have_text("np.")
    # Typing on filters the same list (numpy has hundreds of names: linalg is far down).
    page.keyboard.type("lin")
    expect(option(page, "linalg").first).to_be_visible()
    expect(option(page, "linspace").first).to_be_visible()
    expect(option(page, "array")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(completions(page)).to_have_count(0)
    # Not after a number's decimal point.
    write(page, 2, "x = 1.")
    page.keyboard.type("5")
    expect(code(page, 2)).to_have_text("x = 1.5")
    expect(completions(page)).to_have_count(0)


def test_completion_knows_a_variable_from_an_earlier_cell(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, "import numpy as np", "my_special_value = 42")
    write(page, 3, "my_spec")
    ask_completions(page, 3, "my_special_value")
    page.keyboard.press("Enter")
    expect(code(page, 3)).to_have_text("my_special_value")


def test_percent_mat_completes_to_percent_matplotlib(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, "import numpy as np")
    write(page, 2, "%mat")
    ask_completions(page, 2, "matplotlib")
    page.keyboard.press("Enter")
    expect(code(page, 2)).to_have_text("%matplotlib")


def test_tab_at_the_start_of_a_line_still_indents(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, "import numpy as np")
    write(page, 2, "if True:")
    page.keyboard.press("Enter")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.press("Tab")
    page.keyboard.type("pass")
    expect(code(page, 2)).to_have_text("    pass")
    expect(completions(page)).to_have_count(0)


# ----- docs ----------------------------------------------------------------------------------------

GREET = 'import numpy as np\ndef greet(name):\n    """Say hello to someone by name."""\n    return "hello " + name'


def until_tooltip(page: Page, show, text: str) -> None:
    """Asks for docs (`show`) until the tooltip says `text` (a cold runtime's first answers may
    come later than the hub waits, and then no tooltip opens: a person asks again)."""
    for _ in range(5):
        show()
        try:
            expect(tooltip(page)).to_contain_text(text, timeout=20_000)
            return
        except AssertionError:
            page.mouse.move(0, 0)
    expect(tooltip(page)).to_contain_text(text)


def test_hovering_a_function_shows_its_docstring(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, GREET)
    write(page, 2, 'greet("ada")')
    name = code(page, 2).locator(".cm-line").first

    def hover() -> None:
        page.mouse.move(0, 0)
        name.hover(position={"x": 20, "y": 8})

    until_tooltip(page, hover, "Say hello to someone by name.")
    expect(tooltip(page)).to_contain_text("greet(name)")
    # Escape closes it (the caret is in the editor).
    page.keyboard.press("Escape")
    expect(tooltip(page)).to_have_count(0)


def test_shift_tab_shows_the_signature(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, GREET)
    write(page, 2, "greet")
    until_tooltip(page, lambda: page.keyboard.press("Shift+Tab"), "greet(name)")
    expect(tooltip(page)).to_contain_text("Say hello to someone by name.")
    # Shift+Tab did not unindent or change the code; typing closes the docs.
    expect(code(page, 2)).to_have_text("greet")
    page.keyboard.type(" ")
    expect(tooltip(page)).to_have_count(0)
    # Escape closes them too.
    until_tooltip(page, lambda: page.keyboard.press("Shift+Tab"), "greet(name)")
    page.keyboard.press("Escape")
    expect(tooltip(page)).to_have_count(0)


def test_obj_question_mark_opens_help_in_the_side_panel_and_adds_no_output(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, GREET)
    write(page, 2, "greet?")
    page.keyboard.press("Control+Enter")
    expect(cell(page, 2).get_by_label("Execution count")).to_have_text("[2]", timeout=RUN_TIMEOUT)
    help_panel = page.get_by_role("complementary", name="Help")
    expect(help_panel).to_contain_text("Say hello to someone by name.", timeout=RUN_TIMEOUT)
    expect(output(page, 2)).to_have_count(0)
    help_panel.get_by_role("button", name="Close help panel").click()
    expect(help_panel).to_have_count(0)


# ----- variables ---------------------------------------------------------------------------------

FRAME_CODE = 'import numpy as np\nimport pandas as pd\ndf = pd.DataFrame({"city": ["Oslo", "Lima", "Pune"], "rain": [7, 1, 3]})'


def test_the_variable_inspector_shows_a_dataframes_shape(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, FRAME_CODE + "\nwords = ['a', 'b']")
    panel = open_variables(page)
    row = panel.get_by_role("row").filter(has=page.get_by_role("rowheader", name="df", exact=True))
    expect(row).to_contain_text("DataFrame", timeout=RUN_TIMEOUT)
    expect(row).to_contain_text("(3, 2)")
    expect(row.get_by_role("cell").nth(2)).to_contain_text("B")  # its memory, formatted
    expect(panel.get_by_role("row").filter(has=page.get_by_role("rowheader", name="words", exact=True))).to_contain_text("2 items")
    # A run that defines a new variable shows in the panel when it finishes.
    write(page, 2, "late_arrival = 3.5")
    page.keyboard.press("Control+Enter")
    expect(panel.get_by_role("rowheader", name="late_arrival", exact=True)).to_be_visible(timeout=RUN_TIMEOUT)


def test_a_dataframe_opens_in_the_interactive_table(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, FRAME_CODE)
    panel = open_variables(page)
    panel.get_by_role("button", name="Open DataFrame df as interactive table").click(timeout=RUN_TIMEOUT)
    dialog = page.get_by_role("dialog", name="DataFrame df")
    expect(dialog).to_be_visible()
    table = dialog.frame_locator(FRAME)
    expect(table.locator("body")).to_contain_text("(3 rows)", timeout=RUN_TIMEOUT)
    table.get_by_role("searchbox", name="Filter rows").fill("lim")
    expect(table.locator("body")).to_contain_text("(1 rows)")
    expect(table.locator("tbody")).to_contain_text("Lima")
    expect(table.locator("tbody")).not_to_contain_text("Oslo")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)


def test_the_variable_inspector_does_not_change_the_execution_count(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, "import numpy as np\ncounted = 1")
    panel = open_variables(page)
    expect(panel.get_by_role("rowheader", name="counted", exact=True)).to_be_visible(timeout=RUN_TIMEOUT)
    for _ in range(3):
        panel.get_by_role("button", name="Refresh variables").click()
        expect(panel.get_by_role("rowheader", name="counted", exact=True)).to_be_visible(timeout=RUN_TIMEOUT)
    write(page, 2, "print(len(In), counted)")
    page.keyboard.press("Control+Enter")
    # The second run is the second execution: the listing ran nothing the user sees.
    expect(cell(page, 2).get_by_label("Execution count")).to_have_text("[2]", timeout=RUN_TIMEOUT)
    expect(output(page, 2)).to_have_text("3 1")
    expect(panel.get_by_role("rowheader", name="In", exact=True)).to_have_count(0)


def test_without_a_runtime_the_inspector_says_to_run_a_cell(hub: Hub, page: Page, make_user):
    user = make_user("assist")
    item_id = upload_notebook(hub, user, "idle.ipynb", notebook_json(("code", "x = 1")))
    sign_in(page, hub, user)
    open_notebook(page, hub, item_id)
    panel = open_variables(page)
    expect(panel).to_contain_text("Run a cell to see variables", timeout=RUN_TIMEOUT)


# ----- scratch cell ------------------------------------------------------------------------------


def test_the_scratch_cell_sees_notebook_variables_and_is_not_saved(hub: Hub, page: Page, make_user):
    user, item_id = open_with(hub, page, make_user, "import numpy as np\nshared = 'from the notebook'")
    code(page, 2).click()
    page.keyboard.press("Control+Alt+n")
    scratch = page.get_by_role("complementary", name="Scratch cell")
    expect(scratch).to_be_visible()
    editor = scratch.get_by_role("textbox", name="Scratch code")
    expect(editor).to_be_focused()
    page.keyboard.insert_text("scratch_only = 7\nprint(shared.upper(), np.arange(3).sum())")
    page.keyboard.press("Control+Enter")
    expect(scratch.get_by_role("region", name="Output")).to_have_text("FROM THE NOTEBOOK 3", timeout=RUN_TIMEOUT)
    # The notebook's cells have no new output and no new count.
    expect(output(page, 2)).to_have_count(0)
    expect(cell(page, 1).get_by_label("Execution count")).to_have_text("[1]")

    def saved_unchanged() -> bool:
        sources = saved_sources(hub, user, item_id)
        return sources[0].endswith("shared = 'from the notebook'") and not any("scratch_only" in s for s in sources)

    eventually(saved_unchanged)
    page.reload()
    expect(cell(page, 1)).to_be_visible()
    expect(page.locator("[data-cell-id][role=group]")).to_have_count(2)
    expect(page.get_by_text("scratch_only")).to_have_count(0)
    with closing(hub.signed_in(user)) as client:
        raw = client.get(f"/api/drive/items/{item_id}/content").text
    assert "scratch_only" not in raw and "FROM THE NOTEBOOK" not in json.loads(raw).__repr__()


# ----- accessibility -----------------------------------------------------------------------------


def test_completion_docs_variables_help_and_scratch_pass_axe(hub: Hub, scheme_page: Page, make_user):  # noqa: F811 (the fixture)
    page = scheme_page
    open_with(hub, page, make_user, FRAME_CODE + "\n" + GREET.split("\n", 1)[1])
    # The completion list, with kinds and signatures.
    write(page, 2, "np.ar")
    ask_completions(page, 2, "array")
    assert_accessible(page)
    page.keyboard.press("Escape")
    # The docs tooltip.
    write(page, 2, "greet")
    until_tooltip(page, lambda: page.keyboard.press("Shift+Tab"), "greet(name)")
    assert_accessible(page)
    # The Variables panel with a DataFrame, and the Help panel.
    panel = open_variables(page)
    expect(panel.get_by_role("rowheader", name="df", exact=True)).to_be_visible(timeout=RUN_TIMEOUT)
    write(page, 2, "greet?")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_role("complementary", name="Help")).to_contain_text("Say hello", timeout=RUN_TIMEOUT)
    assert_accessible(page)
    # The scratch cell with an output.
    code(page, 2).click()
    page.keyboard.press("Control+Alt+n")
    scratch = page.get_by_role("complementary", name="Scratch cell")
    expect(scratch.get_by_role("textbox", name="Scratch code")).to_be_focused()
    page.keyboard.insert_text("print(greet('axe'))")
    page.keyboard.press("Control+Enter")
    expect(scratch.get_by_role("region", name="Output")).to_have_text("hello axe", timeout=RUN_TIMEOUT)
    assert_accessible(page)
