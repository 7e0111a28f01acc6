"""The seed tutorials, run through nbcloud the way their readers run them in Colab.

Each seed document in shared/seeds became a notebook in tests/seeds (its code blocks verbatim,
in order; tests/seeds/build.py). Here a real hub runs each one in a real sandboxed runtime,
block by block on one runtime, while the test plays the reader's page (it agrees to Drive
access and picks a file when asked; the browser side of those is tests/e2e/test_seed_stories.py).

Every block shows what it shows in today's Colab on a CPU runtime: what needs only this machine
works and prints what the tutorial shows; what needs the internet (downloads) or a Google
service (BigQuery, TPUs) fails with an error that says so, and the next block runs; the GPU
checks answer that there is no GPU. Code that Colab itself no longer runs (TensorFlow 1,
Python 2 era modules, the tutorials' typos) fails as it fails there.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import re
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat
import pytest

from nbcloud.hub.runtimes.sandbox import has_gpu
from tests.conftest import PASSWORD
from tests.live_hub import LiveHub, events_socket, hub_with_people, put_file, signed_in, text_of
from tests.yclient import YClient

SEEDS = Path(__file__).parent / "seeds"
RUN_TIMEOUT = 240  # a pip install or a TensorFlow import on a loaded 2-core machine


def test_each_seed_notebook_holds_its_seeds_code_blocks_verbatim():
    from tests.seeds.build import DEFAULT_SEEDS, render
    from tests.seeds.build import SEEDS as SEED_FILES

    blocks = {seed.notebook: [c for c in nbformat.read(SEEDS / seed.notebook, as_version=4).cells
                              if c.cell_type == "code"] for seed in SEED_FILES}
    assert {name: len(cells) for name, cells in blocks.items()} == {
        "000_deep_learning_quickstart.ipynb": 14, "001_colab_tutorial_tf2.ipynb": 1,
        "002_colab_and_pytorch_tutorial.ipynb": 20, "003_colab_gpu_keras_fashion_mnist.ipynb": 9,
        "004_colab_drive_kaggle_tpu.ipynb": 9}
    if not DEFAULT_SEEDS.is_dir():
        pytest.skip(f"the seed documents are not beside this checkout ({DEFAULT_SEEDS})")
    for seed in SEED_FILES:
        assert (SEEDS / seed.notebook).read_text(encoding="utf-8") == render(seed, DEFAULT_SEEDS), (
            f"{seed.notebook} differs from {seed.file}: run tests/seeds/build.py")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    # The default memory limit: TensorFlow and torch import under it, as in any runtime.
    with hub_with_people(tmp_path_factory.mktemp("seeds") / "data", people=(), runtime_sandbox="bwrap") as server:
        yield server


_readers = iter(range(1, 1000))


class Reader:
    """A person with one seed notebook open: runs its blocks in order and answers the page's
    questions (Drive consent: yes; a file to upload: ``picks``). Downloads are kept."""

    def __init__(self, live: LiveHub, notebook: str, picks: Sequence[tuple[str, bytes]] = ()) -> None:
        self.live = live
        username = f"reader{next(_readers)}"
        admin = signed_in(live, "admin")
        assert admin.post("/api/admin/users", json={"username": username, "password": PASSWORD}).status_code == 201
        self.client = signed_in(live, username)
        self.picks = list(picks)
        self.downloads: list[tuple[str, bytes]] = []
        self.asked: list[str] = []
        self.nb = nbformat.read(SEEDS / notebook, as_version=4)
        self.item_id = put_file(self.client, notebook, (SEEDS / notebook).read_bytes())
        assert self.client.post(f"/api/trust/{self.item_id}").status_code == 200  # as "Run anyway" does
        self._socket = events_socket(live, self.client, self.item_id)
        self._ws = self._socket.__enter__()
        self._page = threading.Thread(target=self._answer, daemon=True)
        self._page.start()

    def _answer(self) -> None:
        while True:
            try:
                event = json.loads(self._ws.recv())
            except Exception:  # noqa: BLE001 - the socket closed: the reader left
                return
            if event["type"] != "colab_request":
                continue
            kind, body = event["request_type"], event["request"]
            self.asked.append(kind)
            reply: object = {}
            if kind == "drive_mount":
                reply = {"consent": True}
            elif kind == "files_upload":
                reply = {"files": [{"name": n, "data": base64.b64encode(d).decode()} for n, d in self.picks]}
            elif kind == "files_download":
                self.downloads.append((body["name"], base64.b64decode(body["data"])))
            self._ws.send(json.dumps({"type": "colab_reply", "request_id": event["request_id"], "reply": reply}))

    def cell(self, cell_id: str) -> dict:
        nb = self.client.get(f"/api/documents/{self.item_id}").json()
        return next(c for c in nb["cells"] if c["id"] == cell_id)

    def start(self, block: int | str) -> tuple[str, tuple]:
        cell_id = block if isinstance(block, str) else f"block-{block:02d}"
        before = self.cell(cell_id)
        mark = (before["execution_count"], before["metadata"].get("execution", {}).get("shell.execute_reply"))
        r = self.client.post(f"/api/notebooks/{self.item_id}/execute", json={"cell_ids": [cell_id]})
        assert r.status_code == 202, r.text
        return cell_id, mark

    def finished(self, cell_id: str, mark: tuple) -> dict | None:
        cell = self.cell(cell_id)
        reply = cell["metadata"].get("execution", {}).get("shell.execute_reply")
        if cell["execution_count"] and reply and (cell["execution_count"], reply) != mark:
            return cell
        return None

    def run(self, block: int | str, timeout: float = RUN_TIMEOUT) -> dict:
        """Run one block (Ctrl+Enter) and wait until it is done; returns the cell."""
        cell_id, mark = self.start(block)
        deadline = time.monotonic() + timeout
        while (cell := self.finished(cell_id, mark)) is None:
            assert time.monotonic() < deadline, f"{cell_id} did not finish: {self.cell(cell_id)}"
            time.sleep(0.1)
        return cell

    def interrupt(self) -> None:
        assert self.client.post(f"/api/notebooks/{self.item_id}/interrupt").status_code == 204

    def edit(self, change) -> None:
        """Edit the notebook as in the editor (a live document client), then wait for the hub."""
        cookie = f"nbcloud_session={self.client.cookies['nbcloud_session']}"

        async def go() -> None:
            c = await YClient.connect(self.live.ws_url(self.item_id), origin=self.live.origin, cookie=cookie)
            await c.wait_synced()
            change(c.nb)
            wanted = [(cell["id"], cell["source"]) for cell in c.nb.get()["cells"]]
            deadline = time.monotonic() + 20
            while True:
                have = await asyncio.to_thread(self.client.get, f"/api/documents/{self.item_id}")
                cells = [(cell["id"], "".join(cell["source"])) for cell in have.json()["cells"]]
                if cells == wanted:
                    break
                assert time.monotonic() < deadline, "the hub never got the edit"
                await asyncio.sleep(0.05)
            await c.close()

        asyncio.run(go())

    def drive_names(self, path: str = "") -> list[str]:
        return [i["name"] for i in self.client.get("/api/drive/list", params={"path": path}).json()["items"]]

    def leave(self) -> None:
        """Close the page and give the runtime back (the machine is small)."""
        self._socket.__exit__(None, None, None)
        session = self.live.hub.execution._sessions.get(self.item_id)
        if session is not None:
            asyncio.run_coroutine_threadsafe(session.unassign(), self.live.loop).result(60)


def shown(cell: dict) -> str:
    """The cell's text output as the reader sees it (a terminal's CR LF read as one line end)."""
    return text_of(cell).replace("\r\n", "\n")


def error(cell: dict) -> tuple[str, str] | None:
    errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
    return (errors[0]["ename"], errors[0]["evalue"]) if errors else None


def stderr(cell: dict) -> str:
    return "".join("".join(o["text"]) for o in cell["outputs"] if o.get("name") == "stderr")


def html(cell: dict) -> str:
    return "".join("".join(o.get("data", {}).get("text/html", "")) for o in cell["outputs"] if "data" in o)


def pngs(cell: dict) -> list[bytes]:
    return [base64.b64decode(o["data"]["image/png"]) for o in cell["outputs"] if "image/png" in o.get("data", {})]


def is_png(data: bytes) -> bool:
    return data.startswith(b"\x89PNG\r\n\x1a\n")


def ok(cell: dict) -> dict:
    assert error(cell) is None, f"{cell['id']} failed: {error(cell)}\n{shown(cell)}"
    return cell


def fails(cell: dict, ename: str, evalue: str) -> dict:
    raised = error(cell)
    assert raised is not None, f"{cell['id']} was expected to fail with {ename}: {shown(cell)}"
    assert raised[0] == ename and evalue in raised[1], raised
    return cell


# ----- 000: 在 Google Colab 中快速实践深度学习 ---------------------------------------------------------------


BIG_DOWNLOAD = re.compile(r"Downloading (tf_nightly|tensorflow)-\S+")


def test_the_deep_learning_quickstart_runs_as_in_colab(live):
    reader = Reader(live, "000_deep_learning_quickstart.ipynb", picks=[("notes.txt", b"hello world")])

    # The install block. pip reaches PyPI; apt-get says why it cannot work here; pip knows the
    # runtime's TensorFlow; TensorFlow 1.2 no longer exists for this Python. Nobody waits for a
    # 600 MB nightly build: the reader stops the download, and the block goes on to the Python 2
    # era `wheel.pep425tags`, which today's wheel no longer has (as in Colab).
    cell_id, mark = reader.start(1)
    stopped: list[str] = []
    deadline = time.monotonic() + RUN_TIMEOUT
    while (cell := reader.finished(cell_id, mark)) is None:
        assert time.monotonic() < deadline, shown(reader.cell(cell_id))
        for download in BIG_DOWNLOAD.findall(shown(reader.cell(cell_id))):
            if download not in stopped:
                stopped.append(download)
                reader.interrupt()
        time.sleep(0.1)
    out = shown(cell)
    assert "matplotlib-venn" not in out  # -q: installed without a word
    assert "E: System packages cannot be installed in an nbcloud runtime" in out
    assert "You asked: apt-get -qq install -y libfluidsynth1" in out
    assert re.search(r"Name: tensorflow\nVersion: 2\.", out)
    assert "Requirement already satisfied: tensorflow " in out or "tensorflow" in stopped
    assert "No matching distribution found for tensorflow==1.2" in out
    assert "Collecting tf-nightly" in out
    assert "tf_nightly" not in stopped or "Operation cancelled by user" in out
    fails(cell, "ModuleNotFoundError", "No module named 'wheel.pep425tags'")

    assert shown(ok(reader.run(2))) == "env: KAGGLE_USERNAME=abcdefgh\n"

    # The hardware blocks: the machine's /proc, memory, kernel and disks, as in the screenshot.
    out = shown(ok(reader.run(3)))
    for what in ("cpuinfo", "meminfo", "model name", "MemTotal:", "Linux version", "Character devices:",
                 "1K-blocks", "Mounted on"):
        assert what in out, (what, out[-3000:])

    # GPU checks on a CPU runtime: a clear "no GPU", as the tutorial's code raises it.
    fails(reader.run(4), "SystemError", "GPU device not found")
    # TensorFlow 1 code (tf.ConfigProto, tf.Session) fails as in today's Colab: TF 2 only.
    fails(reader.run(5), "AttributeError", "module 'tensorflow' has no attribute 'ConfigProto'")
    # The tutorial's prose slipped into this block: Python says so at its first line.
    fails(reader.run(6), "SyntaxError", "invalid character '，' (U+FF0C)")

    # drive.mount asks (the page agrees), then `!ls /content/drive/'My Drive'` lists the Drive.
    out = shown(ok(reader.run(7)))
    assert reader.asked.count("drive_mount") == 1
    assert out.startswith("Mounted at /content/drive\nFiles in Drive:\n")
    assert "'Colab Notebooks'" in out and "000_deep_learning_quickstart.ipynb" in out

    # Folders made through the mount land in the reader's Drive; the downloads need the internet.
    out = shown(ok(reader.run(8)))
    assert "env: DIR=/content/drive/My Drive/Data/animals/cats_and_dogs" in out
    assert "mkdir: created directory '/content/drive/My Drive/Data/animals/cats_and_dogs'" in out
    assert "unable to resolve host address" in out and "s3.amazonaws.com" in out
    assert "cats_and_dogs" in reader.drive_names("Data/animals")

    # `imp` still imports on this Python (with its deprecation warning); the helper files are
    # the author's own, in their Drive.
    cell = fails(reader.run(9), "FileNotFoundError", "'drive/path/to/helper.py'")
    assert "the imp module is deprecated" in stderr(cell)

    out = shown(ok(reader.run(10)))
    assert 'User uploaded file "notes.txt" with length 11 bytes' in out
    assert reader.downloads == [("example.txt", b"some content")]

    # BigQuery is a Google service: its client library is left out of nbcloud's Colab stack
    # (other google.* packages are there, so Python finds google.cloud but no bigquery in it).
    fails(reader.run(11), "ImportError", "cannot import name 'bigquery' from 'google.cloud'")

    # As printed, the Grid block uses `widgets` before any block imports it, and the TabBar block
    # starts with two stray spaces: Colab answers both the same way.
    fails(reader.run(12), "NameError", "name 'widgets' is not defined")
    fails(reader.run(13), "IndentationError", "unexpected indent")

    # The forms block prints its default values (the browser story changes them).
    assert shown(ok(reader.run(14))) == "value\n1st option\n2nd option\n"

    # The reader reads a value back, removes the stray spaces and runs the TabBar block, then the
    # Grid block again: every plot lands in its tab or grid cell, none below the widget.
    def fix(nb) -> None:
        index = next(i for i, c in enumerate(nb.ycells) if c["id"] == "block-13")
        del nb.ycells[index]["source"][0:2]
        nb.append_cell({"cell_type": "code", "id": "reader-env", "source": "!echo $KAGGLE_USERNAME",
                        "metadata": {}, "outputs": [], "execution_count": None})

    reader.edit(fix)
    assert shown(ok(reader.run("reader-env"))) == "abcdefgh\n"

    tabs = ok(reader.run(13))
    assert shown(tabs).startswith("Different orientations for tabs\n")
    assert not pngs(tabs)
    grid = html(tabs)
    cells = re.findall(r'<td class="colab-grid-cell" data-row="0" data-col="(\d)"[^>]*>(.*?)</td>', grid, re.S)
    assert [col for col, _ in cells] == ["0", "1", "2", "3"]
    for (_, content), position in zip(cells, ["start", "bottom", "end", "top"], strict=True):
        assert f"<pre>---- {position} ---\n</pre>" in content
        assert content.count('class="colab-tabbar"') == 1
        panels = re.findall(r'<div role="tabpanel" aria-label="(a|b)"[^>]*>(.*?)</div>', content, re.S)
        assert [name for name, _ in panels] == ["a", "b"]
        for _, panel in panels:  # pylab.plot in tab a, pylab.show() in tab b: one PNG each
            assert panel.count('<img src="data:image/png;base64,') == 1
    bottom = cells[1][1]
    assert bottom.index('role="tabpanel"') < bottom.index('role="tablist"')  # 'bottom': tabs below

    grid_cell = ok(reader.run(12))
    assert len(grid_cell["outputs"]) == 1 and not pngs(grid_cell)  # one grid, redrawn in place
    cells = re.findall(r'<td class="colab-grid-cell" data-row="(\d)" data-col="(\d)"[^>]*>(.*?)</td>',
                       html(grid_cell), re.S)
    assert len(cells) == 4
    plotted = [content.count("data:image/png;base64,") for _, _, content in cells]
    # clear_cell() empties only the cell being drawn in: each cell keeps its last plot (20 random
    # draws over 4 cells hit more than one)
    assert set(plotted) <= {0, 1} and sum(plotted) >= 2
    for _, _, content in cells:
        for b64 in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", content):
            assert is_png(base64.b64decode(b64))
    reader.leave()


# ----- 001: Colab教程 (TensorFlow 2) ------------------------------------------------------------------------


def test_the_tf2_tutorial_finds_no_gpu_and_needs_the_internet_for_cifar10(live):
    reader = Reader(live, "001_colab_tutorial_tf2.ipynb")
    cell = fails(reader.run(1), "Exception", "URL fetch failure on https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz")
    out = shown(cell)
    # tf.test.is_gpu_available() and gpu_device_name() answer "no GPU" before the download.
    assert "False\n" in out and "Downloading data from https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz" in out
    assert "Name or service not known" in error(cell)[1]
    # The runtime is still there for the next try.
    runtime = reader.client.get(f"/api/notebooks/{reader.item_id}/runtime").json()
    assert runtime["status"] == "idle"
    reader.leave()


# ----- 002: Colab Tutorial and PyTorch Tutorial -----------------------------------------------------------


def test_the_pytorch_tutorial_blocks_show_what_the_notes_say(live):
    reader = Reader(live, "002_colab_and_pytorch_tutorial.ipynb")
    assert shown(ok(reader.run(1))) == "False"  # torch.cuda.is_available()
    out = shown(ok(reader.run(2)))
    if has_gpu():  # a machine with a GPU: the driver's nvidia-smi shows it
        assert "NVIDIA-SMI" in out and "Driver Version" in out
    else:
        assert out.startswith("NVIDIA-SMI has failed because this runtime has no GPU.")
        assert "command not found" not in out
    # gdown (in Colab's stack) fetches from Google Drive, which this test's machine cannot reach.
    out = shown(ok(reader.run(3)))
    assert "drive.google.com" in out and "command not found" not in out
    assert shown(ok(reader.run(4))) == "sample_data\n"

    assert shown(ok(reader.run(5))) == "Mounted at /content/drive\n"
    # %cd into the Drive, make a folder there, and the shell agrees where it is.
    assert shown(ok(reader.run(6))) == "/content/drive/MyDrive\n/content/drive/MyDrive/ML2023\n"
    assert shown(ok(reader.run(7))) == "/content/drive/MyDrive/ML2023\n"
    assert "ML2023" in reader.drive_names()

    # The lecture notes' snippets, verbatim: the Dataset block puts __getitem__/__len__ outside
    # the class and reads an undefined `file`; the tensor blocks use np and y the notes never
    # define; the .to() block has typographic quotes; the model block is mis-indented.
    fails(reader.run(8), "NameError", "name 'file' is not defined")
    fails(reader.run(9), "NameError", "name 'np' is not defined")
    fails(reader.run(10), "NameError", "name 'y' is not defined")
    fails(reader.run(11), "SyntaxError", "invalid character '‘' (U+2018)")
    assert shown(ok(reader.run(12))) == "torch.Size([64])"
    fails(reader.run(13), "IndentationError", "unexpected indent")
    fails(reader.run(14), "NameError", "name 'nn' is not defined")
    for block in range(15, 21):  # the training notes need the model the notes never build
        ename, evalue = error(reader.run(block)) or ("", "")
        assert ename == "NameError", (block, ename, evalue)

    # A reader defines what the notes leave out, asks IPython to show every expression, and runs
    # the tensor blocks again: each shape is the one in the notes' comments.
    def define(nb) -> None:
        nb.append_cell({"cell_type": "code", "id": "reader-defs", "metadata": {}, "outputs": [],
                        "execution_count": None, "source": "import numpy as np\ny = torch.zeros([1, 2, 5])\n"
                        "%config InteractiveShell.ast_node_interactivity = 'all'"})

    reader.edit(define)
    ok(reader.run("reader-defs"))
    ok(reader.run(9))
    shapes = [o["data"]["text/plain"] for o in ok(reader.run(10))["outputs"] if o["output_type"] == "execute_result"]
    assert shapes == ["torch.Size([2, 3])", "torch.Size([3, 2])", "torch.Size([1, 2, 3])", "torch.Size([2, 3])",
                      "torch.Size([2, 3])", "torch.Size([2, 1, 3])", "torch.Size([2, 6, 3])"]
    shapes = [o["data"]["text/plain"] for o in ok(reader.run(12))["outputs"] if o["output_type"] == "execute_result"]
    assert shapes == ["torch.Size([64, 32])", "torch.Size([64])"]
    reader.leave()


# ----- 003: Colab (Korean: Tensorflow/PyTorch with GPU, Fashion MNIST) ---------------------------------------


def test_the_gpu_and_keras_tutorial_installs_venn_and_answers_no_gpu(live):
    reader = Reader(live, "003_colab_gpu_keras_fashion_mnist.ipynb")
    assert shown(ok(reader.run(1))) == ""  # !pip install -q matplotlib-venn, from PyPI
    venn = ok(reader.run(2))
    assert len(pngs(venn)) == 1 and is_png(pngs(venn)[0])
    assert shown(ok(reader.run(3))) == "Mounted at /content/drive\n"

    cell = fails(reader.run(4), "SystemError", "GPU device not found")
    assert shown(cell).startswith("Colab only includes TensorFlow 2.x; %tensorflow_version has no effect.\n")
    assert shown(ok(reader.run(5))) == ""  # torch: no CUDA, so the GPU branch prints nothing

    cell = fails(reader.run(6), "Exception", "URL fetch failure on https://storage.googleapis.com/tensorflow/")
    assert "Downloading data from https://storage.googleapis.com/tensorflow/tf-keras-datasets/" in shown(cell)
    assert shown(ok(reader.run(7))) == ""  # def create_model()
    fails(reader.run(8), "NameError", "name 'x_train' is not defined")  # Fashion MNIST never arrived
    fails(reader.run(9), "NameError", "name 'x_train' is not defined")
    reader.leave()


# ----- 004: Google Colab & Drive / Kaggle ----------------------------------------------------------------


def test_the_drive_and_kaggle_notes_read_the_drive_and_need_the_internet_for_kaggle(live):
    from PIL import Image

    reader = Reader(live, "004_colab_drive_kaggle_tpu.ipynb", picks=[("notes.txt", b"hello world")])
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(photo, "JPEG")
    put_file(reader.client, "1.jpg", photo.getvalue())  # the reader's photo, in their Drive

    # drive.mount, then the Drive under the name it had in 2019 ("My Drive").
    cell = ok(reader.run(1))
    assert shown(cell).startswith("Mounted at /content/drive\n")
    listing = cell["outputs"][-1]["data"]["text/plain"]
    assert "'1.jpg'" in listing and "'Colab Notebooks'" in listing

    cell = ok(reader.run(2))  # PIL opens the photo from the Drive; matplotlib shows it
    assert shown(cell).startswith("RGB\n")
    assert len(pngs(cell)) == 1 and is_png(pngs(cell)[0])

    assert shown(ok(reader.run(3))) == ""  # pip install kaggle; ~/.kaggle/kaggle.json
    out = shown(ok(reader.run(4)))  # the Kaggle API is on the internet
    assert "api.kaggle.com" in out and ("Failed to resolve" in out or "Name or service not known" in out)

    out = shown(ok(reader.run(5)))  # the working folder is the Drive now: the upload lands there
    assert out == 'Saving notes.txt to notes.txt\nUser uploaded file "notes.txt" with length 11 bytes\n'
    assert "notes.txt" in reader.drive_names()
    # The weights file comes from a training run that is not in these notes.
    fails(reader.run(6), "FileNotFoundError", "Cannot find file: ./weight.best.hdf5")
    # TPUs: Colab's TPU address is not there, and TF 1's contrib/logging are gone.
    fails(reader.run(7), "KeyError", "'COLAB_TPU_ADDR'")
    fails(reader.run(8), "NameError", "name 'tf' is not defined")
    fails(reader.run(9), "NameError", "name 'tpu_model' is not defined")
    reader.leave()
