"""The seed tutorials' blocks that need a person, in the browser.

tests/test_seed_notebooks.py runs every block of the seed notebooks (tests/seeds) through a
hub; here a reader opens one in Chromium and does what those blocks ask of them: agree to Drive
access, pick a file to upload and get the file the block downloads, fill in a Colab form, and
fix the stray indentation of the tutorial's TabBar block to see its plots in tabs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_colab_stories import FRAME, run
from tests.e2e.test_notebook_stories import RUN_TIMEOUT, cell, code, open_notebook, output, upload_notebook

pytestmark = pytest.mark.e2e

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
QUICKSTART = "000_deep_learning_quickstart.ipynb"


def block(n: int) -> int:
    """The editor's cell number of the seed notebook's block n (cell 1 names the seed)."""
    return n + 1


def test_a_reader_mounts_drive_uploads_downloads_fills_the_form_and_sees_the_tabs(
        hub: Hub, page: Page, make_user, tmp_path: Path):
    reader = make_user("reader")
    upload_notebook(hub, reader, "in-my-drive.txt", b"drive bytes")
    item_id = upload_notebook(hub, reader, QUICKSTART, (SEEDS / QUICKSTART).read_bytes())
    sign_in(page, hub, reader)
    open_notebook(page, hub, item_id)
    expect(cell(page, 1)).to_contain_text("Not notebook code")

    # drive.mount asks first; with consent, `!ls /content/drive/'My Drive'` lists the Drive.
    run(page, block(7))
    consent = page.get_by_role("dialog", name="Permit this notebook to access your nbcloud Drive files?")
    expect(consent).to_be_visible(timeout=RUN_TIMEOUT)
    consent.get_by_role("button", name="Connect to nbcloud Drive").click()
    mounted = output(page, block(7))
    expect(mounted).to_contain_text("Mounted at /content/drive", timeout=RUN_TIMEOUT)
    expect(mounted).to_contain_text("Files in Drive:")
    expect(mounted).to_contain_text("in-my-drive.txt")
    expect(mounted).to_contain_text(QUICKSTART)

    # files.upload() offers a picker; the bytes arrive; files.download() hands a file back.
    picked = tmp_path / "notes.txt"
    picked.write_bytes(b"hello world")
    run(page, block(10))
    picker = cell(page, block(10)).get_by_label("Choose files")
    expect(picker).to_be_visible(timeout=RUN_TIMEOUT)
    with page.expect_download(timeout=RUN_TIMEOUT) as download:
        picker.set_input_files(str(picked))
    expect(output(page, block(10))).to_contain_text('User uploaded file "notes.txt" with length 11 bytes')
    assert download.value.suggested_filename == "example.txt"
    assert Path(download.value.path()).read_bytes() == b"some content"

    # The forms block renders as a form; what the reader picks is written into the code and run.
    form = cell(page, block(14)).get_by_role("form")
    expect(form.get_by_role("heading", name="String fields")).to_be_visible()
    expect(form.get_by_role("textbox", name="text")).to_have_value("value")
    form.get_by_role("textbox", name="text").fill("hello nbcloud")
    form.get_by_role("combobox", name="dropdown", exact=True).select_option("3rd option")
    form.get_by_role("combobox", name="text_and_dropdown").fill("my own option")
    expect(code(page, block(14))).to_contain_text(re.compile(r"""text = ["']hello nbcloud["'] #@param"""))
    expect(code(page, block(14))).to_contain_text(re.compile(r"""dropdown = ["']3rd option["'] #@param \["""))
    run(page, block(14))
    expect(output(page, block(14))).to_have_text("hello nbcloud\n3rd option\nmy own option", timeout=RUN_TIMEOUT)

    # The TabBar block as printed starts with two stray spaces. The reader deletes them and runs
    # it: four tab bars, one per grid cell, each with a plot in tab "b" (shown) and tab "a".
    run(page, block(13))
    expect(output(page, block(13))).to_contain_text("IndentationError", timeout=RUN_TIMEOUT)
    code(page, block(13)).click()
    page.keyboard.press("Control+Home")
    page.keyboard.press("Delete")
    page.keyboard.press("Delete")
    expect(code(page, block(13))).to_contain_text(re.compile(r"^from __future__ import print_function"))
    run(page, block(13))
    expect(output(page, block(13))).to_contain_text("Different orientations for tabs", timeout=RUN_TIMEOUT)
    frame = cell(page, block(13)).frame_locator(FRAME)
    for position in ("start", "bottom", "end", "top"):
        expect(frame.get_by_text(f"---- {position} ---")).to_be_visible(timeout=RUN_TIMEOUT)
    expect(frame.get_by_role("tab", name="a")).to_have_count(4)
    shown_plots = frame.locator('[role=tabpanel]:not([hidden]) img[src^="data:image/png"]')
    expect(shown_plots).to_have_count(4)
    first_a = frame.get_by_role("tab", name="a").first
    first_a.click()
    expect(first_a).to_have_attribute("aria-selected", "true")
    expect(frame.get_by_role("tabpanel", name="a").first.locator("img")).to_be_visible()
    expect(shown_plots).to_have_count(4)
