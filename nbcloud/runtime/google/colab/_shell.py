"""The kernel's shell as Colab names it: ``google.colab._shell.Shell``.

Libraries tell Colab apart by the shell's name: Gradio's ``colab_check()`` looks for
``"google.colab"`` in ``str(get_ipython())`` and only then shows an app through
``google.colab.kernel.proxyPort`` (otherwise it shows an iframe of ``http://127.0.0.1:<port>``,
which no browser can reach). The kernel starts with ipykernel's shell; ``adopt`` makes it this
subclass, which adds nothing but the name.
"""

from __future__ import annotations

from ipykernel.zmqshell import ZMQInteractiveShell


class Shell(ZMQInteractiveShell):
    """ipykernel's shell, under the module and name Colab's has."""


def adopt(ip: object) -> None:
    """Makes the running shell ``ip`` a ``Shell`` (a subclass of its own class adding no state)."""
    if isinstance(ip, Shell) or not isinstance(ip, ZMQInteractiveShell):
        return
    if type(ip) is ZMQInteractiveShell:
        ip.__class__ = Shell
    else:  # another subclass: keep it, under Colab's name
        ip.__class__ = type("Shell", (Shell, type(ip)), {"__module__": __name__})
