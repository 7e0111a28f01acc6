"""What TensorBoard and Gradio look for to behave as in Colab, on a runtime's own terms:
the stack's commands on PATH (``%tensorboard`` runs ``tensorboard``) and a shell named as
Colab's (Gradio's ``colab_check()`` looks for "google.colab" in ``str(get_ipython())``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nbcloud.hub.runtimes import sandbox as sb
from nbcloud.hub.runtimes.environment import RuntimeEnvironment

RUNTIME_PACKAGE = str(Path(__file__).resolve().parents[1] / "nbcloud" / "runtime")


def test_a_colab_stack_runtime_finds_the_stacks_commands_after_its_own_pip_installs(tmp_path):
    mode = sb.SandboxMode("none", None, os.getuid(), os.getgid(), False)
    paths = sb.RuntimePaths(tmp_path / "rt")
    stack = RuntimeEnvironment(tmp_path / "stack", tmp_path / "stack" / "bin" / "python", colab_stack=True)
    path = sb.kernel_env(paths, mode, None, stack)["PATH"].split(":")
    assert path[:2] == [f"{paths.layer}/bin", f"{stack.prefix}/bin"]  # a pip-installed newer release wins

    hubs_own = RuntimeEnvironment(Path(sys.prefix), Path(sys.executable), colab_stack=False)
    assert f"{sys.prefix}/bin" not in sb.kernel_env(paths, mode, None, hubs_own)["PATH"].split(":")


def test_the_kernels_shell_is_named_as_colabs_so_gradio_shows_its_app_through_proxy_port():
    sys.path.insert(0, RUNTIME_PACKAGE)
    try:
        from google.colab import _shell
        from ipykernel.zmqshell import ZMQInteractiveShell

        shell = ZMQInteractiveShell.__new__(ZMQInteractiveShell)  # no kernel needed for its name
        _shell.adopt(shell)
        assert isinstance(shell, ZMQInteractiveShell)
        assert "google.colab._shell.Shell object" in object.__repr__(shell)
        _shell.adopt(shell)  # twice is once
        assert type(shell) is _shell.Shell
    finally:
        sys.path.remove(RUNTIME_PACKAGE)
