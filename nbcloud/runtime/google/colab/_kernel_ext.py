"""Loaded by every nbcloud kernel at start (``--ext google.colab._kernel_ext``).

Makes ``google.colab`` importable next to other ``google`` packages, registers Colab's
magics (``%tensorflow_version``, ``%shell`` / ``%%shell``) and runs ``!cmd`` as Colab does: on
a terminal, streaming, with an input box (see ``_system_commands``).
"""

from __future__ import annotations

import os

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


def tensorflow_version(line: str) -> None:
    """``%tensorflow_version``: Colab has only TensorFlow 2; asking for 1.x is an error."""
    if line.strip().startswith("1"):
        raise ValueError(
            "TensorFlow 1 is not available in Colab or nbcloud: update the notebook to TensorFlow 2 "
            "(see https://www.tensorflow.org/guide/migrate)."
        )
    print(TENSORFLOW_VERSION_MESSAGE)


def load_ipython_extension(ip) -> None:
    _keep_google_namespace()

    from google.colab import _system_commands

    ip.register_magic_function(tensorflow_version, magic_kind="line", magic_name="tensorflow_version")
    ip.register_magic_function(_system_commands.shell_line_magic, magic_kind="line", magic_name="shell")
    ip.register_magic_function(_system_commands.shell_cell_magic, magic_kind="cell", magic_name="shell")
    # `!cmd` on a terminal the person can type into (x = !cmd stays IPython's getoutput).
    ip.system = _system_commands.make_system(ip)
    from google.colab import _drive_full

    _drive_full.install(ip)  # a write into a full Drive says so
    from google.colab import _shell

    _shell.adopt(ip)  # named as Colab's shell, which libraries look for (Gradio)
