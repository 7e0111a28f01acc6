"""Colab in the browser: what `google.colab` asks of the page of the person who runs a cell.

eval_js runs in the cell's sandboxed output frame, files move through a picker and downloads,
drive.mount asks for consent, outputs call Python through google.colab.kernel.invokeFunction,
and secrets are managed in the Secrets panel. A hostile output gets no more than Colab gives it.
"""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import cell, code, notebook_json, output, upload_notebook

pytestmark = pytest.mark.e2e

RUN_TIMEOUT = 90_000
FRAME = 'iframe[title="Output"]'


def open_code_notebook(page: Page, hub: Hub, username: str, *sources: str) -> str:
    item_id = upload_notebook(hub, username, "colab.ipynb", notebook_json(*[("code", s) for s in sources]))
    sign_in(page, hub, username)
    page.goto(f"{hub.url}/notebook/{item_id}")
    expect(cell(page, 1)).to_be_visible()
    return item_id


def run(page: Page, n: int) -> None:
    code(page, n).click()
    page.keyboard.press("Control+Enter")


def test_eval_js_returns_values_awaits_promises_and_runs_sandboxed(hub: Hub, page: Page, make_user):
    open_code_notebook(
        page, hub, make_user("eve"),
        "from google.colab.output import eval_js\n"
        "print(eval_js('1 + 2'))\n"
        "print(eval_js('new Promise(r => setTimeout(() => r({a: [1, \"x\"]}), 100))'))\n"
        "print('origin', eval_js('window.origin'))\n"
        "try:\n    eval_js('notDefinedAnywhere()')\nexcept Exception as e:\n    print(type(e).__name__, e)",
    )
    run(page, 1)
    out = output(page, 1)
    expect(out).to_contain_text("MessageError", timeout=RUN_TIMEOUT)
    expect(out).to_contain_text("3")
    expect(out).to_contain_text("{'a': [1, 'x']}")
    # The frame's own origin: the script ran in a sandboxed output frame, not in the notebook page.
    expect(out).to_contain_text(re.compile(r"origin http://f-[a-z2-7]{26}\.localhost:\d+"))
    expect(out).to_contain_text("MessageError ReferenceError: notDefinedAnywhere is not defined")


def test_a_javascript_output_defines_what_eval_js_calls(hub: Hub, page: Page, make_user):
    # Colab's camera snippet: display(Javascript('async function takePhoto...')) then eval_js.
    open_code_notebook(
        page, hub, make_user("cam"),
        "from IPython.display import display, Javascript\n"
        "from google.colab.output import eval_js\n"
        "display(Javascript('''\n"
        "async function double(x) {\n"
        "  const p = document.createElement('p'); p.textContent = 'doubling ' + x; document.body.appendChild(p);\n"
        "  await new Promise(r => setTimeout(r, 50));\n"
        "  return x * 2;\n"
        "}'''))\n"
        "print('result', eval_js('double(21)'))",
    )
    run(page, 1)
    expect(output(page, 1)).to_contain_text("result 42", timeout=RUN_TIMEOUT)
    expect(cell(page, 1).frame_locator(FRAME).locator("body")).to_contain_text("doubling 21")


def test_a_button_in_an_output_calls_python_through_invoke_function(hub: Hub, page: Page, make_user):
    open_code_notebook(
        page, hub, make_user("ivo"),
        "import IPython\n"
        "from google.colab import output\n"
        "def greet(name):\n"
        "    print(f'hello {name} from Python')\n"
        "    return IPython.display.JSON({'greeting': 'hi ' + name})\n"
        "output.register_callback('notebook.greet', greet)\n"
        "display(IPython.display.HTML('''<button id=\"b\">Greet</button><div id=\"out\"></div><script>\n"
        "document.getElementById('b').onclick = async () => {\n"
        "  const r = await google.colab.kernel.invokeFunction('notebook.greet', ['Ada'], {});\n"
        "  document.getElementById('out').textContent = r.data['application/json'].greeting;\n"
        "};</script>'''))",
    )
    run(page, 1)
    frame = cell(page, 1).frame_locator(FRAME)
    frame.get_by_role("button", name="Greet").click(timeout=RUN_TIMEOUT)
    expect(frame.locator("#out")).to_have_text("hi Ada", timeout=RUN_TIMEOUT)
    expect(output(page, 1)).to_contain_text("hello Ada from Python")


def test_files_upload_through_the_picker_and_download_to_the_browser(hub: Hub, page: Page, make_user, tmp_path: Path):
    open_code_notebook(
        page, hub, make_user("ula"),
        "from google.colab import files\n"
        "up = files.upload()\n"
        "for name, data in up.items():\n"
        "    print(name, len(data), data[:5], open('/content/' + name, 'rb').read() == data)",
        "from google.colab import files\n"
        "open('report.bin', 'wb').write(bytes(range(256)) * 40)\n"
        "files.download('report.bin')",
    )
    picked = tmp_path / "notes.txt"
    picked.write_bytes(b"hello world")
    run(page, 1)
    picker = cell(page, 1).get_by_label("Choose files")
    expect(picker).to_be_visible(timeout=RUN_TIMEOUT)
    picker.set_input_files(str(picked))
    expect(output(page, 1)).to_contain_text("Saving notes.txt to notes.txt", timeout=RUN_TIMEOUT)
    expect(output(page, 1)).to_contain_text("notes.txt 11 b'hello' True")
    expect(cell(page, 1).get_by_label("Choose files")).to_have_count(0)

    with page.expect_download(timeout=RUN_TIMEOUT) as download:
        run(page, 2)
    assert download.value.suggested_filename == "report.bin"
    assert Path(download.value.path()).read_bytes() == bytes(range(256)) * 40


def test_drive_mount_asks_first_no_thanks_refuses_and_connect_mounts(hub: Hub, page: Page, make_user):
    username = make_user("dora")
    upload_notebook(hub, username, "in-my-drive.txt", b"drive bytes")
    open_code_notebook(
        page, hub, username,
        "from google.colab import drive\ndrive.mount('/content/drive')",
        "!ls /content/drive/MyDrive",
    )
    run(page, 1)
    consent = page.get_by_role("dialog", name="Permit this notebook to access your nbcloud Drive files?")
    expect(consent).to_be_visible(timeout=RUN_TIMEOUT)
    consent.get_by_role("button", name="No thanks").click()
    expect(output(page, 1)).to_contain_text("Drive access was not allowed", timeout=RUN_TIMEOUT)
    expect(consent).to_have_count(0)

    run(page, 1)
    expect(consent).to_be_visible(timeout=RUN_TIMEOUT)
    consent.get_by_role("button", name="Connect to nbcloud Drive").click()
    expect(output(page, 1)).to_contain_text("Mounted at /content/drive", timeout=RUN_TIMEOUT)
    run(page, 2)
    expect(output(page, 2)).to_contain_text("in-my-drive.txt", timeout=RUN_TIMEOUT)


def test_userdata_get_needs_notebook_access_from_the_secrets_panel(hub: Hub, page: Page, make_user):
    open_code_notebook(
        page, hub, make_user("sam"),
        "from google.colab import userdata\n"
        "try:\n    print('key is', userdata.get('API_KEY'))\nexcept Exception as e:\n    print(type(e).__name__)",
    )
    page.get_by_role("button", name="Secrets").click()
    panel = page.get_by_role("complementary", name="Secrets")
    panel.get_by_label("Secret name").fill("API_KEY")
    panel.get_by_label("Secret value").fill("s3cr3t")
    panel.get_by_role("button", name="Add secret").click()
    access = panel.get_by_role("switch", name="Notebook access for API_KEY")
    expect(access).not_to_be_checked()
    panel.get_by_role("button", name="Close").click()

    run(page, 1)
    expect(output(page, 1)).to_have_text("NotebookAccessError", timeout=RUN_TIMEOUT)

    page.get_by_role("button", name="Secrets").click()
    access.check()
    expect(access).to_be_checked()
    panel.get_by_role("button", name="Close").click()
    run(page, 1)
    expect(output(page, 1)).to_have_text("key is s3cr3t", timeout=RUN_TIMEOUT)

    page.get_by_role("button", name="Secrets").click()
    panel.get_by_role("button", name="Delete secret API_KEY").click()
    expect(panel.get_by_text("No secrets yet")).to_be_visible()
    panel.get_by_role("button", name="Close").click()
    run(page, 1)
    expect(output(page, 1)).to_have_text("SecretNotFoundError", timeout=RUN_TIMEOUT)


HOSTILE = """<p id="r">probing</p><p id="n">0</p><script>
const say = (t) => { document.getElementById('r').textContent += ' | ' + t; };
// Guessing request ids and posing as the page, as another cell, as a frame that was asked.
let rounds = 0;
setInterval(() => {
  for (const id of ['1', 'x', 'colab-1', 'invoke-1']) {
    parent.postMessage({type: 'colab_reply', request_id: id, reply: {files: [{name: 'evil', data: 'AA=='}]}}, '*');
    parent.postMessage({nbcloud: 'colab-eval-result', id, value: 'forged'}, '*');
  }
  document.getElementById('n').textContent = String(++rounds);
}, 100);
parent.postMessage({nbcloud: 'colab-invoke', id: 9, name: 'notebook.log', args: ['by the hostile output'], kwargs: {}, cell_id: 'c2'}, '*');
fetch('/api/secrets', {credentials: 'include'}).then(r => r.text().then(t => say('api ' + r.status + ' ' + t)), () => say('api blocked'));
try { say('parent ' + parent.document.title); } catch (e) { say('parent blocked'); }
const ws = new WebSocket(location.href.replace(/^http/, 'ws').replace(/[/]output-frame.html.*$/, '/api/notebooks/OTHER/events'));
ws.onopen = () => say('socket open'); ws.onclose = () => say('socket refused');
</script>"""


def test_a_hostile_output_cannot_answer_for_another_cell_or_reach_the_api(hub: Hub, page: Page, make_user):
    username = make_user("mal")
    with closing(hub.signed_in(username)) as client:
        client.post("/api/secrets", json={"name": "TOKEN", "value": "do-not-leak"}).raise_for_status()
    other = upload_notebook(hub, username, "other.ipynb", notebook_json(("code", "1")))
    open_code_notebook(
        page, hub, username,
        "from google.colab import output\n"
        "output.register_callback('notebook.log', lambda text: print('logged', text))",
        "from IPython.display import HTML, display\n"
        f"display(HTML({HOSTILE.replace('OTHER', other)!r}))",
        "from google.colab import files\nprint(files.upload())",
    )
    run(page, 1)
    run(page, 2)
    probe = cell(page, 2).frame_locator(FRAME)
    expect(probe.locator("#r")).to_contain_text("api blocked", timeout=RUN_TIMEOUT)
    expect(probe.locator("#r")).to_contain_text("parent blocked")
    expect(probe.locator("#r")).to_contain_text("socket refused")
    expect(probe.locator("#r")).not_to_contain_text("do-not-leak")
    # Invoking a registered callback is what Colab allows an output; it runs for its own cell.
    expect(output(page, 2)).to_contain_text("logged by the hostile output", timeout=RUN_TIMEOUT)

    run(page, 3)
    expect(cell(page, 3).get_by_label("Choose files")).to_be_visible(timeout=RUN_TIMEOUT)
    rounds = int(probe.locator("#n").text_content())
    expect(probe.locator("#n")).not_to_have_text(re.compile(rf"^({'|'.join(str(rounds + i) for i in range(11))})$"))
    # Many rounds of forged replies later, the upload of cell 3 still waits for its person.
    expect(cell(page, 3).get_by_label("Choose files")).to_be_visible()
    expect(output(page, 3)).to_have_count(0)
    cell(page, 3).get_by_role("button", name="Cancel upload").click()
    expect(output(page, 3)).to_have_text("{}", timeout=RUN_TIMEOUT)
