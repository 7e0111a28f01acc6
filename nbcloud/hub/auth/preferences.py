"""Each person's preferences for the web app: what may be stored, and storing it.

The shape (every key optional; the web app fills in defaults)::

    {"theme": "system" | "light" | "dark",
     "editor": {"indent": 2 | 4 | 8, "lineNumbers": bool, "fontSize": 10..24, "vim": bool,
                "closeBrackets": bool, "lineWrap": bool},
     "shortcuts": {"<command id>": ["<key>", ...]}}

Anything else is refused with a sentence that names the offending key, and the stored
preferences stay as they were.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy.orm import Session

from nbcloud.hub.db.models import UserPreferences, utcnow
from nbcloud.hub.errors import BadRequest, InvalidRequest, TooLarge

MAX_BYTES = 64 * 1024
THEMES = ("system", "light", "dark")
INDENTS = (2, 4, 8)
FONT_SIZE = (10, 24)
EDITOR_FLAGS = ("lineNumbers", "vim", "closeBrackets", "lineWrap")
EDITOR_KEYS = ("indent", "fontSize", *EDITOR_FLAGS)
TOP_KEYS = ("theme", "editor", "shortcuts")
COMMAND_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:._/-]{0,127}$")
MAX_KEYS_PER_COMMAND = 8
MAX_KEY_CHARS = 64

Preferences = dict[str, Any]


def _refuse(message: str) -> InvalidRequest:
    return InvalidRequest(message + " Your preferences were not changed.", code="bad_preferences")


def _unknown(where: str, keys: list[str], known: tuple[str, ...]) -> InvalidRequest:
    names = ", ".join(sorted(keys))
    return _refuse(f"Unknown {where} {names}: the known ones are {', '.join(known)}.")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _editor(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _refuse("editor must be an object such as {\"indent\": 4}.")
    unknown = [k for k in value if k not in EDITOR_KEYS]
    if unknown:
        raise _unknown("editor setting", unknown, EDITOR_KEYS)
    out: dict[str, Any] = {}
    if "indent" in value:
        if not _is_int(value["indent"]) or value["indent"] not in INDENTS:
            raise _refuse("editor.indent must be 2, 4 or 8.")
        out["indent"] = value["indent"]
    if "fontSize" in value:
        size = value["fontSize"]
        if not _is_int(size) or not FONT_SIZE[0] <= size <= FONT_SIZE[1]:
            raise _refuse(f"editor.fontSize must be a whole number from {FONT_SIZE[0]} to {FONT_SIZE[1]}.")
        out["fontSize"] = size
    for flag in EDITOR_FLAGS:
        if flag in value:
            if not isinstance(value[flag], bool):
                raise _refuse(f"editor.{flag} must be true or false.")
            out[flag] = value[flag]
    return out


def _shortcuts(value: object) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise _refuse(
            "shortcuts must be an object of command ids and their keys, such as {\"cell:run\": [\"Mod-Enter\"]}."
        )
    out: dict[str, list[str]] = {}
    for command, keys in value.items():
        if not COMMAND_ID.match(command):
            raise _refuse(f"{command[:40]!r} is not a command id (letters, digits and : . _ / -, like cell:run).")
        if (
            not isinstance(keys, list)
            or len(keys) > MAX_KEYS_PER_COMMAND
            or not all(isinstance(k, str) and 0 < len(k) <= MAX_KEY_CHARS for k in keys)
        ):
            raise _refuse(
                f"shortcuts.{command} must be a list of at most {MAX_KEYS_PER_COMMAND} keys such as "
                "[\"Mod-Enter\"] ([] for none)."
            )
        out[command] = list(keys)
    return out


def validate(value: object) -> Preferences:
    """The preferences to store, or InvalidRequest/TooLarge saying what is wrong."""
    if not isinstance(value, dict):
        raise _refuse("Preferences are a JSON object such as {\"theme\": \"dark\"}.")
    if len(json.dumps(value, separators=(",", ":"))) > MAX_BYTES:
        raise TooLarge(f"Preferences hold at most {MAX_BYTES // 1024} KB.", code="preferences_too_large")
    unknown = [k for k in value if k not in TOP_KEYS]
    if unknown:
        raise _unknown("preference", unknown, TOP_KEYS)
    out: Preferences = {}
    if "theme" in value:
        if value["theme"] not in THEMES:
            raise _refuse("theme must be \"system\", \"light\" or \"dark\".")
        out["theme"] = value["theme"]
    if "editor" in value:
        out["editor"] = _editor(value["editor"])
    if "shortcuts" in value:
        out["shortcuts"] = _shortcuts(value["shortcuts"])
    return out


def parse(body: bytes) -> Preferences:
    """A request body (JSON) checked as preferences."""
    if len(body) > MAX_BYTES:
        raise TooLarge(f"Preferences hold at most {MAX_BYTES // 1024} KB.", code="preferences_too_large")
    try:
        value = json.loads(body)
    except ValueError:
        raise BadRequest("The preferences are not valid JSON.", code="bad_json") from None
    return validate(value)


def merge(base: Preferences, patch: Preferences) -> Preferences:
    """``patch`` over ``base``: the editor's settings one by one, the rest replaced."""
    out = dict(base)
    for key, value in patch.items():
        if key == "editor":
            out["editor"] = {**base.get("editor", {}), **value}
        else:
            out[key] = value
    return out


def load(db: Session, user_id: int) -> Preferences:
    """What ``user_id`` has set ({} when nothing); anything no longer valid is dropped, not fatal."""
    row = db.get(UserPreferences, user_id)
    if row is None:
        return {}
    try:
        return validate(json.loads(row.data))
    except (ValueError, InvalidRequest, TooLarge):
        return {}


def save(db: Session, user_id: int, preferences: Preferences) -> Preferences:
    """Replaces ``user_id``'s preferences with ``preferences`` (already validated)."""
    data = json.dumps(preferences, separators=(",", ":"), sort_keys=True)
    row = db.get(UserPreferences, user_id)
    if row is None:
        db.add(UserPreferences(user_id=user_id, data=data, updated_at=utcnow()))
    else:
        row.data = data
        row.updated_at = utcnow()
    return preferences
