"""The input box of a running shell command (``!cmd``, ``%%shell``: see the runtime's
``google.colab._system_commands``).

The runtime speaks Colab's protocol: ``colab_request`` messages nobody answers,
``cell_display_stdin`` ``{"delayMillis"}`` when the command starts, ``cell_update_stdin``
``{"echo"}`` when the terminal's echo changes (off: a password prompt), ``cell_remove_stdin``
when it ends; what the person types goes to the kernel's stdin channel as an ``input_reply``
whose value is the text.

The hub shows the box only to the person who ran the cell, as the event
``{"type": "shell_stdin", "cell_id", "request_id", "echo", "delay_ms"}`` (again on each echo
change, and to a page of theirs opened later), and withdraws it with
``{"type": "shell_stdin_done", "cell_id", "request_id"}`` when the command or the cell ends.
Their page sends ``{"type": "shell_stdin_reply", "request_id", "value"}`` (a line ends with
``"\\n"``; ``"\\x04"`` is Ctrl+D); the hub passes the value to the kernel only while that box is
up, only from that person, and only a string of at most MAX_INPUT_CHARS. Typed text is never
logged.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from nbcloud.hub.execution.protocols import KernelClient, RunRequest, SessionHandle

# As the runtime's limit: one line, or a pasted block.
MAX_INPUT_CHARS = 64 * 1024
MAX_DELAY_MS = 5000
KINDS = frozenset({"cell_display_stdin", "cell_update_stdin", "cell_remove_stdin"})


@dataclass
class _Box:
    request: RunRequest
    request_id: str
    client: KernelClient
    echo: bool
    delay_ms: int


def _delay(value: Any) -> int:
    try:
        return min(max(int(value), 0), MAX_DELAY_MS)
    except (TypeError, ValueError, OverflowError):
        return 0


class ShellInput:
    """The one input box of a notebook session (one cell runs at a time)."""

    def __init__(self, session: SessionHandle) -> None:
        self.session = session
        self._box: _Box | None = None

    def received(self, request: RunRequest, kind: str, request_id: str, body: Any, client: KernelClient) -> None:
        """One of the runtime's stdin requests, from the running cell ``request``."""
        body = body if isinstance(body, dict) else {}
        if kind == "cell_display_stdin":
            self._withdraw()
            self._box = _Box(request, request_id, client, echo=True, delay_ms=_delay(body.get("delayMillis")))
            self._publish()
        elif kind == "cell_update_stdin":
            box = self._box
            if box is not None and box.request is request:
                echo = body.get("echo") is not False
                if echo != box.echo:
                    box.echo = echo
                    self._publish()
        elif kind == "cell_remove_stdin" and self._box is not None and self._box.request is request:
            self._withdraw()

    def _publish(self) -> None:
        box = self._box
        assert box is not None
        self.session.events.publish(
            {"type": "shell_stdin", "cell_id": box.request.cell_id, "request_id": box.request_id,
             "echo": box.echo, "delay_ms": box.delay_ms},
            user_id=box.request.user_id,
        )

    def _withdraw(self) -> None:
        box, self._box = self._box, None
        if box is not None:
            self.session.events.publish(
                {"type": "shell_stdin_done", "cell_id": box.request.cell_id, "request_id": box.request_id},
                user_id=box.request.user_id,
            )

    def answer(self, user_id: int, message: dict[str, Any]) -> bool:
        """A page's ``shell_stdin_reply``: to the command, if it comes from the person who ran
        the cell, for the box that is up, and is a string of reasonable size."""
        box = self._box
        value = message.get("value")
        if box is None or box.request.user_id != user_id or message.get("request_id") != box.request_id:
            return False
        if not isinstance(value, str) or not value or len(value) > MAX_INPUT_CHARS:
            return False
        client = box.client
        try:
            client.stdin_channel.send(client.session.msg("input_reply", {"value": value}))
        except Exception:  # noqa: BLE001 - the kernel is gone; the cell ends and the box with it
            return False
        if self.session.runtime is not None:
            self.session.runtime.touch()
        return True

    def cell_ended(self, request: RunRequest) -> None:
        """The cell ended (or its kernel died): its box goes away if the runtime did not say so."""
        if self._box is not None and self._box.request is request:
            with contextlib.suppress(Exception):
                self._withdraw()
