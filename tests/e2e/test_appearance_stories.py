"""How the app looks to each person: light or dark (the system's or their own choice), and the
code editor's settings (font size, line numbers, indentation, vim keys), kept with their account."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import RUN_TIMEOUT, cell, code, new_notebook, output, type_code

pytestmark = pytest.mark.e2e

FRAME = "iframe.output-frame"


@pytest.fixture
def dark_page(browser):
    """A browser whose system asks for dark colors."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    ctx.set_default_timeout(15_000)
    yield ctx.new_page()
    ctx.close()


def theme_of(page: Page) -> str:
    return page.evaluate("document.documentElement.dataset.theme")


def background_of(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.documentElement).backgroundColor")


def is_dark(rgb: str) -> bool:
    r, g, b = (int(v) for v in re.findall(r"\d+", rgb)[:3])
    return (r + g + b) / 3 < 80


def open_settings(page: Page):
    page.get_by_role("button", name="Settings", exact=True).click()
    dialog = page.get_by_role("dialog", name="Settings")
    expect(dialog).to_be_visible()
    return dialog


def close_settings(page: Page) -> None:
    page.get_by_role("dialog", name="Settings").get_by_role("button", name="Close").click()
    expect(page.get_by_role("dialog", name="Settings")).to_have_count(0)


def test_dark_mode_follows_the_system_and_the_setting_overrides_it(hub: Hub, dark_page: Page, make_user):
    page = dark_page
    sign_in(page, hub, make_user("dora"))
    # No setting yet: the system's dark colors.
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert is_dark(background_of(page))

    dialog = open_settings(page)
    dialog.get_by_label("Theme").select_option(label="Light")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert not is_dark(background_of(page))
    close_settings(page)

    # Kept with the account: light after a reload, though the system still says dark.
    page.reload()
    expect(page.get_by_role("navigation", name="Breadcrumbs")).to_contain_text("My Drive")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")

    # Back to the system's: it follows the system as it changes.
    dialog = open_settings(page)
    expect(dialog.get_by_label("Theme")).to_have_value("light")
    dialog.get_by_label("Theme").select_option(label="System default")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.emulate_media(color_scheme="light")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    page.emulate_media(color_scheme="dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")


def test_an_output_frame_learns_the_dark_theme(hub: Hub, dark_page: Page, make_user):
    page = dark_page
    sign_in(page, hub, make_user("frida"))
    new_notebook(page)
    type_code(
        page,
        1,
        "from IPython.display import HTML\n"
        "HTML(\"\"\"<p id='seen'>?</p><script>\n"
        "const show = () => document.getElementById('seen').textContent =\n"
        "  'theme=' + document.documentElement.getAttribute('theme');\n"
        "show();\n"
        "new MutationObserver(show).observe(document.documentElement, {attributes: true});\n"
        "</script>\"\"\")",
    )
    page.keyboard.press("Shift+Enter")
    frame = output(page, 1).frame_locator(FRAME)
    # The script saw <html theme="dark"> as it ran: the theme came before the output.
    expect(frame.locator("#seen")).to_have_text("theme=dark", timeout=RUN_TIMEOUT)
    # Plain HTML text is light on the dark cell (not the frame's default black).
    color = frame.locator("#seen").evaluate("e => getComputedStyle(e).color")
    assert not is_dark(color), color

    # A change of theme reaches the frame that is already there.
    dialog = open_settings(page)
    dialog.get_by_label("Theme").select_option(label="Light")
    expect(frame.locator("#seen")).to_have_text("theme=light")
    close_settings(page)


def test_settings_change_the_editors_font_size_and_line_numbers_and_survive_reload(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("sven"))
    new_notebook(page)
    type_code(page, 1, "x = 1\ny = 2")
    editor = cell(page, 1).locator(".cm-editor")
    expect(editor).to_have_css("font-size", "14px")
    expect(editor.locator(".cm-lineNumbers")).to_have_count(0)

    # The open editor follows the settings at once.
    dialog = open_settings(page)
    dialog.get_by_label("Font size").select_option("20")
    dialog.get_by_label("Show line numbers").check()
    dialog.get_by_label("Indentation width in spaces").select_option("8")
    close_settings(page)
    expect(editor).to_have_css("font-size", "20px")
    expect(editor.locator(".cm-lineNumbers .cm-gutterElement", has_text="2")).to_be_visible()

    # Tab indents by the chosen width.
    code(page, 1).click()
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.insert_text("z")
    expect(code(page, 1).locator(".cm-line").last).to_have_js_property("textContent", " " * 8 + "z")

    # Kept with the account: after a reload the editor is as set.
    page.reload()
    editor = cell(page, 1).locator(".cm-editor")
    code(page, 1).click()
    expect(editor).to_have_css("font-size", "20px")
    expect(editor.locator(".cm-lineNumbers")).to_have_count(1)
    dialog = open_settings(page)
    expect(dialog.get_by_label("Font size")).to_have_value("20")
    expect(dialog.get_by_label("Show line numbers")).to_be_checked()


def test_vim_mode_escape_then_dd_deletes_a_line(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("vera"))
    new_notebook(page)
    dialog = open_settings(page)
    dialog.get_by_label("Vim key bindings").check()
    close_settings(page)
    code(page, 1).click()
    page.keyboard.press("i")  # vim starts in normal mode: i to insert
    page.keyboard.insert_text("first = 1\nsecond = 2\nthird = 3")
    page.keyboard.press("Escape")
    page.keyboard.press("k")  # up to "second"
    page.keyboard.type("dd")
    expect(code(page, 1)).to_have_text(re.compile(r"^first = 1\s*third = 3$"))
