"""Stories about /dev/shm in a runtime: shared memory works (multiprocessing, PyTorch's
DataLoader workers), is bounded, and what lies there counts in the runtime's memory.

One sandboxed runtime of 1 GiB serves every story (kernels are expensive, the machine small).
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from nbcloud.config import load_settings
from nbcloud.hub.runtimes import RuntimeSpec
from nbcloud.hub.runtimes.local import LocalBackend, LocalRuntime
from nbcloud.hub.runtimes.sandbox import INSTALL_HINT
from tests.kernels import TIMEOUT, run, value

MB = 1024**2
MEMORY = 1024 * MB


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> LocalBackend:
    if shutil.which("bwrap") is None:
        pytest.fail(f"bwrap not found: {INSTALL_HINT}")
    data = tmp_path_factory.mktemp("hub") / "data"
    settings = load_settings(environ={}, data_dir=data, runtime_sandbox="bwrap", runtime_pool_size=0)
    return LocalBackend(settings)


@pytest.fixture(scope="module")
def runtime(loop, backend):
    rt = loop.run(backend.start(RuntimeSpec(owner_id=1, notebook_id="nb", memory_bytes=MEMORY)))
    yield rt
    loop.run(backend.shutdown(rt, now=True))


@pytest.fixture(scope="module")
def kc(runtime):
    client = runtime.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=TIMEOUT)
    yield client
    client.stop_channels()


def cgroup_memory(runtime: LocalRuntime) -> int:
    """What the runtime's memory cgroup is charged now (bytes)."""
    folder = runtime.limits.memory_dir
    if folder is None:
        pytest.fail(f"runtimes here have no memory cgroup (limits: {runtime.limits.mechanism}); "
                    "this story needs one: run the tests as root on a machine with cgroups")
    for name in ("memory.current", "memory.usage_in_bytes"):  # cgroup v2, v1
        if (Path(folder) / name).exists():
            return int((Path(folder) / name).read_text())
    pytest.fail(f"no memory usage file in {folder}")


def test_multiprocessing_queue_and_pool_work_in_a_runtime(kc):
    out, _, status = run(kc, textwrap.dedent("""
        import multiprocessing as mp

        def square(x):
            return x * x

        q = mp.Queue()
        q.put({"hello": "shm"})
        print(q.get(timeout=30))
        with mp.Pool(2) as pool:
            print(sum(pool.map(square, range(100))))
        lock = mp.Lock()  # a POSIX semaphore in /dev/shm
        with lock:
            print("locked")
    """))
    assert status == "ok", out
    assert out.split() == ["{'hello':", "'shm'}", "328350", "locked"]


def test_a_dataloader_with_two_workers_runs_in_a_runtime(kc):
    out, _, status = run(kc, textwrap.dedent("""
        import torch
        from torch.utils.data import DataLoader, TensorDataset

        data = TensorDataset(torch.arange(64, dtype=torch.float32).reshape(32, 2))
        loader = DataLoader(data, batch_size=8, num_workers=2)
        print(int(sum(batch[0].sum() for batch in loader)))
    """))
    assert status == "ok", out
    assert out.strip() == str(sum(range(64)))


def test_shm_is_writable_and_holds_at_most_half_the_runtime_memory(kc):
    assert value(kc, "__import__('os').access('/dev/shm', __import__('os').W_OK)") is True
    size = value(kc, "(lambda s: s.f_blocks * s.f_frsize)(__import__('os').statvfs('/dev/shm'))")
    assert size == MEMORY // 2
    # Filling it past its size ends in "No space left on device", not in the runtime's death.
    out, _, status = run(kc, textwrap.dedent("""
        import errno
        written = 0
        try:
            with open('/dev/shm/fill', 'wb') as f:
                while True:
                    f.write(b'x' * (16 * 1024 * 1024))
                    f.flush()
                    written += 16
        except OSError as e:
            print(errno.errorcode[e.errno], written)
        finally:
            import os
            os.remove('/dev/shm/fill')
    """))
    assert status == "ok", out
    code, written = out.split()
    assert code == "ENOSPC" and int(written) <= MEMORY // 2 // MB


def test_what_a_runtime_keeps_in_shm_counts_in_its_memory(kc, runtime):
    before = cgroup_memory(runtime)
    # The writer has ended; the pages stay in /dev/shm, charged to the runtime's cgroup.
    out, _, status = run(kc, "!dd if=/dev/zero of=/dev/shm/blob bs=1M count=300 status=none && ls -s --block-size=M /dev/shm/blob")
    assert status == "ok" and out.startswith("300M"), out
    grown = cgroup_memory(runtime) - before
    assert grown >= 280 * MB, f"the runtime's memory grew by {grown // MB} MiB only"
    run(kc, "import os; os.remove('/dev/shm/blob')")
    assert cgroup_memory(runtime) - before < 100 * MB  # freed with the file
