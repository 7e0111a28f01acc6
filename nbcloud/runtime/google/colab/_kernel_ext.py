"""Loaded by every nbcloud kernel at start (``--ext google.colab._kernel_ext``).

Makes ``google.colab`` importable next to other ``google`` packages, registers Colab's
magics (``%tensorflow_version`` and ``%shell`` / ``%%shell``) and lets ``!cmd &`` start a
background process, as Colab does (``!python -m http.server 8000 &>/dev/null &``; IPython alone
refuses it).
"""

from __future__ import annotations

import os
import subprocess
import sys

_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../google

TENSORFLOW_VERSION_MESSAGE = (
    "Colab only includes TensorFlow 2.x; %tensorflow_version has no effect."
)


def _keep_google_namespace() -> None:
    """A ``google`` package with an ``__init__.py`` (old google-* wheels) hides namespace
    portions; add ours to its path so ``google.colab`` still imports."""
    try:
        import google
    except ImportError:
        return
    path = getattr(google, "__path__", None)
    if path is not None and _HERE not in list(path):
        try:
            path.append(_HERE)
        except AttributeError:
            pass


class ShellResult:
    """What ``%%shell`` returns: its output and exit status (shown only when it failed)."""

    def __init__(self, args: str, returncode: int, output: str):
        self.args, self.returncode, self.output = args, returncode, output

    def check_returncode(self) -> None:
        if self.returncode:
            raise subprocess.CalledProcessError(self.returncode, self.args, self.output)

    def _repr_pretty_(self, p, cycle) -> None:  # the output was streamed already
        if self.returncode:
            p.text(f"(the command exited with status {self.returncode})")


def _run_shell(command: str) -> ShellResult:
    sys.stdout.flush()
    proc = subprocess.Popen(["/bin/bash", "-c", command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    chunks: list[str] = []
    try:
        assert proc.stdout is not None
        for raw in iter(lambda: proc.stdout.read1(4096), b""):
            text = raw.decode(errors="replace")
            chunks.append(text)
            sys.stdout.write(text)
            sys.stdout.flush()
        proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait()
        raise
    return ShellResult(command, proc.returncode, "".join(chunks))


def _allow_background(ip) -> None:
    """``!cmd &``: bash starts the job and returns at once; what the job prints goes to the
    kernel's own output (redirect it, as Colab notebooks do). Other commands run as before."""
    piped = ip.system

    def system(cmd: str):
        if not cmd.rstrip().endswith("&") or cmd.rstrip().endswith("&&"):
            return piped(cmd)
        expanded = ip.var_expand(cmd, depth=1)  # the caller's variables, as IPython does
        sys.stdout.flush()
        sys.stderr.flush()
        ip.user_ns["_exit_code"] = subprocess.call(["/bin/bash", "-c", expanded], stdin=subprocess.DEVNULL)
        return None

    ip.system = system


def load_ipython_extension(ip) -> None:
    _keep_google_namespace()
    _allow_background(ip)

    def tensorflow_version(line: str) -> None:
        print(TENSORFLOW_VERSION_MESSAGE)

    def shell(line: str, cell: str | None = None) -> ShellResult:
        return _run_shell(cell if cell is not None else line)

    ip.register_magic_function(tensorflow_version, magic_kind="line", magic_name="tensorflow_version")
    ip.register_magic_function(shell, magic_kind="line_cell", magic_name="shell")
