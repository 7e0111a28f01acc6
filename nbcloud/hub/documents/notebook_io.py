"""Reading and writing ``.ipynb`` files: always valid nbformat 4, never a torn or invalid file."""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Callable
from typing import Any

import nbformat
from nbformat.validator import ValidationError, normalize

from nbcloud.hub.errors import InvalidRequest

# nbformat has no type hints: its functions as this module calls them.
_from_dict: Callable[[Any], Any] = nbformat.from_dict
_convert: Callable[[Any, int], Any] = nbformat.convert
_writes: Callable[..., str] = nbformat.writes

# Largest notebook the hub opens as a live document.
MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024

# What YNotebook.set fills in when a notebook has no kernelspec / language_info. They are not
# the notebook's own, so they are not written back.
_PLACEHOLDER_METADATA = {
    "kernelspec": {"name": "", "display_name": ""},
    "language_info": {"name": ""},
}


class BadNotebook(InvalidRequest):
    """The bytes are not a valid nbformat 4 notebook (or a save would make them not one)."""

    code = "bad_notebook"

    def __init__(self, reason: str) -> None:
        super().__init__(f"This file is not a valid notebook: {reason}. It was not changed.")
        self.reason = reason


def _short(text: object, limit: int = 200) -> str:
    text = " ".join(str(text).split()).rstrip(".")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_notebook(raw: bytes) -> dict[str, Any]:
    """Bytes of an ``.ipynb`` → a validated nbformat 4 dict (older v4 minors and v3 upgraded)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadNotebook("it is not UTF-8 text") from None
    if not text.strip():
        raise BadNotebook("it is empty")
    try:
        data = json.loads(text)
    except ValueError as e:
        raise BadNotebook(f"it is not JSON ({_short(e)})") from None
    if not isinstance(data, dict) or not isinstance(data.get("nbformat"), int):
        raise BadNotebook("it has no nbformat version")
    if data["nbformat"] not in (3, 4):
        raise BadNotebook(f"nbformat {data['nbformat']} is not supported (only 3 and 4)")
    try:
        nb = _from_dict(data)
        if data["nbformat"] != 4:
            nb = _convert(nb, 4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Adds the cell ids nbformat 4.5 requires when a writer left them out.
            _changes, nb = normalize(nb, 4, nb.get("nbformat_minor", 0))
            nbformat.validate(nb, version=4)
    except ValidationError as e:
        raise BadNotebook(describe_validation_error(e)) from None
    except Exception as e:  # conversion of a broken v3 file, odd types, ...
        raise BadNotebook(_short(e, 160)) from None
    plain: dict[str, Any] = _plain(nb)
    return plain


def _where(path: list[Any]) -> str:
    """["cells", 0, "outputs", 1] → "cell 1, output 2" (counting from 1, as people do)."""
    words: list[str] = []
    i = 0
    names = {"cells": "cell", "outputs": "output"}
    while i < len(path):
        key = path[i]
        if key in names and i + 1 < len(path) and isinstance(path[i + 1], int):
            words.append(f"{names[key]} {path[i + 1] + 1}")
            i += 2
        else:
            words.append(f"'{key}'" if isinstance(key, str) else str(key))
            i += 1
    return ", ".join(words)


def describe_validation_error(e: ValidationError) -> str:
    """A short reason from a jsonschema error, without echoing a whole cell back."""
    where = _where(list(getattr(e, "absolute_path", []) or []))
    validator = getattr(e, "validator", None)
    instance = getattr(e, "instance", None)
    if validator in ("oneOf", "anyOf"):
        kind = instance.get("cell_type") or instance.get("output_type") if isinstance(instance, dict) else None
        reason = f"{where or 'it'} does not match the notebook format"
        if kind:
            reason += f" (type '{_short(kind, 40)}')"
    elif validator == "required":
        missing = str(getattr(e, "message", "")).split(" is a required property")[0]
        reason = f"{where or 'the notebook'} lacks the field {_short(missing, 60)}"
    else:
        message = _short(getattr(e, "message", str(e)), 120)
        reason = f"{where}: {message}" if where else message
    return _short(reason, 200)


def _plain(value: Any) -> Any:
    """NotebookNode → plain dicts and lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def clean_for_disk(nb: dict[str, Any]) -> dict[str, Any]:
    """The live document's content as the file should hold it."""
    nb = copy.deepcopy(nb)
    metadata = nb.setdefault("metadata", {})
    for key, placeholder in _PLACEHOLDER_METADATA.items():
        if metadata.get(key) == placeholder:
            del metadata[key]
    for cell in nb.get("cells", []):
        cell.setdefault("metadata", {})
        if cell.get("cell_type") == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
    return nb


def serialize_notebook(nb: dict[str, Any]) -> bytes:
    """Validate and render like Jupyter does (indent 1, sorted keys, trailing newline)."""
    nb = clean_for_disk(nb)
    try:
        nbformat.validate(nb, version=4)
    except ValidationError as e:
        raise BadNotebook(describe_validation_error(e)) from None
    # Exactly what Jupyter writes: multi-line strings as lists of lines, indent 1, sorted keys.
    return _writes(_from_dict(nb), version=4).encode("utf-8") + b"\n"
