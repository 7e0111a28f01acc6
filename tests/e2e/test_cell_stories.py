"""Working with cells: the text cell's formatting toolbar, images pasted into text cells, long
outputs hidden or scrolling, and cells moved by dragging (issue 13)."""

from __future__ import annotations

import base64
import json
from contextlib import closing

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import cell, cells, eventually, open_notebook, output, upload_notebook

pytestmark = pytest.mark.e2e

# A 2 x 1 PNG (one red pixel, one blue).
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DA8P8/AAX+Av4N70a4AAAAAElFTkSuQmCC"


def notebook(*cells_: dict) -> bytes:
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "cells": [{"id": f"c{i}", "metadata": {}, **c} for i, c in enumerate(cells_)],
    }
    return json.dumps(nb).encode()


def text_cell(source: str) -> dict:
    return {"cell_type": "markdown", "source": source}


def code_cell(source: str, *outputs: dict) -> dict:
    return {"cell_type": "code", "source": source, "outputs": list(outputs), "execution_count": 1 if outputs else None}


def stdout(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def open_with(hub: Hub, page: Page, make_user, data: bytes) -> tuple[str, str]:
    user = make_user()
    sign_in(page, hub, user)
    item_id = upload_notebook(hub, user, "cells.ipynb", data)
    open_notebook(page, hub, item_id)
    return user, item_id


def saved(hub: Hub, user: str, item_id: str) -> dict:
    with closing(hub.signed_in(user)) as client:
        response = client.get(f"/api/drive/items/{item_id}/content")
        response.raise_for_status()
        return response.json()


def source_of(nb_cell: dict) -> str:
    source = nb_cell["source"]
    return "".join(source) if isinstance(source, list) else source


def edit_text(page: Page, n: int):
    """Opens text cell n for editing; returns its editor."""
    cell(page, n).get_by_label("Rendered text").dblclick()
    editor = cell(page, n).get_by_role("textbox", name="Text")
    expect(editor).to_be_focused()
    return editor


# ----- the text toolbar --------------------------------------------------------------------------


def test_bold_from_the_markdown_toolbar_wraps_the_selection(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, notebook(text_cell("hello world")))
    editor = edit_text(page, 1)
    page.keyboard.press("End")
    for _ in range(len("world")):
        page.keyboard.press("Shift+ArrowLeft")
    toolbar = cell(page, 1).get_by_role("toolbar", name="Text formatting")
    bold = toolbar.get_by_role("button", name="Bold", exact=True)
    expect(bold).to_have_attribute("title", "Bold (Ctrl+B)")
    bold.click()
    expect(editor).to_have_text("hello **world**")
    expect(cell(page, 1).locator(".nb-markdown-preview strong")).to_have_text("world")
    # The editor kept the focus and the selection: typing replaces the bold word.
    expect(editor).to_be_focused()
    page.keyboard.insert_text("there")
    expect(editor).to_have_text("hello **there**")
    # Ctrl+Z in the editor takes back the typing, then the bold.
    page.keyboard.press("Control+z")
    expect(editor).to_have_text("hello **world**")
    page.keyboard.press("Control+z")
    expect(editor).to_have_text("hello world")
    # Ctrl+I is italic (in text cells).
    page.keyboard.press("Control+a")
    page.keyboard.press("Control+i")
    expect(editor).to_have_text("*hello world*")


# ----- images in text cells ----------------------------------------------------------------------

PASTE = """(el, [b64, name, size]) => {
  const bytes = b64 ? Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)) : new Uint8Array(size);
  const data = new DataTransfer();
  data.items.add(new File([bytes], name, { type: 'image/png' }));
  el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
}"""


def test_a_pasted_image_becomes_an_attachment_that_renders_and_survives_reload(hub: Hub, page: Page, make_user):
    user, item_id = open_with(hub, page, make_user, notebook(text_cell("A plot:\n")))
    editor = edit_text(page, 1)
    page.keyboard.press("Control+End")
    content = cell(page, 1).locator(".cm-content")
    content.evaluate(PASTE, [PNG, "image.png", 0])
    expect(editor).to_have_text("A plot:![image.png](attachment:image.png)")
    preview = cell(page, 1).locator(".nb-markdown-preview img")
    expect(preview).to_have_attribute("src", f"data:image/png;base64,{PNG}")
    # A second image of the same name gets a name of its own.
    content.evaluate(PASTE, [PNG, "image.png", 0])
    expect(editor).to_contain_text("![image-1.png](attachment:image-1.png)")
    page.keyboard.press("Escape")
    image = cell(page, 1).locator(".nb-markdown img").first
    expect(image).to_have_attribute("alt", "image.png")
    page.wait_for_function("img => img.complete && img.naturalWidth === 2", arg=image.element_handle())

    # The saved notebook carries them as nbformat attachments of the cell.
    def attached() -> bool:
        nb_cell = saved(hub, user, item_id)["cells"][0]
        return nb_cell.get("attachments", {}).get("image.png") == {"image/png": PNG} and "image-1.png" in nb_cell["attachments"]

    eventually(attached, timeout=60)

    page.reload()
    image = cell(page, 1).locator(".nb-markdown img").first
    expect(image).to_have_attribute("src", f"data:image/png;base64,{PNG}")
    page.wait_for_function("img => img.complete && img.naturalWidth === 2", arg=image.element_handle())

    # The toolbar's image button takes a file from the computer.
    editor = edit_text(page, 1)
    with page.expect_file_chooser() as chooser:
        cell(page, 1).get_by_role("button", name="Insert image").click()
    chooser.value.set_files({"name": "chosen plot.png", "mimeType": "image/png", "buffer": base64.b64decode(PNG)})
    expect(editor).to_contain_text("![chosen-plot.png](attachment:chosen-plot.png)")
    expect(cell(page, 1).locator('.nb-markdown-preview img[alt="chosen-plot.png"]')).to_have_attribute(
        "src", f"data:image/png;base64,{PNG}"
    )


def test_an_image_over_five_megabytes_is_refused_with_a_message(hub: Hub, page: Page, make_user):
    open_with(hub, page, make_user, notebook(text_cell("text")))
    editor = edit_text(page, 1)
    cell(page, 1).locator(".cm-content").evaluate(PASTE, [None, "huge.png", 6 * 1024 * 1024])
    expect(page.get_by_role("alert").filter(has_text="huge.png")).to_contain_text("at most 5.0 MB")
    expect(editor).to_have_text("text")


def test_an_attachment_that_is_no_image_is_not_put_into_the_page(hub: Hub, page: Page, make_user):
    html = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # <script>alert(1)</script>
    cell_ = text_cell("![x](attachment:x.html) ![y](attachment:y.png)")
    cell_["attachments"] = {"x.html": {"text/html": html}, "y.png": {"image/png": PNG}}
    open_with(hub, page, make_user, notebook(cell_))
    images = cell(page, 1).locator(".nb-markdown img")
    expect(images).to_have_count(2)
    expect(images.nth(1)).to_have_attribute("src", f"data:image/png;base64,{PNG}")
    assert images.nth(0).get_attribute("src") is None


# ----- long outputs ------------------------------------------------------------------------------


def test_hiding_a_long_output_shows_output_hidden_and_survives_reload(hub: Hub, page: Page, make_user):
    user, item_id = open_with(
        hub,
        page,
        make_user,
        notebook(code_cell("for i in range(200): print(i)", stdout("".join(f"line {i}\n" for i in range(200))))),
    )
    expect(output(page, 1)).to_contain_text("line 199")
    hide = cell(page, 1).get_by_role("button", name="Hide output")
    expect(hide).to_have_attribute("aria-expanded", "true")
    hide.click()
    bar = output(page, 1).get_by_role("button", name="Output hidden (1 output) · Show")
    expect(bar).to_be_visible()
    expect(output(page, 1).get_by_text("line 199")).to_be_hidden()
    expect(cell(page, 1).get_by_role("button", name="Show output")).to_have_attribute("aria-expanded", "false")
    eventually(lambda: saved(hub, user, item_id)["cells"][0]["metadata"].get("collapsed") is True, timeout=60)

    page.reload()
    expect(output(page, 1).get_by_role("button", name="Output hidden (1 output) · Show")).to_be_visible()
    expect(output(page, 1).get_by_text("line 199")).to_be_hidden()
    output(page, 1).get_by_role("button", name="Output hidden (1 output) · Show").click()
    expect(output(page, 1)).to_contain_text("line 199")
    expect(cell(page, 1).get_by_role("button", name="Hide output")).to_be_visible()
    eventually(lambda: "collapsed" not in saved(hub, user, item_id)["cells"][0]["metadata"], timeout=60)


def test_a_tall_output_scrolls_when_scrolling_is_on(hub: Hub, page: Page, make_user):
    page.set_viewport_size({"width": 1200, "height": 800})
    user, item_id = open_with(
        hub, page, make_user, notebook(code_cell("print", stdout("".join(f"row {i}\n" for i in range(300)))))
    )
    area = output(page, 1)
    expect(area).to_contain_text("row 299")
    sizes = "el => [el.scrollHeight, el.clientHeight]"
    scroll_height, client_height = area.evaluate(sizes)
    assert scroll_height <= client_height + 1  # the whole output, as tall as it is

    toggle = cell(page, 1).get_by_role("button", name="Scroll long output")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("el => el.scrollHeight > el.clientHeight + 100", arg=area.element_handle())
    scroll_height, client_height = area.evaluate(sizes)
    assert client_height <= 800 * 0.5 + 1, client_height
    # Reachable by keyboard, and it scrolls.
    area.focus()
    page.keyboard.press("End")
    page.wait_for_function("el => el.scrollTop > 0", arg=area.element_handle())
    eventually(lambda: saved(hub, user, item_id)["cells"][0]["metadata"].get("scrolled") is True, timeout=60)

    page.reload()
    area = output(page, 1)
    expect(area).to_contain_text("row 299")
    page.wait_for_function("el => el.scrollHeight > el.clientHeight + 100", arg=area.element_handle())


# ----- moving cells by dragging ------------------------------------------------------------------


def cell_texts(page: Page) -> list[str]:
    return [t.strip() for t in cells(page).locator(".nb-markdown").all_inner_texts()]


def test_dragging_cell_3_above_cell_1_moves_it_and_ctrl_z_outside_the_editor_undoes_it(hub: Hub, page: Page, make_user):
    user, item_id = open_with(hub, page, make_user, notebook(text_cell("first"), text_cell("second"), text_cell("third")))
    expect(cell(page, 3)).to_contain_text("third")
    handle = cell(page, 3).get_by_role("button", name="Drag to move cell")
    handle.drag_to(cell(page, 1), target_position={"x": 200, "y": 4})
    expect(cell(page, 1)).to_contain_text("third")
    expect(cell(page, 2)).to_contain_text("first")
    expect(cell(page, 3)).to_contain_text("second")
    eventually(lambda: [source_of(c) for c in saved(hub, user, item_id)["cells"]] == ["third", "first", "second"], timeout=60)

    # Ctrl+Z with no editor focused undoes the move.
    page.get_by_role("button", name="Drag to move cell").first.focus()
    page.keyboard.press("Control+z")
    expect(cell(page, 1)).to_contain_text("first")
    expect(cell(page, 3)).to_contain_text("third")

    # The keyboard alternative: arrow keys on the handle.
    handle = cell(page, 1).get_by_role("button", name="Drag to move cell")
    handle.focus()
    page.keyboard.press("ArrowDown")
    expect(cell(page, 2)).to_contain_text("first")
    expect(cell(page, 2).get_by_role("button", name="Drag to move cell")).to_be_focused()


# ----- accessibility -----------------------------------------------------------------------------


def test_the_text_toolbar_hidden_and_scrolling_outputs_and_drag_handles_pass_axe(hub: Hub, browser, make_user):
    from tests.e2e.test_accessibility_stories import axe_violations, describe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        long = stdout("".join(f"row {i}\n" for i in range(300)))
        scrolled = code_cell("print", long)
        scrolled["metadata"] = {"scrolled": True}
        hidden = code_cell("print", stdout("hidden\n"))
        hidden["metadata"] = {"collapsed": True}
        open_with(hub, page, make_user, notebook(text_cell("# Title\n\nsome text"), scrolled, hidden))
        expect(output(page, 3).get_by_role("button", name="Output hidden (1 output) · Show")).to_be_visible()
        edit_text(page, 1)
        expect(cell(page, 1).get_by_role("toolbar", name="Text formatting")).to_be_visible()
        cell(page, 2).hover()
        violations = axe_violations(page)
        assert not violations, describe(violations)
    finally:
        context.close()
