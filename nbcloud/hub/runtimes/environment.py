"""The runtime environment: the Python a runtime's kernel runs, kept apart from the hub's own.

A notebook that pins a package (``!pip install numpy==1.26``) changes only its runtime's layer
over this environment, never the hub. The checkout's ``.runtime-env`` holds Colab's preinstalled
stack (``nbcloud/runtime/environments/colab.txt``); without it runtimes run the hub's own
environment, which lacks that stack.
"""

from __future__ import annotations

import functools
import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from nbcloud.config import Settings

CHECKOUT = Path(__file__).resolve().parents[3]
DEFAULT_FOLDER = CHECKOUT / ".runtime-env"
log = logging.getLogger(__name__)
PACKAGE_LIST = CHECKOUT / "nbcloud" / "runtime" / "environments" / "colab.txt"
COMPLETE_MARK = ".colab-stack"  # `make runtime-env` writes it once every package installed


@dataclass(frozen=True)
class PythonLayout:
    """Where an environment's interpreter and packages live on the host (what a sandbox binds)."""

    executable: Path  # the real interpreter (symlinks resolved) a runtime's layer links to
    version: tuple[int, int, int]
    prefix: Path
    base_prefix: Path
    site_packages: tuple[Path, ...]

    @property
    def short_version(self) -> str:
        """``python3.11``: the name of the layer's lib folder and of the interpreter."""
        return f"python{self.version[0]}.{self.version[1]}"


# Run by the environment's own interpreter: its paths are its own business (a venv's
# site-packages, a Debian dist-packages), so ask it rather than guess.
_DESCRIBE = """
import json, os, site, sys, sysconfig
paths = [p for p in site.getsitepackages() if os.path.isdir(p)]
purelib = sysconfig.get_paths()["purelib"]
if purelib not in paths and os.path.isdir(purelib):
    paths.insert(0, purelib)
exe = getattr(sys, "_base_executable", None) or sys.executable
print(json.dumps({"executable": os.path.realpath(exe), "version": list(sys.version_info[:3]),
                  "prefix": sys.prefix, "base_prefix": sys.base_prefix, "site_packages": paths}))
"""


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

    @property
    def layout(self) -> PythonLayout:
        return python_layout(self.python)

    @property
    def name(self) -> str:
        """What the admin page says runs in runtimes."""
        if self.colab_stack:
            return f"Colab's preinstalled stack ({self.prefix})"
        return f"the hub's own Python environment, without Colab's stack ({self.prefix}): run `make runtime-env`"


@functools.cache
def python_layout(python: Path) -> PythonLayout:
    """The layout of the environment whose interpreter is ``python`` (asked once per hub)."""
    # Run it by the path given, not its real path: a virtual environment's python is a link to
    # the same interpreter as the hub's, and only its own path finds its pyvenv.cfg.
    try:
        out = subprocess.run([str(python), "-I", "-c", _DESCRIBE], capture_output=True, text=True, timeout=60,
                             check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise RuntimeError(f"the runtime environment's python {python} does not run ({exc}): "
                           "rebuild it with `make runtime-env`") from exc
    info = json.loads(out.stdout)
    return PythonLayout(
        executable=Path(info["executable"]),
        version=(info["version"][0], info["version"][1], info["version"][2]),
        prefix=Path(info["prefix"]),
        base_prefix=Path(info["base_prefix"]),
        site_packages=tuple(Path(p) for p in info["site_packages"]),
    )


def hub_environment() -> RuntimeEnvironment:
    """The hub's own environment (what runtimes ran before there was a runtime environment)."""
    return RuntimeEnvironment(Path(sys.prefix), Path(sys.executable), colab_stack=False)


def runtime_environment(settings: Settings) -> RuntimeEnvironment:
    folder = Path(settings.runtime_environment) if settings.runtime_environment else DEFAULT_FOLDER
    python = folder / "bin" / "python"
    complete = (folder / COMPLETE_MARK).exists()
    if python.exists() and not complete and not settings.runtime_environment:
        # `make runtime-env` is under way or failed half-way: a kernel must not start from half a stack.
        log.warning("%s is incomplete (no %s): runtimes run the hub's own Python until `make runtime-env` "
                    "finishes", folder, COMPLETE_MARK)
        return hub_environment()
    if python.exists():
        return RuntimeEnvironment(folder.resolve(), python, colab_stack=complete)
    if settings.runtime_environment:
        raise RuntimeError(
            f"runtime_environment {settings.runtime_environment!r} has no bin/python: "
            "make it with `make runtime-env` or point the setting at a virtual environment")
    return hub_environment()
