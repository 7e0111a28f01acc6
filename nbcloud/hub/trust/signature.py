"""A notebook content's signature: what trust is given to (like Jupyter's NotebookNotary, but
kept in the hub's database per user rather than in a file beside the notebook).

It covers every cell's type, source and outputs: the code that would run with the person's
Drive and secrets, and the outputs that would draw in their page. It leaves out what changes
without anyone writing anything (metadata, execution counts, ids, timings), and it reads the
same for a notebook as loaded from its file and as held in the live document (lists of lines or
one string; 1.0 or 1), so a trusted notebook's save-and-reopen keeps its signature.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

OUTPUT_FIELDS = ("output_type", "name", "text", "data", "ename", "evalue", "traceback")


def _text(value: Any) -> Any:
    return "".join(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else value


def _plain(value: Any) -> Any:
    """JSON values as one spelling: integral floats as ints (the live document turns ints into floats)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _output(output: dict[str, Any]) -> dict[str, Any]:
    kept = {k: output[k] for k in OUTPUT_FIELDS if k in output}
    if "text" in kept:
        kept["text"] = _text(kept["text"])
    if isinstance(kept.get("data"), dict):
        kept["data"] = {mime: _text(value) for mime, value in kept["data"].items()}
    plain: dict[str, Any] = _plain(kept)
    return plain


def signature(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of the notebook's cells: types, sources and outputs."""
    cells = [
        {
            "cell_type": cell.get("cell_type"),
            "source": _text(cell.get("source", "")),
            "outputs": [_output(o) for o in cell.get("outputs") or () if isinstance(o, dict)],
        }
        for cell in content.get("cells") or ()
        if isinstance(cell, dict)
    ]
    canonical = json.dumps(cells, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
