"""Stream text too long to show whole is kept beside the live document, not inside it.

A cell that prints 50 MB would otherwise push 50 MB through the document to every page that has
the notebook open (and to each page that opens it later), though a page only ever shows the
head and tail of such text until asked for all of it. So a stream output of more than
``MIN_CHARS`` characters is written into the document as its head, with a note of what it
holds, and the whole text is kept here:

    {"output_type": "stream", "name": "stdout", "text": "<head lines>",
     "nbcloud_kept": {"id": "…", "lines": 200000, "hidden": 198000, "tail": "<tail lines>"}}

A page draws the head, the count of hidden lines and the tail, and fetches the whole text from
``GET /api/documents/{id}/outputs/{kept id}`` when its user asks to see all. Whatever reads the
notebook as nbformat (saving, downloads, the REST API) gets the whole text back in place
(``restore``), so the `.ipynb` file always holds every output whole.

The head and tail are cut as the page cuts long text (web/src/notebook/outputs/limits.ts).
"""

from __future__ import annotations

import secrets
from typing import Any

KEY = "nbcloud_kept"
# Above this the page cuts text anyway (limits.ts MAX_CHARS).
MIN_CHARS = 1_000_000
HEAD_LINES = 1000
TAIL_LINES = 1000
END_CHARS = 200_000
MISSING = "\n[The rest of this output is no longer available.]\n"


def _line(text: str, begin: int, end: int) -> str:
    """text[begin:end], clipped to END_CHARS without copying a huge line first."""
    if end - begin > END_CHARS:
        return text[begin:begin + END_CHARS] + "…"
    return text[begin:end]


def _head(text: str) -> tuple[list[str], int]:
    """Up to HEAD_LINES lines from the start (clipped), and where they end in ``text``."""
    lines: list[str] = []
    used = pos = 0
    while pos < len(text) and len(lines) < HEAD_LINES and used < END_CHARS:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        lines.append(_line(text, pos, end))
        used += end - pos + 1
        pos = end + 1
    return lines, pos


def _tail(text: str, start: int) -> list[str]:
    """Up to TAIL_LINES lines from the end (clipped), none before ``start``."""
    lines: list[str] = []
    used = 0
    end = len(text) - 1 if text.endswith("\n") else len(text)
    while end > start and len(lines) < TAIL_LINES and used < END_CHARS:
        begin = max(text.rfind("\n", start, end) + 1, start)
        lines.append(_line(text, begin, end))
        used += end - begin + 1
        end = begin - 1
    lines.reverse()
    return lines


def cut(text: str) -> tuple[str, dict[str, Any]]:
    """The head to keep in the document, and the note (without its id) on the rest."""
    total = text.count("\n") + (0 if text.endswith("\n") else 1)
    head, head_end = _head(text)
    tail = _tail(text, head_end)
    hidden = max(0, total - len(head) - len(tail))
    head_text = "\n".join(head) + "\n" if head else ""
    tail_text = "\n".join(tail) + ("\n" if text.endswith("\n") else "") if tail else ""
    return head_text, {"lines": total, "hidden": hidden, "tail": tail_text}


class KeptText:
    """The long stream texts of one live document, by id. Lives on the hub's event loop."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}

    def get(self, kept_id: str) -> str | None:
        return self._texts.get(kept_id)

    def __len__(self) -> int:
        return len(self._texts)

    def keep(self, output: dict[str, Any]) -> dict[str, Any]:
        """``output`` as the document should hold it: a long stream text is cut and kept here."""
        if output.get("output_type") != "stream" or KEY in output:
            return output
        text = output.get("text", "")
        if not isinstance(text, str):
            text = "".join(text)
        if len(text) <= MIN_CHARS:
            return output
        kept_id = secrets.token_hex(16)
        self._texts[kept_id] = text
        head, note = cut(text)
        return {**output, "text": head, KEY: {"id": kept_id, **note}}

    def keep_all(self, notebook: dict[str, Any]) -> dict[str, Any]:
        """A notebook read from a file, with its long stream texts kept here (in place)."""
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") == "code" and cell.get("outputs"):
                cell["outputs"] = [self.keep(output) for output in cell["outputs"]]
        return notebook

    def restore(self, notebook: dict[str, Any], *, forget_unused: bool = False) -> dict[str, Any]:
        """Put each kept text back whole (in place), as nbformat has it. ``forget_unused``: drop
        what no output refers to any more (cleared or re-run), as a save does."""
        used: set[str] = set()
        for cell in notebook.get("cells", []):
            for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
                note = output.pop(KEY, None) if isinstance(output, dict) else None
                if not isinstance(note, dict):
                    continue
                text = self._texts.get(str(note.get("id")))
                if text is None:
                    head = output.get("text", "")
                    output["text"] = ("".join(head) if isinstance(head, list) else str(head)) + MISSING
                else:
                    used.add(str(note["id"]))
                    output["text"] = text
        if forget_unused:
            self._texts = {k: v for k, v in self._texts.items() if k in used}
        return notebook
