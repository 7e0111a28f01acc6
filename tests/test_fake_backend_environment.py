"""The fake backend's kernels run the runtime environment, not the hub's: the hub no longer
installs Colab's stack, so a notebook's numpy or matplotlib on the fake backend comes from
.runtime-env, exactly as on the local backend."""

from __future__ import annotations

import sys

import pytest

from nbcloud.config import load_settings
from nbcloud.hub.runtimes import RuntimeSpec
from nbcloud.hub.runtimes.environment import COMPLETE_MARK, DEFAULT_FOLDER
from tests.fakes import FakeBackend
from tests.kernels import run


def test_a_notebooks_numpy_on_the_fake_backend_comes_from_the_runtime_environment(loop, tmp_path):
    if not (DEFAULT_FOLDER / COMPLETE_MARK).exists():
        pytest.fail(f"{DEFAULT_FOLDER} is missing or incomplete (no {COMPLETE_MARK}): build Colab's stack with "
                    "`make runtime-env` (make test does)")
    settings = load_settings(environ={}, data_dir=tmp_path / "data", runtime_backend="fake", runtime_pool_size=0)
    backend = FakeBackend(settings)
    assert backend.environment.colab_stack
    rt = loop.run(backend.start(RuntimeSpec(owner_id=1, notebook_id="numpy")))
    try:
        kc = rt.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            out, _, status = run(kc, "import sys, numpy, matplotlib, google.colab\n"
                                     "print(sys.prefix, numpy.__file__.startswith(sys.prefix), matplotlib.get_backend())")
        finally:
            kc.stop_channels()
    finally:
        loop.run(backend.shutdown(rt, now=True))
    assert status == "ok", out
    prefix, numpy_in_env, _backend = out.split()
    assert prefix == str(DEFAULT_FOLDER.resolve()) and prefix != sys.prefix
    assert numpy_in_env == "True"
