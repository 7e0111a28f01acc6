"""The runtime environment the third-party widget stories run in: one where ipyleaflet, bqplot,
plotly and anywidget are installed with their JupyterLab front ends (Colab's stack has them all).

The checkout's ``.runtime-env`` (``make runtime-env``) when it has them; NBCLOUD_WIDGET_TEST_ENV
names another virtual environment (for example one made with
``uv pip install ipykernel ipywidgets ipyleaflet==0.20.0 bqplot==0.12.47 plotly==5.24.1 anywidget==0.9.21``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nbcloud.hub.runtimes.environment import DEFAULT_FOLDER

WIDGET_PACKAGES = ("jupyter-leaflet", "bqplot", "jupyterlab-plotly", "anywidget")


def _has_widgets(env: Path) -> bool:
    labextensions = env / "share" / "jupyter" / "labextensions"
    return (env / "bin" / "python").exists() and all((labextensions / p / "package.json").is_file() for p in WIDGET_PACKAGES)


def widget_environment() -> Path:
    """The environment's folder, or a failure saying how to make one (the stories are the point)."""
    named = os.environ.get("NBCLOUD_WIDGET_TEST_ENV")
    candidates = [Path(named)] if named else [DEFAULT_FOLDER]
    for env in candidates:
        if _has_widgets(env):
            return env
    pytest.fail(f"No runtime environment with {', '.join(WIDGET_PACKAGES)} installed at {candidates[0]}: "
                "run `make runtime-env` (Colab's stack has them) or point NBCLOUD_WIDGET_TEST_ENV at a "
                "virtual environment that has ipyleaflet, bqplot, plotly and anywidget.")
