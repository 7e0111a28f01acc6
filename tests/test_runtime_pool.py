"""Stories about the runtime pool: warm hand-out, refill, one runtime per (user, notebook), culling.

The pool's logic does not depend on the sandbox: these run on the fake backend (tests/fakes.py).
"""

from __future__ import annotations

import time

import pytest

from nbcloud.config import load_settings
from nbcloud.hub.runtimes.pool import RuntimePool
from tests.fakes import FakeBackend
from tests.kernels import TIMEOUT, Loop, value


@pytest.fixture
def loop():
    lp = Loop()
    yield lp
    lp.close()


@pytest.fixture
def pool(loop, tmp_path):
    settings = load_settings(environ={}, data_dir=tmp_path / "data", runtime_backend="fake", runtime_pool_size=1,
                             runtime_idle_timeout_seconds=600, runtime_max_lifetime_seconds=3600)
    backend = FakeBackend(settings)

    async def make():
        p = RuntimePool(backend, settings, cull_interval=3600)
        await p.start()
        return p

    p = loop.run(make())
    yield p
    loop.run(p.close())
    assert list(backend.root.iterdir()) == []  # every runtime's folder is gone


def test_pool_hands_out_a_warm_runtime_and_refills(loop, pool):
    loop.run(pool.wait_warm())
    warm_id = pool._warm[0].runtime_id
    rt = loop.run(pool.acquire("alice", "nb1"))
    assert rt.runtime_id == warm_id  # no start on the critical path
    assert (rt.owner_id, rt.notebook_id) == ("alice", "nb1")
    kc = rt.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        assert value(kc, "1+1") == 2
    finally:
        kc.stop_channels()
    loop.run(pool.wait_warm())  # refilled in the background
    assert pool.status()["warm"] == 1 and pool._warm[0].runtime_id != warm_id
    # One runtime per (user, notebook).
    assert loop.run(pool.acquire("alice", "nb1")) is rt
    assert pool.get("alice", "nb1") is rt
    other = loop.run(pool.acquire("alice", "nb2"))
    assert other is not rt
    loop.run(pool.release("alice", "nb2"))
    assert pool.get("alice", "nb2") is None
    assert not other.root.exists()


def test_idle_and_old_runtimes_are_culled(loop, pool):
    rt = loop.run(pool.acquire("bob", "nb"))
    assert loop.run(pool.cull()) == []  # fresh: stays
    gone = loop.run(pool.cull(now=time.monotonic() + 601))  # idle past the timeout
    assert rt in gone
    assert pool.get("bob", "nb") is None
    assert loop.run(pool.backend.is_alive(rt)) is False


def test_a_crashed_runtime_is_replaced_on_acquire(loop, pool):
    rt = loop.run(pool.acquire("carol", "nb"))
    loop.run(rt.kill())
    fresh = loop.run(pool.acquire("carol", "nb"))
    assert fresh is not rt
    assert loop.run(pool.backend.is_alive(fresh))


def test_a_hub_set_to_an_unknown_runtime_backend_refuses_to_start_and_names_the_known_ones(tmp_path):
    from nbcloud.hub.app import create_app
    from nbcloud.hub.runtimes.backends import UnknownBackend

    settings = load_settings(environ={}, data_dir=tmp_path / "data", runtime_backend="kubernetes", runtime_pool_size=0)
    with pytest.raises(UnknownBackend, match="'kubernetes'.*one of: fake, local"):
        create_app(settings)


def test_a_backend_without_a_capability_says_so_instead_of_failing_on_a_missing_method(loop, pool):
    from nbcloud.hub.runtimes.backend import BackendLacks

    rt = loop.run(pool.acquire("dave", "nb"))
    assert not pool.backend.capabilities.files and not pool.backend.capabilities.drive
    with pytest.raises(BackendLacks, match="do not support the Files panel. Use files.download"):
        pool.backend.files(rt)
