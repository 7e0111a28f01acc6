"""TensorBoard, Streamlit and Gradio in a notebook, written the way Colab notebooks write them, in
a real browser with the hub opened at ``http://localhost:<port>`` (so port links get origins of
their own, ``p-<token>.localhost:<port>``).

Each app shows in the output as a frame nested in the output's sandboxed frame, so it runs in an
opaque origin too (no cookies, no localStorage): these stories are what proves each app still
works there.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.e2e.helpers import Hub
from tests.e2e.test_colab_stories import FRAME, run
from tests.e2e.test_notebook_stories import cell, notebook_json, output, upload_notebook

pytestmark = pytest.mark.e2e

# Starting an app (TensorBoard reads its logs, Gradio builds its app) takes a while on 2 cores.
APP_TIMEOUT = 180_000


def open_notebook_on_localhost(page: Page, hub: Hub, username: str, *sources: str, host: str = "localhost") -> None:
    """Signs in at http://<host>:<port> and opens a notebook of these code cells there."""
    item_id = upload_notebook(hub, username, "apps.ipynb", notebook_json(*[("code", s) for s in sources]))
    local = hub.url.replace("127.0.0.1", host)
    page.goto(f"{local}/signin")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Breadcrumbs")).to_contain_text("My Drive")
    page.goto(f"{local}/notebook/{item_id}")
    expect(cell(page, 1)).to_be_visible()


def run_to_end(page: Page, n: int, done: str) -> None:
    """Runs cell ``n`` and waits until its output prints ``done``."""
    run(page, n)
    expect(output(page, n)).to_contain_text(done, timeout=APP_TIMEOUT)


def app_frame(page: Page, n: int):
    """The app's frame, nested in cell ``n``'s output frame."""
    return cell(page, n).frame_locator(FRAME).frame_locator("iframe")


SCALARS = """\
from torch.utils.tensorboard import SummaryWriter
writer = SummaryWriter('logs/run1')
for step in range(10):
    writer.add_scalar('training/loss', 1.0 / (step + 1), step)
writer.close()
print('logged')
"""


# TensorBoard's magic waits 60 s for the server it starts; on a busy machine it may need longer
# (it imports TensorFlow), and a Colab user then runs the magic again once the server is up: it
# reuses the server ("Reusing TensorBoard on port 6006").
RETRY_WHEN_UP = """\
import socket, time
for _ in range(600):
    try:
        socket.create_connection(('127.0.0.1', 6006), timeout=1).close()
        break
    except OSError:
        time.sleep(0.5)
%tensorboard --logdir logs
"""


def shown_or_timed_out(page: Page, n: int) -> bool:
    """Waits until cell ``n`` shows TensorBoard's frame (True) or says it timed out (False)."""
    frames = cell(page, n).frame_locator(FRAME).locator("iframe")
    for _ in range(APP_TIMEOUT // 500):
        if "Timed out waiting for TensorBoard" in output(page, n).inner_text():
            return False
        if frames.count():
            return True
        page.wait_for_timeout(500)
    raise AssertionError(f"cell {n} neither showed TensorBoard nor said it timed out")


def test_tensorboard_magic_and_notebook_display_show_the_logged_scalar_in_the_notebook(
        hub: Hub, page: Page, make_user):
    # TensorBoard does not start without localStorage, which a browser blocking third-party
    # cookies (Chrome's incognito windows, this test's browser) denies to frames of another site.
    # Opened at hub.localhost, the port link (p-<token>.hub.localhost) is of the hub's site, as it
    # is with a hub at hub.example.org and port_domain apps.example.org; at plain localhost every
    # p-<token>.localhost is a site of its own.
    open_notebook_on_localhost(
        page, hub, make_user("tb"),
        SCALARS,
        "%load_ext tensorboard\n%tensorboard --logdir logs",
        RETRY_WHEN_UP,
        "from tensorboard import notebook\nnotebook.list()\nnotebook.display(port=6006, height=500)",
        host="hub.localhost",
    )
    run_to_end(page, 1, "logged")
    run(page, 2)
    shown = 2 if shown_or_timed_out(page, 2) else 3
    if shown == 3:
        run(page, 3)
        expect(output(page, 3)).to_contain_text("Reusing TensorBoard on port 6006", timeout=APP_TIMEOUT)
    board = app_frame(page, shown)
    expect(board.get_by_text("Scalars", exact=False).first).to_be_visible(timeout=APP_TIMEOUT)
    expect(board.get_by_text("training/loss").first).to_be_visible(timeout=APP_TIMEOUT)

    run(page, 4)
    expect(output(page, 4)).to_contain_text("port 6006", timeout=APP_TIMEOUT)  # notebook.list()
    again = app_frame(page, 4)
    expect(again.get_by_text("training/loss").first).to_be_visible(timeout=APP_TIMEOUT)


GRADIO = """\
import gradio as gr

def greet(name):
    return 'Hello ' + name + '!'

demo = gr.Interface(fn=greet, inputs='text', outputs='text')
demo.launch()
"""


def test_a_gradio_interface_launched_in_the_notebook_greets_what_is_typed_into_it(
        hub: Hub, page: Page, make_user):
    open_notebook_on_localhost(page, hub, make_user("gradio"), GRADIO)
    run(page, 1)
    app = app_frame(page, 1)
    box = app.get_by_role("textbox").first
    expect(box).to_be_visible(timeout=APP_TIMEOUT)
    box.fill("Ada")
    app.get_by_role("button", name="Submit").click()
    expect(app.get_by_role("textbox").nth(1)).to_have_value("Hello Ada!", timeout=APP_TIMEOUT)


STREAMLIT_APP = """\
%%writefile app.py
import streamlit as st
st.title('Hello from Streamlit')
name = st.text_input('Your name', 'Ada')
st.write('Hello', name)
"""

STREAMLIT_RUN = """\
!streamlit run app.py --server.port 8501 &>/content/st.log &
import socket, time
for _ in range(600):
    try:
        socket.create_connection(('127.0.0.1', 8501), timeout=1).close()
        break
    except OSError:
        time.sleep(0.2)
from google.colab import output
output.serve_kernel_port_as_iframe(8501)
"""


def test_a_streamlit_app_run_from_the_notebook_shows_in_its_output(hub: Hub, page: Page, make_user):
    open_notebook_on_localhost(
        page, hub, make_user("streamlit"),
        "!pip install -q streamlit\nimport streamlit\nprint('streamlit', streamlit.__version__)",
        STREAMLIT_APP,
        STREAMLIT_RUN,
        "output.serve_kernel_port_as_window(8501, anchor_text='Open the Streamlit app')",
    )
    run_to_end(page, 1, "streamlit ")
    run_to_end(page, 2, "Writing app.py")
    run(page, 3)
    app = app_frame(page, 3)
    expect(app.get_by_role("heading", name="Hello from Streamlit")).to_be_visible(timeout=APP_TIMEOUT)
    expect(app.get_by_text("Hello Ada")).to_be_visible(timeout=APP_TIMEOUT)

    # The window link opens the app in a tab on its own origin, not sandboxed (as Colab's does):
    # its storage is its own and first-party there.
    run(page, 4)
    link = cell(page, 4).frame_locator(FRAME).get_by_role("link", name="Open the Streamlit app")
    with page.expect_popup() as opened:
        link.click()
    tab = opened.value
    expect(tab.get_by_role("heading", name="Hello from Streamlit")).to_be_visible(timeout=APP_TIMEOUT)
    origin = tab.evaluate("() => window.origin")
    assert origin.startswith("http://p-") and origin.endswith(".localhost:" + hub.url.rsplit(":", 1)[1])
    assert tab.evaluate("() => { localStorage.setItem('seen', 'yes'); return localStorage.getItem('seen'); }") == "yes"
    tab.close()
