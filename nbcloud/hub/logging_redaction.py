"""Secrets never reach a log line: port-link tokens, passwords, cookies, API tokens and
Authorization headers are replaced by ``[redacted]``.

Two layers, because a log line can be written through any logger and any handler:

* a log-record factory (``install``), so every record, from any logger, is redacted when it is
  made, before any handler (uvicorn's access log, pytest's caplog, logging's last resort) sees it;
* ``RedactingFilter`` on handlers, for records made before ``install`` ran or by code that builds
  its records itself; uvicorn's handlers get it through ``uvicorn_log_config``.

Arguments are redacted one by one, never merged into the message, because formatters such as
uvicorn's access formatter unpack ``record.args`` themselves.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
from typing import Any

REDACTED = "[redacted]"

# Names whose values are secrets, in a query string, a form, JSON or a repr.
_SECRET_NAMES = (
    r"(?:password|current_password|new_password|passwd|secret|token|access_token|api_key|apikey"
    r"|nbcloud_session|nbcloud_csrf|session|csrf_token|x-csrf-token)"
)

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # A port link: /api/runtimes/proxy/{token}/... (the token is the only credential).
    (re.compile(r"(/api/runtimes/proxy/)[^/?#\s\"']+"), r"\1" + REDACTED),
    # Authorization / Cookie / Set-Cookie header values, in any rendering of headers.
    (re.compile(r"(?i)(\b(?:authorization|proxy-authorization|cookie|set-cookie)[\"']?\s*[:=]\s*[\"']?)"
                r"[^\"'\r\n]+"), r"\1" + REDACTED),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + REDACTED),
    # The hub's API tokens, wherever they appear.
    (re.compile(r"\bnbc_[A-Za-z0-9_-]{8,}"), "nbc_" + REDACTED),
    # "password": "..." in JSON or a dict repr.
    (re.compile(r"(?i)([\"']" + _SECRET_NAMES + r"[\"']\s*:\s*)(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|b'[^']*')"),
     r"\1'" + REDACTED + "'"),
    # name=value in a query string, a form body or a cookie list.
    (re.compile(r"(?i)(\b" + _SECRET_NAMES + r"=)[^&\s;,\"']+"), r"\1" + REDACTED),
]


def redact(text: str) -> str:
    """``text`` with every secret it shows replaced by ``[redacted]``."""
    if not text:
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redact_arg(arg: Any) -> Any:
    if isinstance(arg, (int, float, bool)) or arg is None:
        return arg  # no secret in a number, and %d must still get one
    if isinstance(arg, bytes):
        text = arg.decode("latin-1")
        cleaned = redact(text)
        return arg if cleaned == text else cleaned.encode("latin-1")
    shown = arg if isinstance(arg, str) else _safe_str(arg)
    if shown is None:
        return arg
    text = shown
    cleaned = redact(text)
    return arg if cleaned == text else cleaned


def _safe_str(value: Any) -> str | None:
    try:
        return str(value)
    except Exception:
        return None


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact a record in place: its message, its arguments one by one, its traceback."""
    if getattr(record, "_nbcloud_redacted", False):
        return record
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    elif record.msg is not None and not isinstance(record.msg, (int, float)):
        text = _safe_str(record.msg)
        if text is not None and redact(text) != text:
            record.msg = redact(text)
    args = record.args
    if isinstance(args, tuple):
        record.args = tuple(_redact_arg(a) for a in args)
    elif isinstance(args, dict):
        record.args = {k: _redact_arg(v) for k, v in args.items()}
    if record.exc_info and not record.exc_text:
        # Format the traceback now (formatters reuse exc_text), so its frames' text is redacted too.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._nbcloud_redacted = True
    return record


class RedactingFilter(logging.Filter):
    """Lets every record through, redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


_install_lock = threading.Lock()
_installed = False


def install() -> None:
    """Redact every log record this process makes from now on (idempotent)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        make_record = logging.getLogRecordFactory()

        def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return redact_record(make_record(*args, **kwargs))

        logging.setLogRecordFactory(redacting_factory)
        _installed = True
    the_filter = RedactingFilter()
    for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access"):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(the_filter)


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with the redacting filter on each of its handlers
    (uvicorn replaces its handlers when it starts, so the filter must be in the config)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact"] = {"()": "nbcloud.hub.logging_redaction.RedactingFilter"}
    for handler in config.get("handlers", {}).values():
        handler["filters"] = [*handler.get("filters", []), "redact"]
    return config
