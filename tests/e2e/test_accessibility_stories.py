"""The app passes axe-core's WCAG 2.0/2.1 A and AA checks, in the light and in the dark theme: a
notebook with code, text, outputs (text, a table, an error, an image), a form; and the Drive page.

What outputs draw inside their frames is the notebook author's content, not the app's: axe does not
go into output frames (the frames themselves, their titles for instance, are checked).
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import cell, open_notebook, output, upload_notebook

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]



def tiny_png() -> str:
    """A 2x2 PNG, half transparent, half black (a "plot" drawn for white paper)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([0, 0, 0, 255, 0, 0, 0, 0]) for _ in range(2))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return base64.b64encode(png).decode()


PNG = tiny_png()

TABLE_HTML = (
    "<table class='dataframe'><thead><tr><th></th><th>a</th><th>b</th></tr></thead>"
    "<tbody><tr><th>0</th><td>1</td><td>x</td></tr><tr><th>1</th><td>2</td><td>y</td></tr></tbody></table>"
)

TRACEBACK = [
    "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
    "\x1b[0;31mZeroDivisionError\x1b[0m                         Traceback (most recent call last)",
    "\x1b[0;32m<ipython-input-1>\x1b[0m in \x1b[0;36m<cell line: 1>\x1b[0;34m()\x1b[0m\n\x1b[0;32m----> 1\x1b[0;31m \x1b[0;36m1\x1b[0m\x1b[0;34m/\x1b[0m\x1b[0;36m0\x1b[0m",
    "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero",
]


def story_notebook() -> bytes:
    def code(i: int, source: str, outputs: list[dict], count: int | None = None) -> dict:
        return {"id": f"c{i}", "cell_type": "code", "metadata": {}, "source": source, "outputs": outputs,
                "execution_count": count}

    cells = [
        {"id": "m0", "cell_type": "markdown", "metadata": {},
         "source": "# Accessible notebook\n\nSome *text*, `code`, a [link](https://example.org) and a table:\n\n"
                   "| a | b |\n|---|---|\n| 1 | 2 |\n\n## A section\n\n- one\n- two\n"},
        code(1, "print('hello')\nimport sys; print('careful', file=sys.stderr)",
             [{"output_type": "stream", "name": "stdout", "text": "hello\n"},
              {"output_type": "stream", "name": "stderr", "text": "careful\n"}], 1),
        code(2, "df", [{"output_type": "execute_result", "execution_count": 2, "metadata": {},
                        "data": {"text/plain": "   a  b\n0  1  x\n1  2  y", "text/html": TABLE_HTML}}], 2),
        code(3, "1/0", [{"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
                         "traceback": TRACEBACK}], 3),
        code(4, "plot()", [{"output_type": "display_data", "metadata": {},
                            "data": {"image/png": PNG, "text/plain": "<Figure size 2x2>"}}], 4),
        code(5, '#@title Settings\nname = "Ada" #@param {type:"string"}\ncount = 3 #@param {type:"integer"}\n'
                'shape = "circle" #@param ["circle", "square"]\nshow = True #@param {type:"boolean"}\n'
                'level = 5 #@param {type:"slider", min:0, max:10, step:1}', []),
        code(6, "x = 40 + 2\nx", [{"output_type": "execute_result", "execution_count": 6, "metadata": {},
                                    "data": {"text/plain": "42"}}], 6),
    ]
    nb = {"nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}}, "cells": cells}
    return json.dumps(nb).encode()


@pytest.fixture(params=["light", "dark"])
def scheme_page(request, browser):
    """A page in the light or the dark theme (the system's, which the app follows); axe's script is
    injected by the test, so the page's CSP is bypassed for it."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=request.param, bypass_csp=True)
    ctx.set_default_timeout(30_000)  # a loaded machine signs in slowly
    page = ctx.new_page()
    page.scheme = request.param  # type: ignore[attr-defined]
    yield page
    ctx.close()


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: { type: 'tag', values: tags },
                iframes: false,  // output frames hold the author's content
                resultTypes: ['violations'],
            });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 200),
                                             summary: n.failureSummary })),
            }));
        }""",
        TAGS,
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}  {node['html']}")
            lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("data-theme", page.scheme)  # type: ignore[attr-defined]
    violations = axe_violations(page)
    assert not violations, f"axe found in the {page.scheme} theme:\n" + describe(violations)  # type: ignore[attr-defined]


def test_the_notebook_page_passes_axe_in_light_and_dark(hub: Hub, scheme_page: Page, make_user):
    page = scheme_page
    who = make_user("ally")
    item = upload_notebook(hub, who, "accessible.ipynb", story_notebook())
    sign_in(page, hub, who)
    open_notebook(page, hub, item)
    expect(page.get_by_role("heading", name="Accessible notebook")).to_be_visible()
    expect(output(page, 3).locator("iframe.output-frame")).to_be_visible()
    expect(output(page, 4)).to_contain_text("ZeroDivisionError")
    expect(output(page, 5).locator("img")).to_be_visible()
    expect(cell(page, 6).locator("input").first).to_be_visible()
    # A selected cell, an editor in use, and the cell toolbar showing.
    cell(page, 7).get_by_role("textbox", name="Code").click()
    expect(page.locator(".cm-editor.cm-focused")).to_have_count(1)
    assert_accessible(page)


def test_the_settings_dialog_passes_axe(hub: Hub, scheme_page: Page, make_user):
    page = scheme_page
    sign_in(page, hub, make_user("sally"))
    page.get_by_role("button", name="Settings", exact=True).click()
    expect(page.get_by_role("dialog", name="Settings")).to_be_visible()
    assert_accessible(page)


def test_the_drive_page_passes_axe(hub: Hub, scheme_page: Page, make_user):
    page = scheme_page
    who = make_user("drew")
    upload_notebook(hub, who, "first.ipynb", story_notebook())
    upload_notebook(hub, who, "notes.txt", b"hello\n")
    sign_in(page, hub, who)
    expect(page.get_by_text("first.ipynb")).to_be_visible()
    assert_accessible(page)


def test_side_panels_the_command_palette_and_shortcuts_pass_axe(hub: Hub, scheme_page: Page, make_user):
    page = scheme_page
    who = make_user("penny")
    item = upload_notebook(hub, who, "panels.ipynb", story_notebook())
    sign_in(page, hub, who)
    open_notebook(page, hub, item)
    expect(page.get_by_role("heading", name="Accessible notebook")).to_be_visible()
    rail = page.get_by_role("toolbar", name="Side panels")
    buttons = rail.get_by_role("button")
    expect(buttons.first).to_be_visible()
    names = [buttons.nth(i).get_attribute("aria-label") for i in range(buttons.count())]
    assert names, "no side panels"
    for name in names:
        rail.get_by_role("button", name=name, exact=True).click()
        expect(rail.get_by_role("button", name=name, exact=True)).to_have_attribute("aria-expanded", "true")
        page.wait_for_timeout(500)  # the panel's first answer (files, variables) may still come
        assert_accessible(page)
    # The command palette and the keyboard shortcuts, from a selected cell.
    cell(page, 2).get_by_role("textbox", name="Code").click()
    page.keyboard.press("ControlOrMeta+Shift+p")
    palette = page.get_by_role("dialog", name="Command palette")
    expect(palette).to_be_visible()
    page.keyboard.insert_text("short")
    assert_accessible(page)
