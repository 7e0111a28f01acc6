"""What people see under a code cell: coloured text, progress bars, tracebacks, images, and rich
output (HTML, SVG, Markdown, LaTeX) in sandboxed frames that a hostile output cannot escape.

Each story uploads an .ipynb with saved outputs to Drive and opens it at /notebook/<id>.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from base64 import b64encode
from contextlib import closing

from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in

FRAME = 'iframe[title="Output"]'


def code_cell(index: int, *outputs: dict) -> dict:
    return {
        "cell_type": "code",
        "id": f"cell-{index}",
        "metadata": {},
        "execution_count": index,
        "source": f"# cell {index}",
        "outputs": list(outputs),
    }


def stream(text: str, name: str = "stdout") -> dict:
    return {"output_type": "stream", "name": name, "text": text}


def display(data: dict, metadata: dict | None = None) -> dict:
    return {"output_type": "display_data", "data": data, "metadata": metadata or {}}


def upload_notebook(hub: Hub, username: str, name: str, *cells: tuple[dict, ...]) -> str:
    """Uploads a notebook (one code cell per tuple of outputs) through the Drive upload API and
    returns its item id."""
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [code_cell(i + 1, *outputs) for i, outputs in enumerate(cells)],
    }
    body = json.dumps(notebook).encode()
    with closing(hub.signed_in(username)) as client:
        started = client.post("/api/drive/uploads", json={"parent": "", "name": name, "size": len(body)})
        started.raise_for_status()
        done = client.patch(
            f"/api/drive/uploads/{started.json()['id']}",
            content=body,
            headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
        )
        done.raise_for_status()
        item_id = done.json()["item"]["id"]
        client.post(f"/api/trust/{item_id}").raise_for_status()  # their own outputs (see test_trust_stories)
        return item_id


def open_notebook(page: Page, hub: Hub, username: str, item_id: str) -> None:
    sign_in(page, hub, username)
    page.goto(f"{hub.url}/notebook/{item_id}")


def cell(page: Page, number: int):
    return page.get_by_role("group", name=f"Cell {number}", exact=True)


def output(page: Page, number: int):
    return cell(page, number).get_by_role("region", name="Output")


def png(width: int, height: int, rgb: tuple[int, int, int]) -> str:
    """A solid-colour PNG, base64 (as a kernel's display_data carries it)."""
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return b64encode(raw).decode()


def test_text_outputs_show_colours_the_last_progress_bar_state_and_a_coloured_traceback(hub: Hub, page: Page, make_user):
    user = make_user("text")
    bar = "".join(f"\r{p:3d}%|{'#' * (p // 10):<10}| {p // 10}/10" for p in range(0, 101, 5))
    traceback = [
        "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
        "\x1b[0;31mZeroDivisionError\x1b[0m                         Traceback (most recent call last)",
        "Cell \x1b[0;32mIn[3], line 1\x1b[0m\n\x1b[0;32m----> 1\x1b[0m \x1b[38;5;241m1\x1b[39m\x1b[38;5;241m/\x1b[39m\x1b[38;5;241m0\x1b[39m",
        "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero",
    ]
    item = upload_notebook(
        hub, user, "text.ipynb",
        (stream("plain start \x1b[31mred alert\x1b[0m and <b>not bold</b>\n"),),
        (stream(bar + "\ndone\n", "stderr"),),
        ({"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero", "traceback": traceback},),
        ({"output_type": "execute_result", "execution_count": 4, "metadata": {},
          "data": {"text/plain": "\x1b[32mgreen result\x1b[0m"}},),
    )
    open_notebook(page, hub, user, item)

    # ANSI colours become coloured spans; HTML in a stream is text, never markup.
    red = output(page, 1).locator("span", has_text="red alert")
    expect(red).to_have_css("color", "rgb(196, 49, 43)")  # the theme's ANSI red (--ansi-red)
    expect(output(page, 1)).to_contain_text("and <b>not bold</b>")
    expect(output(page, 1).locator("b")).to_have_count(0)
    expect(output(page, 1)).not_to_contain_text("[31m")

    # The progress bar redrew in place: only its final state is left.
    expect(output(page, 2)).to_contain_text("100%|##########| 10/10")
    expect(output(page, 2)).not_to_contain_text("95%")
    expect(output(page, 2)).to_contain_text("done")

    # The traceback keeps its colours.
    expect(output(page, 3)).to_contain_text("ZeroDivisionError: division by zero")
    expect(output(page, 3).locator("span", has_text="ZeroDivisionError").first).to_have_css("color", "rgb(196, 49, 43)")  # the theme's ANSI red (--ansi-red)

    expect(output(page, 4).locator("span", has_text="green result")).to_have_css("color", "rgb(0, 117, 74)")  # the theme's ANSI green
    # None of these needed a frame.
    expect(page.locator(FRAME)).to_have_count(0)


def test_a_png_shows_in_the_page_at_the_size_its_metadata_asks(hub: Hub, page: Page, make_user):
    user = make_user("image")
    item = upload_notebook(
        hub, user, "image.ipynb",
        (display({"image/png": png(40, 20, (200, 30, 30)), "text/plain": "<Figure size 40x20>"},
                 {"image/png": {"width": 120}}),),
    )
    open_notebook(page, hub, user, item)
    image = output(page, 1).get_by_role("img", name="Image output")
    expect(image).to_be_visible()
    expect(image).to_have_js_property("naturalWidth", 40)  # the data: URL decoded
    box = image.bounding_box()
    assert box is not None and round(box["width"]) == 120 and round(box["height"]) == 60
    expect(output(page, 1)).not_to_contain_text("Figure size")
    expect(page.locator(FRAME)).to_have_count(0)


def test_html_runs_its_scripts_in_order_in_a_sandboxed_frame_sized_to_its_content(hub: Hub, page: Page, make_user):
    user = make_user("html")
    html = (
        '<p id="static">Static part</p>'
        # An external script (a data: URL here) runs before the inline script that uses it.
        '<script src="data:text/javascript,window.libraryLoaded%20%3D%20%22yes%22"></script>'
        "<script>"
        "const box = document.createElement('div');"
        "box.id = 'made';"
        "box.style.height = '400px';"
        "box.textContent = 'Written by the script, library loaded: ' + window.libraryLoaded;"
        "document.getElementById('static').after(box);"
        "</script>"
    )
    item = upload_notebook(
        hub, user, "html.ipynb",
        (stream("before\n"), display({"text/html": html, "text/plain": "<HTML>"}), stream("after\n")),
    )
    open_notebook(page, hub, user, item)
    frame_element = output(page, 1).locator(FRAME)
    # Sandboxed on an origin of its own (f-<token>.localhost): allow-same-origin there only makes it not opaque.
    expect(frame_element).to_have_attribute("src", re.compile(r"^http://f-[a-z2-7]{26}\.localhost:\d+/output-frame\.html\?"))
    assert "allow-scripts" in (frame_element.get_attribute("sandbox") or "").split()
    assert "allow-top-navigation" not in (frame_element.get_attribute("sandbox") or "")
    frame = output(page, 1).frame_locator(FRAME)
    expect(frame.locator("#made")).to_have_text("Written by the script, library loaded: yes")
    expect(frame.locator("#static")).to_have_text("Static part")

    # The page sizes the frame to what the script drew (no inner scroll bar, no blank space).
    def frame_height() -> float:
        box = frame_element.bounding_box()
        return box["height"] if box else 0

    page.wait_for_function(
        "el => el.getBoundingClientRect().height >= 400", arg=frame_element.element_handle(), timeout=15_000
    )
    assert 400 <= frame_height() < 520
    # Text outputs around it stay in the page, in order.
    text = output(page, 1).inner_text()
    assert text.index("before") < text.index("after")


def test_svg_markdown_latex_and_javascript_render_in_frames(hub: Hub, page: Page, make_user):
    user = make_user("rich")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">'
        '<circle id="dot" cx="30" cy="30" r="20" fill="teal"/><text x="60" y="35">chart</text></svg>'
    )
    item = upload_notebook(
        hub, user, "rich.ipynb",
        (display({"image/svg+xml": svg, "text/plain": "<svg>"}),),
        (display({"text/markdown": "# Results\n\nSome **bold** text and $e^{i\\pi} + 1 = 0$.\n\n`$not math$`",
                  "text/plain": "<Markdown>"}),),
        ({"output_type": "execute_result", "execution_count": 3, "metadata": {},
          "data": {"text/latex": "$$\\frac{a}{b} = \\sqrt{x^2}$$", "text/plain": "a/b"}},),
        (display({"application/javascript": "element.textContent = 'drawn by ' + typeof element;",
                  "text/plain": "<IPython.core.display.Javascript object>"}),),
    )
    open_notebook(page, hub, user, item)

    svg_frame = output(page, 1).frame_locator(FRAME)
    expect(svg_frame.locator("#dot")).to_have_attribute("fill", "teal")
    expect(svg_frame.locator("svg")).to_contain_text("chart")

    markdown = output(page, 2).frame_locator(FRAME)
    expect(markdown.get_by_role("heading", name="Results")).to_be_visible()
    expect(markdown.locator("strong")).to_have_text("bold")
    expect(markdown.locator(".katex")).to_have_count(1)  # the code span stays code
    expect(markdown.locator("code")).to_have_text("$not math$")

    # application/javascript runs with `element`, as in Jupyter.
    expect(output(page, 4).frame_locator(FRAME).locator("body")).to_have_text("drawn by object")

    latex = output(page, 3).frame_locator(FRAME)
    expect(latex.locator(".katex-display .mfrac")).to_have_count(1)
    expect(latex.locator(".katex-error")).to_have_count(0)
    # KaTeX's fonts loaded inside the opaque-origin frame (inlined: it cannot fetch them).
    latex.locator(".katex-display").wait_for()
    assert latex.locator("body").evaluate("() => document.fonts.check('16px KaTeX_Main')")
    assert latex.locator("body").evaluate(
        "async () => { await document.fonts.ready; return [...document.fonts].some(f => f.family.includes('KaTeX') && f.status === 'loaded'); }"
    )


HOSTILE = """
<pre id="report">pending</pre>
<button id="steal" onclick="steal()">Steal</button>
<pre id="api">not asked</pre>
<script>
const report = {};
const attempt = (name, action) => {
  try { report[name] = 'got: ' + String(action()); } catch (error) { report[name] = 'threw ' + error.name; }
};
attempt('cookie', () => document.cookie);
attempt('parent', () => window.parent.document.body.innerHTML.length);
attempt('top', () => { top.location.href = '/trash'; return 'navigated'; });
attempt('storage', () => { localStorage.setItem('stolen', 'yes'); return localStorage.getItem('stolen'); });
// A forged height message: the page caps it.
window.parent.postMessage({nbcloud: 'height', height: 1e9}, '*');
document.getElementById('report').textContent = JSON.stringify(report);
function steal() {
  fetch('/api/drive/list', {credentials: 'include'})
    .then(async (response) => 'answered ' + response.status + ' ' + (await response.text()))
    .catch((error) => 'threw ' + error.name)
    .then((result) => { document.getElementById('api').textContent = result; });
}
</script>
"""

RUNAWAY = """
<div id="grow" style="height: 10px">grows with its frame</div>
<script>
setInterval(() => { document.getElementById('grow').style.height = (window.innerHeight + 500) + 'px'; }, 20);
</script>
"""


def test_a_hostile_output_gets_no_cookies_no_page_no_storage_and_no_session(hub: Hub, page: Page, make_user):
    user = make_user("victim")
    item = upload_notebook(
        hub, user, "hostile.ipynb",
        (display({"text/html": HOSTILE, "text/plain": "<HTML>"}),),
        (display({"text/html": RUNAWAY, "text/plain": "<HTML>"}),),
    )
    open_notebook(page, hub, user, item)
    url = page.url

    frame = output(page, 1).frame_locator(FRAME)
    expect(frame.locator("#report")).not_to_have_text("pending", timeout=20_000)
    report = json.loads(frame.locator("#report").inner_text())
    # On its own origin the output has cookies and storage of its own (empty, or refused where the
    # browser blocks a frame of another site), never the hub's.
    assert report["cookie"] in ("got: ", "threw SecurityError"), report
    assert report["parent"] == "threw SecurityError", report
    assert report["storage"] in ("got: yes", "threw SecurityError"), report

    # Watch the frame's own network traffic (it runs in its own process), then let it call the API.
    frame_page = next(f for f in page.frames if "/output-frame.html" in f.url and f.locator("#steal").count())
    sent: list[dict] = []
    answered: list[int] = []
    cdp = page.context.new_cdp_session(frame_page)
    cdp.on("Network.requestWillBeSentExtraInfo", lambda event: sent.append(event))
    cdp.on("Network.responseReceivedExtraInfo", lambda event: answered.append(event["statusCode"]))
    cdp.send("Network.enable")
    frame.locator("#steal").click()
    # The answer is not readable by the frame (another origin gets no CORS) ...
    expect(frame.locator("#api")).to_have_text("threw TypeError", timeout=20_000)
    # ... and the hub answered a signed-out request: the browser did not send the session cookie.
    assert sent, "the frame's API request was not seen"
    frame_origin = re.match(r"^(http://f-[a-z2-7]{26}\.localhost:\d+)/", frame_page.url)
    assert frame_origin, frame_page.url
    assert all(event["headers"].get("Origin") == frame_origin.group(1) for event in sent)
    assert all("nbcloud_session" not in (event["headers"].get("Cookie") or event["headers"].get("cookie") or "") for event in sent)
    assert answered and all(status == 401 for status in answered), answered

    # The page did not navigate, its session still works, and the forged height was capped.
    assert page.url == url
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert page.evaluate("() => fetch('/api/drive/list').then(r => r.status)") == 200
    assert page.evaluate("() => localStorage.getItem('stolen')") is None
    height = output(page, 1).locator(FRAME).evaluate("el => el.getBoundingClientRect().height")
    assert height <= 5000

    # A frame that grows with its own height stops at the cap.
    runaway = output(page, 2).locator(FRAME)
    page.wait_for_function("el => el.getBoundingClientRect().height >= 5000", arg=runaway.element_handle())
    assert runaway.evaluate("el => el.getBoundingClientRect().height") == 5000


def test_200000_printed_lines_show_head_and_tail_and_show_all_reveals_them(hub: Hub, page: Page, make_user):
    user = make_user("long")
    lines = "".join(f"line {i}\n" for i in range(200_000))
    item = upload_notebook(hub, user, "long.ipynb", (stream(lines),), (stream("next cell\n"),))
    open_notebook(page, hub, user, item)

    area = output(page, 1)
    expect(area).to_contain_text("198,000 more lines (200,000 in all) are hidden")
    expect(area).to_contain_text("line 0\nline 1\n")
    expect(area).to_contain_text("line 999")
    expect(area).to_contain_text("line 199999")
    assert "line 100000\n" not in area.text_content()
    expect(output(page, 2)).to_contain_text("next cell")

    area.get_by_role("button", name="Show all output").click()
    # Everything is drawn, a few thousand lines per task.
    expect(area.get_by_role("button", name="Show all output")).to_have_count(0)
    page.wait_for_function(
        "el => el.textContent.includes('line 100000\\nline 100001') && el.textContent.includes('line 199999')",
        arg=area.element_handle(), timeout=60_000,
    )
    assert re.search(r"line 198999\nline 199000\n", area.text_content())

    # With all 200,000 lines in the page, it stays responsive: a click is handled right away.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trash").click()
    expect(page.get_by_role("heading", name="Trash")).to_be_visible(timeout=5_000)
