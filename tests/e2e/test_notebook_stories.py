"""What people do in the notebook editor: write code and text, run it, see outputs live."""

from __future__ import annotations

import json
import re
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub, sign_in

pytestmark = pytest.mark.e2e

RUN_TIMEOUT = 90_000  # a runtime may take a while to start on a loaded machine


# ----- helpers -----------------------------------------------------------------------------------


def new_notebook(page: Page) -> None:
    page.get_by_role("button", name="New", exact=True).click()
    page.get_by_role("menuitem", name="New notebook").click()
    expect(page).to_have_url(re.compile(r"/notebook/[^/]+$"))
    expect(cell(page, 1)).to_be_visible()


def cell(page: Page, n: int):
    return page.get_by_role("group", name=f"Cell {n}", exact=True)


def cells(page: Page):
    return page.locator("[data-cell-id][role=group]")


def code(page: Page, n: int):
    return cell(page, n).get_by_role("textbox", name="Code")


def type_code(page: Page, n: int, text: str) -> None:
    editor = code(page, n)
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    # Type line by line: the editor auto-indents after ':' so indentation is not typed twice.
    page.keyboard.insert_text(text)


def output(page: Page, n: int):
    return cell(page, n).get_by_role("region", name="Output")


def runtime(page: Page):
    return page.get_by_role("status", name="Runtime")


def upload_notebook(hub: Hub, username: str, name: str, data: bytes, parent: str = "") -> str:
    """Puts a file into the user's Drive through the upload API; returns its item id."""
    with closing(hub.signed_in(username)) as client:
        up = client.post("/api/drive/uploads", json={"parent": parent, "name": name, "size": len(data)})
        up.raise_for_status()
        done = client.patch(
            f"/api/drive/uploads/{up.json()['id']}",
            content=data,
            headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
        )
        done.raise_for_status()
        return done.json()["item"]["id"]


def notebook_json(*cells: tuple[str, str]) -> bytes:
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "cells": [
            {"id": f"c{i}", "cell_type": kind, "metadata": {}, "source": src,
             **({"outputs": [], "execution_count": None} if kind == "code" else {})}
            for i, (kind, src) in enumerate(cells)
        ],
    }
    return json.dumps(nb).encode()


# ----- stories -----------------------------------------------------------------------------------


def test_a_new_notebook_runs_print_one_plus_one(hub: Hub, page: Page, make_user):
    sign_in(page, hub, make_user("nina"))
    new_notebook(page)
    expect(page.get_by_role("textbox", name="Notebook name")).to_have_value("Untitled0.ipynb")
    type_code(page, 1, "print(1+1)")
    page.keyboard.press("Shift+Enter")
    expect(output(page, 1)).to_have_text("2", timeout=RUN_TIMEOUT)
    expect(cell(page, 1).get_by_label("Execution count")).to_have_text("[1]")
    expect(runtime(page)).to_contain_text("Connected")
    # Shift+Enter on the last cell made a new one and moved there.
    expect(cells(page)).to_have_count(2)
    expect(code(page, 2)).to_be_focused()
