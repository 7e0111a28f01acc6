"""Colab notebooks as people write them, run cell by cell by a person in a real browser.

Each notebook in tests/corpus/ uses one area of Colab the way Colab's documentation and snippets
do (its packages, the output frame's JavaScript API, camera and microphone, Drive mounts,
widgets, web apps...). A reader uploads it, opens it and runs every code cell in order with
Ctrl+Enter, doing what a cell asks of a person (agreeing to Drive access, picking a file). A
cell's metadata says what Colab itself does with it::

    {"corpus": {"expect": "ok"}}                      runs without an error
    {"corpus": {"expect": "error", "ename": "..."}}   fails as it fails in Colab
    {"corpus": {"consent": "drive"}}                  the reader agrees to Drive access
    {"corpus": {"upload": {"name": "a.txt", "text": "..."}}}  the reader picks that file
    {"corpus": {"click": "Capture"}}                  the reader clicks that button in the cell's output
    {"corpus": {"timeout": 300}}                      seconds the cell may take (default 180)

Cells without a "corpus" entry are expected to run ("ok"). The test prints the share of cells
that ran as expected and fails below 100%.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in
from tests.e2e.test_notebook_stories import cell, code, open_notebook, output, upload_notebook

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
NOTEBOOKS = sorted(CORPUS.glob("*.ipynb"))
DEFAULT_TIMEOUT_S = 180
FINISHED = re.compile(r"^(done|error)$")


@dataclass
class Tally:
    ran: int = 0
    expected: int = 0
    failures: list[str] = field(default_factory=list)


def expectation(source_cell: dict) -> dict:
    return dict(source_cell.get("metadata", {}).get("corpus", {}))


def do_what_the_cell_asks(page: Page, n: int, wanted: dict, tmp_path: Path) -> None:
    if wanted.get("consent") == "drive":
        consent = page.get_by_role("dialog", name="Permit this notebook to access your nbcloud Drive files?")
        expect(consent).to_be_visible(timeout=DEFAULT_TIMEOUT_S * 1000)
        consent.get_by_role("button", name="Connect to nbcloud Drive").click()
    if upload := wanted.get("upload"):
        picked = tmp_path / upload["name"]
        picked.write_text(upload.get("text", ""))
        picker = cell(page, n).get_by_label("Choose files")
        expect(picker).to_be_visible(timeout=DEFAULT_TIMEOUT_S * 1000)
        picker.set_input_files(str(picked))
    if click := wanted.get("click"):
        # A button the cell's output shows (Colab's camera snippet: "Capture"), once it is there.
        button = cell(page, n).frame_locator('iframe[title="Output"]').last.get_by_role("button", name=click)
        expect(button.first).to_be_visible(timeout=int(wanted.get("timeout", DEFAULT_TIMEOUT_S)) * 1000)
        button.first.click()


def run_cell(page: Page, n: int, wanted: dict, tmp_path: Path) -> str | None:
    """Runs cell n as a person does; returns why it did not end as Colab ends it, or None."""
    code(page, n).click()
    page.keyboard.press("Control+Enter")
    do_what_the_cell_asks(page, n, wanted, tmp_path)
    state = cell(page, n).get_by_role("status", name="Cell state")
    timeout_ms = int(wanted.get("timeout", DEFAULT_TIMEOUT_S)) * 1000
    try:
        expect(state).to_have_attribute("data-state", FINISHED, timeout=timeout_ms)
    except AssertionError:
        return f"did not finish in {timeout_ms // 1000} s (state {state.get_attribute('data-state')!r})"
    finished = state.get_attribute("data-state")
    shown = output(page, n).inner_text() if output(page, n).count() else ""
    if wanted.get("expect", "ok") == "ok":
        return None if finished == "done" else f"failed: {shown[-600:]}"
    if finished != "error":
        return "ran, but Colab raises here"
    ename = wanted.get("ename")
    return None if not ename or ename in shown else f"failed differently: {shown[-600:]}"


def run_notebook(page: Page, hub: Hub, reader: str, path: Path, tmp_path: Path, tally: Tally) -> None:
    notebook = json.loads(path.read_text())
    item_id = upload_notebook(hub, reader, path.name, path.read_bytes())
    open_notebook(page, hub, item_id)
    for n, source_cell in enumerate(notebook["cells"], start=1):
        if source_cell["cell_type"] != "code":
            continue
        tally.expected += 1
        why = run_cell(page, n, expectation(source_cell), tmp_path)
        if why is None:
            tally.ran += 1
        else:
            first_line = "".join(source_cell["source"]).splitlines()[0] if source_cell["source"] else ""
            tally.failures.append(f"{path.name} cell {n} ({first_line[:60]}): {why}")


TALLY = Tally()
AREAS = ("colab_stack", "output_frame", "camera_audio", "drive", "colab_widgets", "third_party_widgets",
         "web_apps", "colab_misc")


@pytest.fixture(scope="module", autouse=True)
def share_of_cells_that_ran():
    yield
    if TALLY.expected:
        share = 100.0 * TALLY.ran / TALLY.expected
        print(f"\ncorpus: {TALLY.ran}/{TALLY.expected} cells ran as in Colab ({share:.1f}%)")


def test_the_corpus_has_a_notebook_for_every_area():
    assert {p.stem for p in NOTEBOOKS} >= set(AREAS), f"missing: {set(AREAS) - {p.stem for p in NOTEBOOKS}}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_colab_notebook_runs_cell_by_cell(path: Path, hub: Hub, page: Page, make_user, tmp_path: Path):
    reader = make_user(f"reader-{path.stem.replace('_', '-')}")
    sign_in(page, hub, reader)
    tally = Tally()
    run_notebook(page, hub, reader, path, tmp_path, tally)
    TALLY.ran += tally.ran
    TALLY.expected += tally.expected
    TALLY.failures += tally.failures
    print(f"corpus {path.name}: {tally.ran}/{tally.expected} cells ran as in Colab")
    assert not tally.failures, "cells that did not run as in Colab:\n" + "\n".join(tally.failures)
