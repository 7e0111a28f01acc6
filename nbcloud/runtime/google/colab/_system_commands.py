"""Shell commands as Colab runs them: ``!cmd``, ``%shell`` and ``%%shell``.

The command runs in ``/bin/bash -c`` on a pseudo-terminal of its own, in a process group of its
own (an interrupt reaches all of it and nothing else). What it writes streams to the cell
as it comes, ``\\r`` progress bars included, and the person who ran the cell can type into it.

The wire protocol is Colab's: while the command runs, the kernel publishes ``colab_request``
messages (parent: the cell's request) that nobody answers:

* ``cell_display_stdin`` ``{"delayMillis": 500}``: show an input box under the cell's output
  (after that delay, so quick commands do not flash one);
* ``cell_update_stdin`` ``{"echo": bool}``: the terminal's echo changed; ``false`` is a
  password prompt (``read -s``, ``getpass``, ``sudo -S``): mask the box;
* ``cell_remove_stdin`` ``{}``: the command ended; withdraw the box.

What the person types comes on the kernel's stdin channel as an ``input_reply`` whose value is
the text itself (a line ends with ``"\\n"``; ``"\\x04"`` alone is Ctrl+D, end of input). The
kernel reads the stdin channel without blocking while the command runs and never after, drops
everything that is not such a string (``colab_reply`` dicts, garbage), and writes what it keeps
to the terminal; the terminal echoes it into the output unless echo is off.

``x = !cmd`` (IPython's ``getoutput``) is left to IPython: it captures and takes no input.
"""

from __future__ import annotations

import codecs
import io
import os
import pty
import signal
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from typing import Any

BASH = "/bin/bash"
ENCODING = "utf-8"
DISPLAY_DELAY_MS = 500
# One message from the page: a pasted block at most. Longer ones are dropped, not cut.
MAX_INPUT_CHARS = 64 * 1024
# Typed bytes the command has not read yet; more is dropped until it reads.
MAX_PENDING_INPUT = 1024 * 1024
_READ_BYTES = 64 * 1024
_POLL_MS = 50
# The command exited but something it started in the background still holds the terminal:
# stop waiting once the terminal has been quiet this long.
_QUIET_AFTER_EXIT_S = 0.3
# What IPython prints when a command was interrupted.
_INTERRUPT_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)


class ShellResult:
    """What ``%shell`` / ``%%shell`` return: the command, its exit status and its output (stdout
    and stderr together, as the terminal showed them), like ``subprocess.CompletedProcess``."""

    def __init__(self, args: str, returncode: int, output: str):
        self.args, self.returncode, self.output = args, returncode, output

    def check_returncode(self) -> None:
        if self.returncode:
            raise subprocess.CalledProcessError(self.returncode, self.args, self.output)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """Nothing: the output was streamed already (as in Colab)."""

    def __repr__(self) -> str:
        return f"ShellResult(args={self.args!r}, returncode={self.returncode!r})"


# ----- the stdin channel ---------------------------------------------------------------------------

class _Stdin:
    """The kernel's stdin socket, read without blocking, and the input box of the cell."""

    def __init__(self) -> None:
        self.kernel: Any = None
        self.parent: dict[str, Any] | None = None
        if threading.current_thread() is not threading.main_thread():
            return  # the stdin socket belongs to the thread that runs cells
        try:
            from google.colab import _ipython

            kernel = _ipython.get_kernel()
            parent = _ipython.current_parent()
        except Exception:  # not in a kernel (plain IPython, a script): no input box
            return
        if getattr(kernel, "stdin_socket", None) is None or not parent:
            return
        self.kernel, self.parent = kernel, parent

    @property
    def socket(self) -> Any:
        return self.kernel.stdin_socket if self.kernel is not None else None

    def request(self, kind: str, body: dict[str, Any]) -> None:
        if self.kernel is None:
            return
        from google.colab import _message

        try:
            _message.send_request(kind, body, parent=self.parent)
        except Exception:  # the box is a convenience: never fail the command for it
            pass

    def drain(self) -> None:
        """Drop what waits on the stdin socket: lines typed for an earlier command."""
        if self.kernel is None:
            return
        import zmq

        for _ in range(10_000):
            try:
                self.socket.recv_multipart(zmq.NOBLOCK)
            except zmq.ZMQError:
                return

    def lines(self) -> list[str]:
        """Text typed since the last call: the string values of waiting ``input_reply``
        messages. Anything else (colab_reply dicts, malformed or unsigned messages) is dropped."""
        if self.kernel is None:
            return []
        import zmq

        out: list[str] = []
        for _ in range(1000):
            try:
                _ident, msg = self.kernel.session.recv(self.socket, zmq.NOBLOCK)
            except zmq.ZMQError:
                break
            except Exception:  # a malformed message
                continue
            if msg is None:
                break
            try:
                if msg["header"]["msg_type"] != "input_reply":
                    continue
                value = msg["content"]["value"]
            except (KeyError, TypeError):
                continue
            if isinstance(value, str) and 0 < len(value) <= MAX_INPUT_CHARS:
                out.append(value)
        return out


# ----- the terminal --------------------------------------------------------------------------------

def _configure_terminal(fd: int) -> None:
    attrs = termios.tcgetattr(fd)
    attrs[1] &= ~termios.ONLCR  # "\n" stays "\n" (no "\r\n" in the outputs)
    attrs[3] &= ~termios.ECHOCTL  # typed control characters are not echoed as ^X
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


def _echo_on(fd: int) -> bool | None:
    try:
        return bool(termios.tcgetattr(fd)[3] & termios.ECHO)
    except (termios.error, OSError):
        return None


def _process_group() -> dict[str, Any]:
    """How the command is started: in a process group of its own (an interrupt reaches all of
    it and nothing else), in the kernel's session, which has no controlling terminal in the
    sandbox. So the pseudo-terminal never becomes the command's controlling terminal, as in
    Colab: nothing gets SIGHUP when the command's shell exits, and ``!nohup server &`` or
    ``!server > log &`` keep running. (Programs that insist on /dev/tty, such as ssh's password
    prompt, fail there as in Colab; getpass and ``read -s`` use stdin.) Where the kernel does
    have a controlling terminal (no sandbox, started from a terminal) the command gets a session
    of its own, so it can never reach that terminal."""
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return {"process_group": 0}
    return {"start_new_session": True}


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # the command leads its own process group
    except (ProcessLookupError, PermissionError):
        pass


class _Command:
    """One command on its pseudo-terminal, watched until it ends."""

    def __init__(self, command: str, write: Callable[[str], None], stdin: _Stdin) -> None:
        self.command = command
        self.write = write
        self.stdin = stdin
        self.decoder = codecs.getincrementaldecoder(ENCODING)(errors="replace")
        self.pending = b""  # typed, not yet taken by the terminal
        self.closed = False  # every holder of the terminal closed it
        self.interrupts = 0
        self.master, slave = pty.openpty()
        try:
            _configure_terminal(slave)
            os.set_blocking(self.master, False)
            self.proc = subprocess.Popen(
                [BASH, "-c", command], stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                **_process_group(),
            )
        except BaseException:
            os.close(self.master)
            raise
        finally:
            os.close(slave)  # only the command holds the terminal now

    def run(self) -> int:
        import zmq

        poller = zmq.Poller()
        poller.register(self.master, zmq.POLLIN)
        socket = self.stdin.socket
        if socket is not None:
            poller.register(socket, zmq.POLLIN)
        echo: bool | None = None
        exited_at: float | None = None
        watching = True  # the terminal is still open on the command's side
        wait_ms = 1  # once it is closed: how long to wait for the process, growing to _POLL_MS
        try:
            self.stdin.request("cell_display_stdin", {"delayMillis": DISPLAY_DELAY_MS})
            while True:
                try:
                    if self.closed and watching:
                        poller.unregister(self.master)  # it would poll ready (EIO) forever
                        watching = False
                    if watching:
                        poller.modify(self.master, zmq.POLLIN | (zmq.POLLOUT if self.pending else 0))
                        events = dict(poller.poll(_POLL_MS))
                    else:
                        events = dict(poller.poll(wait_ms)) if socket is not None else {}
                        if socket is None:
                            time.sleep(wait_ms / 1000)
                        wait_ms = min(wait_ms * 2, _POLL_MS)
                    got_output = False
                    if watching and events.get(self.master, 0) & (zmq.POLLIN | zmq.POLLERR):
                        got_output = self._read()
                    if socket is not None and events.get(socket):
                        self._take_input()
                    if self.pending and not self.closed:
                        self._write_input()
                    now_echo = _echo_on(self.master) if not self.closed else echo
                    if now_echo is not None and now_echo != echo:
                        echo = now_echo
                        self.stdin.request("cell_update_stdin", {"echo": echo})
                    if self.proc.poll() is not None:
                        if self.closed:
                            break
                        if got_output or exited_at is None:
                            exited_at = time.monotonic()
                        elif time.monotonic() - exited_at > _QUIET_AFTER_EXIT_S:
                            break
                except KeyboardInterrupt:
                    self._interrupt()
        except BaseException:
            if self.proc.poll() is None:
                _signal_group(self.proc, signal.SIGKILL)
                self.proc.wait()
            raise
        finally:
            tail = self.decoder.decode(b"", final=True)
            if tail:
                self.write(tail)
            os.close(self.master)
        return self.proc.returncode

    def _read(self) -> bool:
        got = False
        for _ in range(64):  # at most a few MB per turn, so input and interrupts get their turn
            try:
                data = os.read(self.master, _READ_BYTES)
            except BlockingIOError:
                break
            except OSError:  # EIO: the terminal's last holder closed it
                self.closed = True
                break
            if not data:
                self.closed = True
                break
            got = True
            text = self.decoder.decode(data)
            if text:
                self.write(text)
        return got

    def _take_input(self) -> None:
        for value in self.stdin.lines():
            data = value.encode(ENCODING, errors="replace")
            if len(self.pending) + len(data) <= MAX_PENDING_INPUT:
                self.pending += data

    def _write_input(self) -> None:
        try:
            written = os.write(self.master, self.pending)
        except BlockingIOError:
            return
        except OSError:  # the terminal is gone: nobody will read it
            self.pending = b""
            return
        self.pending = self.pending[written:]

    def _interrupt(self) -> None:
        """Ctrl+C (the Interrupt button): SIGINT to the command's process group; a second one
        sends SIGTERM, a third SIGKILL, for commands that ignore SIGINT."""
        self.interrupts += 1
        sig = (signal.SIGINT, signal.SIGTERM)[self.interrupts - 1] if self.interrupts <= 2 else signal.SIGKILL
        _signal_group(self.proc, sig)


def run_command(command: str, capture: bool = False) -> ShellResult:
    """Run ``command`` in bash on a pseudo-terminal; its output streams to the cell, and the
    person who ran the cell can type into it. Returns its ShellResult (``output`` only with
    ``capture``)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    captured = io.StringIO() if capture else None

    def write(text: str) -> None:
        sys.stdout.write(text)
        if captured is not None:
            captured.write(text)

    stdin = _Stdin()
    stdin.drain()
    proc = _Command(command, write, stdin)
    try:
        returncode = proc.run()
    finally:
        try:
            sys.stdout.flush()
        except Exception:
            pass
        stdin.request("cell_remove_stdin", {})
    return ShellResult(command, returncode, captured.getvalue() if captured is not None else "")


def exit_code(returncode: int) -> int:
    """IPython's ``_exit_code``: the exit status, or minus the signal that ended the command
    (bash reports a child killed by signal N as 128 + N)."""
    if returncode > 128:
        return -(returncode - 128)
    return returncode


def _was_interrupted(code: int) -> bool:
    return code < 0 and -code in _INTERRUPT_SIGNALS


# ----- IPython hooks ----------------------------------------------------------------------------

def make_system(shell: Any) -> Callable[[str], None]:
    """``shell.system`` for ``!cmd``: runs on a terminal (see run_command), sets ``_exit_code``
    as IPython does, honours ``system_raise_on_error``. Returns None, like IPython (so nothing
    is displayed)."""

    def system(cmd: str) -> None:
        # depth=1: the names in $var / {expr} are those of the frame that called system().
        expanded = shell.var_expand(cmd, depth=1)
        code = exit_code(run_command(expanded).returncode)
        shell.user_ns["_exit_code"] = code
        if _was_interrupted(code):
            print("^C")
        if getattr(shell, "system_raise_on_error", False) and code != 0:
            raise subprocess.CalledProcessError(code, cmd)

    system.__doc__ = "Run a shell command on a terminal, streaming its output (nbcloud's `!cmd`)."
    return system


def shell_line_magic(line: str) -> ShellResult:
    """``%shell cmd``: like ``!cmd``, but returns a ShellResult and raises
    CalledProcessError when the command fails."""
    result = run_command(line, capture=True)
    result.check_returncode()
    return result


def shell_cell_magic(line: str, cell: str) -> ShellResult:
    """``%%shell [--ignore-errors]``: the cell runs in bash on a terminal; raises
    CalledProcessError when it fails, unless ``--ignore-errors``."""
    options = line.split()
    unknown = [o for o in options if o != "--ignore-errors"]
    if unknown:
        raise ValueError(f"%%shell takes only --ignore-errors, not {' '.join(unknown)}")
    result = run_command(cell, capture=True)
    if "--ignore-errors" not in options:
        result.check_returncode()
    return result
