"""Colab's output-frame JavaScript API in a real browser and a real runtime, used the way Colab's
"Advanced outputs" notebook and libraries' Colab renderers use it: comms both ways with binary
buffers, pauseOutputUntil before eval_js, #output-area, setIframeHeight and no_vertical_scroll,
%%javascript and %%html."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub
from tests.e2e.test_colab_stories import FRAME, RUN_TIMEOUT, open_code_notebook, run
from tests.e2e.test_notebook_stories import cell, output

pytestmark = pytest.mark.e2e


def frame_body(page: Page, n: int, index: int = 0):
    return cell(page, n).frame_locator(FRAME).nth(index).locator("body")


ECHO_KERNEL_SIDE = """\
from IPython import get_ipython
from IPython.display import Javascript, display

def on_open(comm, open_msg):
    comm.send({'opened_with': open_msg['content']['data']},
              buffers=[bytes(reversed(b)) for b in open_msg.get('buffers') or []])
    @comm.on_msg
    def _echo(msg):
        comm.send({'echo': msg['content']['data']}, buffers=[bytes(b) + b'!' for b in msg.get('buffers') or []])

get_ipython().kernel.comm_manager.register_target('echo_target', on_open)
display(Javascript('''
(async () => {
  const area = document.querySelector('#output-area');
  const say = (text) => area.appendChild(Object.assign(document.createElement('p'), {textContent: text}));
  const comm = await google.colab.kernel.comms.open('echo_target', {hello: 1}, [new Uint8Array([1, 2, 3]).buffer]);
  await comm.send('ping', {buffers: [new Uint8Array([7]).buffer]});
  for await (const message of comm.messages) {
    const bytes = (message.buffers || []).map((b) => Array.from(new Uint8Array(b)).join(',')).join('|');
    say('got ' + JSON.stringify(message.data) + ' ' + bytes);
    if (message.data.echo) comm.close();
  }
  say('iteration ended');
})();
'''))
"""


def test_an_output_opens_a_comm_to_the_kernel_and_reads_its_answers_with_buffers(hub: Hub, page: Page, make_user):
    open_code_notebook(page, hub, make_user("comma"), ECHO_KERNEL_SIDE)
    run(page, 1)
    body = frame_body(page, 1)
    expect(body).to_contain_text('got {"opened_with":{"hello":1}} 3,2,1', timeout=RUN_TIMEOUT)
    expect(body).to_contain_text('got {"echo":"ping"} 7,33')
    expect(body).to_contain_text("iteration ended")


def test_the_kernel_opens_a_comm_to_a_target_an_output_registered(hub: Hub, page: Page, make_user):
    open_code_notebook(
        page, hub, make_user("commk"),
        "%%javascript\n"
        "google.colab.kernel.comms.registerTarget('example_comm', (comm) => {\n"
        "  (async () => {\n"
        "    for await (const message of comm.messages) {\n"
        "      const bytes = (message.buffers || []).map((b) => Array.from(new Uint8Array(b)).join(',')).join('|');\n"
        "      document.querySelector('#output-area').appendChild(Object.assign(document.createElement('p'),\n"
        "        {textContent: 'from kernel ' + JSON.stringify(message.data) + ' ' + bytes}));\n"
        "    }\n"
        "    document.body.appendChild(Object.assign(document.createElement('p'), {textContent: 'kernel closed it'}));\n"
        "  })();\n"
        "});",
        "from ipykernel.comm import Comm\n"
        "channel = Comm(target_name='example_comm', data={'foo': 1})\n"
        "channel.send({'hello': 'world'}, buffers=[b'\\x00\\xff'])\n"
        "channel.close()\n"
        "print('sent')",
    )
    run(page, 1)
    expect(cell(page, 1).locator(FRAME)).to_have_count(1, timeout=RUN_TIMEOUT)
    run(page, 2)
    expect(output(page, 2)).to_contain_text("sent", timeout=RUN_TIMEOUT)
    body = frame_body(page, 1)
    expect(body).to_contain_text('from kernel {"foo":1}')
    expect(body).to_contain_text('from kernel {"hello":"world"} 0,255')
    expect(body).to_contain_text("kernel closed it")


def test_pause_output_until_holds_eval_js_and_outputs_write_into_the_output_area(hub: Hub, page: Page, make_user):
    open_code_notebook(
        page, hub, make_user("pause"),
        "from IPython.display import display, Javascript\n"
        "from google.colab.output import eval_js\n"
        "display(Javascript('''\n"
        "google.colab.output.pauseOutputUntil(new Promise((resolve) => setTimeout(() => {\n"
        "  window.setupDone = true; resolve();\n"
        "}, 1500)));\n"
        "const area = google.colab.output.getDefaultOutputArea();\n"
        "area.appendChild(Object.assign(document.createElement('p'), {textContent:\n"
        "  'area is #' + area.id + ', active ' + (google.colab.output.getActiveOutputArea() === area) +\n"
        "  ', access ' + google.colab.kernel.accessAllowed}));\n"
        "'''))\n"
        "print('set up before eval_js:', eval_js('window.setupDone === true'))",
    )
    run(page, 1)
    expect(output(page, 1)).to_contain_text("set up before eval_js: True", timeout=RUN_TIMEOUT)
    expect(frame_body(page, 1)).to_contain_text("area is #output-area, active true, access true")


def test_set_iframe_height_and_no_vertical_scroll_size_the_output(hub: Hub, page: Page, make_user):
    open_code_notebook(
        page, hub, make_user("height"),
        "from IPython.display import Javascript\n"
        "Javascript('google.colab.output.setIframeHeight(321)')",
        "from google.colab import output\n"
        "from IPython.display import HTML, display\n"
        "output.no_vertical_scroll()\n"
        "display(HTML('<div style=\"height: 7000px; background: #eee\">a very tall output</div>'))",
    )
    run(page, 1)
    fixed = cell(page, 1).locator(FRAME)
    expect(fixed).to_have_attribute("style", "height: 321px;", timeout=RUN_TIMEOUT)
    run(page, 2)
    tall = cell(page, 2).locator(FRAME).nth(1)  # after no_vertical_scroll's own (empty) output
    expect(frame_body(page, 2, 1)).to_contain_text("a very tall output", timeout=RUN_TIMEOUT)
    # Past the page's usual 5000 px limit: the whole output shows, no scroll bar inside it.
    page.wait_for_function(
        "(el) => el.getBoundingClientRect().height >= 7000", arg=tall.element_handle(), timeout=RUN_TIMEOUT)


def test_javascript_and_html_magics_and_javascript_outputs_call_google_colab(hub: Hub, page: Page, make_user):
    open_code_notebook(
        page, hub, make_user("magics"),
        "%%javascript\n"
        "document.querySelector('#output-area').appendChild(Object.assign(document.createElement('p'),\n"
        "  {textContent: 'javascript magic ' + typeof google.colab.kernel.invokeFunction}));",
        "%%html\n<p id=\"x\">html magic</p>\n<script>document.getElementById('x').textContent += ' with its script';</script>",
        "import IPython\n"
        "from google.colab import output\n"
        "output.register_callback('notebook.shout', lambda text: IPython.display.JSON({'said': text.upper()}))\n"
        "IPython.display.Javascript('''\n"
        "(async () => {\n"
        "  const result = await google.colab.kernel.invokeFunction('notebook.shout', ['hi'], {});\n"
        "  document.body.appendChild(Object.assign(document.createElement('p'),\n"
        "    {textContent: 'python said ' + result.data['application/json'].said}));\n"
        "})();\n"
        "''')",
    )
    for n in (1, 2, 3):
        run(page, n)
    expect(frame_body(page, 1)).to_contain_text("javascript magic function", timeout=RUN_TIMEOUT)
    expect(frame_body(page, 2)).to_contain_text("html magic with its script", timeout=RUN_TIMEOUT)
    expect(frame_body(page, 3)).to_contain_text("python said HI", timeout=RUN_TIMEOUT)
