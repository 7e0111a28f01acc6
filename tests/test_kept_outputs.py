"""A stream output too long to show whole stays beside the live document: the document (and so
every page) holds its head and tail, the whole text is fetched when asked, and the saved file
always has all of it."""

from __future__ import annotations

import copy

from nbcloud.hub.documents.kept_text import KEY, MIN_CHARS, cut
from nbcloud.hub.documents.room import LiveDocument
from tests.notebook_files import NOTEBOOK, Saves

LINES = "".join(f"line {i}\n" for i in range(200_000))


def notebook_printing(text: str) -> dict:
    nb = copy.deepcopy(NOTEBOOK)
    nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": text}]
    return nb


def test_long_text_is_cut_as_the_page_cuts_it():
    head, note = cut(LINES)
    assert head == "".join(f"line {i}\n" for i in range(1000))
    assert note["tail"] == "".join(f"line {i}\n" for i in range(199_000, 200_000))
    assert (note["lines"], note["hidden"]) == (200_000, 198_000)


def test_one_huge_line_is_clipped_so_the_page_never_draws_it_whole():
    head, note = cut("x" * 50_000_000)
    assert len(head) < 200_010 and head.startswith("xxx") and head.endswith("…\n")
    assert (note["lines"], note["hidden"], note["tail"]) == (1, 0, "")


def test_text_without_a_final_newline_keeps_its_last_line():
    head, note = cut("".join(f"{i}\n" for i in range(5000)) + "no newline")
    assert note["tail"].endswith("4999\nno newline") and note["lines"] == 5001


async def test_an_opened_notebook_keeps_its_huge_output_beside_the_document_and_saves_it_whole():
    saves = Saves()
    room = LiveDocument("i", 1, notebook_printing(LINES), saves, autosave_delay=0.05)
    youtput = room.notebook.ycells[0]["outputs"][0]
    assert str(youtput["text"]).startswith("line 0\n") and len(str(youtput["text"])) < 20_000
    assert youtput[KEY]["hidden"] == 198_000
    # Whatever reads the notebook as nbformat gets the whole text, without the note.
    assert room.content()["cells"][0]["outputs"][0] == {"output_type": "stream", "name": "stdout", "text": LINES}
    assert room.kept.get(youtput[KEY]["id"]) == LINES
    room.request_save()
    await room.save()
    assert saves.contents[-1]["cells"][0]["outputs"][0]["text"] == LINES
    await room.close()


async def test_a_huge_print_becomes_an_output_of_its_own_and_is_forgotten_once_cleared():
    room = LiveDocument("i", 1, copy.deepcopy(NOTEBOOK), Saves(), autosave_delay=0.05)
    big = "y" * (MIN_CHARS + 1)
    assert room.append_output("c", {"output_type": "stream", "name": "stdout", "text": "before\n"}) is True
    assert room.append_output("c", {"output_type": "stream", "name": "stdout", "text": big}) is True
    assert room.append_output("c", {"output_type": "stream", "name": "stdout", "text": "after\n"}) is True
    assert room.append_output("c", {"output_type": "stream", "name": "stdout", "text": "more\n"}) is False
    texts = [o["text"] for o in room.content()["cells"][0]["outputs"]]
    assert texts == ["before\n", big, "after\nmore\n"]
    assert len(room.kept) == 1
    room.clear_outputs("c")
    await room.save()
    assert len(room.kept) == 0
    await room.close()


async def test_a_note_whose_text_is_gone_still_saves_a_valid_notebook():
    nb = notebook_printing("head\n")
    nb["cells"][0]["outputs"][0][KEY] = {"id": "pasted-from-elsewhere", "lines": 9, "hidden": 8, "tail": ""}
    room = LiveDocument("i", 1, nb, Saves(), autosave_delay=0.05)
    output = room.content()["cells"][0]["outputs"][0]
    assert KEY not in output and output["text"].startswith("head\n") and "no longer available" in output["text"]
    await room.close()
