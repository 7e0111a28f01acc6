"""Images in text cells are nbformat attachments: the hub's update guard takes a page adding them
(as the page does, a Y.Map in the cell) and saves them; attachments no notebook could save are refused."""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from jupyter_ydoc import YNotebook
from pycrdt import Array, Doc, Map

from nbcloud.hub.documents.guard import RejectedUpdate, UpdateGuard

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

NOTEBOOK: dict[str, Any] = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {},
    "cells": [
        {"id": "text", "cell_type": "markdown", "metadata": {}, "source": "A plot:",
         "attachments": {"saved.png": {"image/png": PNG}}},
        {"id": "code", "cell_type": "code", "metadata": {}, "source": "1", "outputs": [], "execution_count": None},
    ],
}


def live_room() -> tuple[Doc[Any], UpdateGuard]:
    live: Doc[Any] = Doc()
    YNotebook(live).set(NOTEBOOK)
    return live, UpdateGuard(live)


def page_change(live: Doc[Any], change) -> bytes:
    """What a page sends after making `change` to its copy of the live document."""
    page: Doc[Any] = Doc()
    page.apply_update(live.get_update())
    before = page.get_state()
    change(page.get("cells", type=Array))
    return page.get_update(before)


def test_a_page_adding_an_image_to_a_text_cell_is_saved_with_the_saved_one():
    live, guard = live_room()

    def paste(cells: Array) -> None:
        # The page's first image copies the saved attachments into a Y.Map (markdown/attachments.ts).
        cells[0]["attachments"] = Map({"saved.png": {"image/png": PNG}, "image.png": {"image/png": PNG}})

    update = page_change(live, paste)
    guard.check(update)
    live.apply_update(update)
    saved = YNotebook(live).get()
    nbformat.validate(saved, version=4)
    assert saved["cells"][0]["attachments"] == {"saved.png": {"image/png": PNG}, "image.png": {"image/png": PNG}}

    def another(cells: Array) -> None:
        cells[0]["attachments"]["second.png"] = {"image/jpeg": PNG}

    update = page_change(live, another)
    guard.check(update)
    live.apply_update(update)
    assert set(YNotebook(live).get()["cells"][0]["attachments"]) == {"saved.png", "image.png", "second.png"}


def test_attachments_on_a_code_cell_are_refused():
    live, guard = live_room()
    update = page_change(live, lambda cells: cells[1].__setitem__("attachments", Map({"x.png": {"image/png": PNG}})))
    with pytest.raises(RejectedUpdate):
        guard.check(update)


def test_an_attachment_that_is_no_mime_bundle_is_refused():
    live, guard = live_room()
    update = page_change(live, lambda cells: cells[0].__setitem__("attachments", Map({"x.png": 42})))
    with pytest.raises(RejectedUpdate):
        guard.check(update)
