"""The runtime environment: the Python a runtime's kernel runs, kept apart from the hub's own.

A notebook that pins a package (``!pip install numpy==1.26``) changes only its runtime's layer
over this environment, never the hub. The checkout's ``.runtime-env`` holds Colab's preinstalled
stack (``nbcloud/runtime/environments/colab.txt``); without it runtimes run the hub's own
environment, which lacks that stack.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from nbcloud.config import Settings

CHECKOUT = Path(__file__).resolve().parents[3]
DEFAULT_FOLDER = CHECKOUT / ".runtime-env"
PACKAGE_LIST = CHECKOUT / "nbcloud" / "runtime" / "environments" / "colab.txt"


@dataclass(frozen=True)
class RuntimeEnvironment:
    """A virtual environment (or the hub's own) that kernels start from."""

    prefix: Path
    python: Path
    colab_stack: bool  # False: the hub's own packages stand in (no Colab stack installed)

    @property
    def labextensions(self) -> Path:
        """Where installed widget packages keep their JupyterLab front-end bundles."""
        return self.prefix / "share" / "jupyter" / "labextensions"


def runtime_environment(settings: Settings) -> RuntimeEnvironment:
    folder = Path(settings.runtime_environment) if settings.runtime_environment else DEFAULT_FOLDER
    python = folder / "bin" / "python"
    if python.exists():
        return RuntimeEnvironment(folder.resolve(), python, colab_stack=(folder / ".colab-stack").exists())
    if settings.runtime_environment:
        raise RuntimeError(
            f"runtime_environment {settings.runtime_environment!r} has no bin/python: "
            "make it with `make runtime-env` or point the setting at a virtual environment")
    return RuntimeEnvironment(Path(sys.prefix), Path(sys.executable), colab_stack=False)
