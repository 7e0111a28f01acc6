"""A runtime backend for tests of the hub's own logic, as JupyterHub tests with ``MockSpawner``.

``FakeBackend`` starts a real ipykernel (with nbcloud's Colab extension, so ``google.colab``
works) from the runtime environment (Colab's stack in ``.runtime-env``, so notebooks' numpy, torch
and matplotlib import; the hub's own Python without it) as a plain child process of the hub: no bubblewrap, no cgroups, no network namespace, no
runtime disk. Pool hand-out, culling, the per-user limit, the start line, execution, outputs,
widgets and trust behave as with the ``local`` backend; stories about the sandbox itself (Drive
mounts, the Files panel, port links, network, disk, seccomp) need ``local`` and stay on it.

Tests pick it with ``runtime_backend="fake"`` (registered by tests/conftest.py).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import psutil
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

from nbcloud.config import Settings
from nbcloud.hub.runtimes import readiness
from nbcloud.hub.runtimes import sandbox as sb
from nbcloud.hub.runtimes.backend import (
    Capabilities,
    CrashInfo,
    Isolation,
    ResourceUsage,
    Runtime,
    RuntimeBackend,
    RuntimeSpec,
    RuntimeStartError,
)
from nbcloud.hub.runtimes.environment import RuntimeEnvironment, runtime_environment

NAME = "fake"


class PlainKernelManager(AsyncKernelManager):
    """An ipykernel of the runtime environment's Python, with the Colab extension, and nothing around it."""

    def __init__(self, env: dict[str, str], python: Path, **kwargs: Any) -> None:
        super().__init__(kernel_name="", cache_ports=False, **kwargs)
        self._kernel_spec = KernelSpec(
            argv=[str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}",
                  f"--ext={sb.COLAB_EXTENSION}"],
            display_name="Python 3 (nbcloud fake)",
            language="python",
            env=env,
        )

    @property
    def process(self) -> Any:
        return self.provisioner.process if self.provisioner is not None else None  # type: ignore[attr-defined]


class FakeRuntime(Runtime):
    root: Path
    manager: PlainKernelManager
    log_handle: IO[bytes]
    stopping: bool = False

    def exit_code(self) -> int | None:
        proc = self.manager.process
        return proc.poll() if proc is not None else 0

    async def kill(self) -> None:
        """The kernel dies on its own (what a crash looks like to the hub)."""
        await self.manager._async_kill_kernel()


def _fake(runtime: Runtime) -> FakeRuntime:
    if not isinstance(runtime, FakeRuntime):
        raise TypeError(f"not a fake runtime: {runtime!r}")
    return runtime


class FakeBackend(RuntimeBackend):
    name = NAME
    # None of the optional capabilities: the hub must say so, not crash, when a story asks.
    capabilities = Capabilities()

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = Path(settings.runtimes_dir).resolve() / NAME
        self.root.mkdir(parents=True, exist_ok=True)
        self.started = 0  # kernels started, restarts included (tests count them)
        self.environment: RuntimeEnvironment = runtime_environment(settings)

    @property
    def isolation(self) -> Isolation:
        return Isolation(sandbox="none", limits="none", uid=os.getuid(), network="host",
                         reasons=("the fake backend (tests only) runs kernels without any sandbox",))

    async def start(self, spec: RuntimeSpec | None = None) -> FakeRuntime:
        spec = spec or RuntimeSpec()
        runtime_id = uuid.uuid4().hex[:16]
        paths = sb.RuntimePaths(self.root / runtime_id)
        for folder in (paths.content, paths.home, paths.tmp):
            folder.mkdir(parents=True)
        plain = sb.SandboxMode("none", None, os.getuid(), os.getgid(), False)
        # The stack's commands (tensorboard, ...) first on PATH, as the local backend puts them.
        stack_bin = f"{self.environment.prefix}/bin:" if self.environment.colab_stack else ""
        env = {**sb.kernel_env(paths, plain, spec.env, self.environment), "PYTHONPATH": str(sb.RUNTIME_PACKAGE_DIR),
               "PATH": stack_bin + os.environ.get("PATH", "/usr/bin:/bin")}
        km = PlainKernelManager(env, self.environment.python, connection_file=str(paths.connection_file))
        log_handle = await asyncio.to_thread(open, paths.log_file, "ab")  # open as long as the runtime
        try:
            await km.start_kernel(stdout=log_handle, stderr=log_handle, cwd=str(paths.content))
            runtime = FakeRuntime(runtime_id=runtime_id, backend_name=self.name,
                                  connection_info=_jsonable(km.get_connection_info()),
                                  memory_limit_bytes=None, owner_id=spec.owner_id, notebook_id=spec.notebook_id)
            runtime.root, runtime.manager, runtime.log_handle = paths.root, km, log_handle
            self.started += 1
            await self._wait_ready(runtime)
            return runtime
        except BaseException as exc:  # cancelled too (the pool closing mid-refill): leave nothing behind
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
            log_handle.close()
            shutil.rmtree(paths.root, ignore_errors=True)
            if not isinstance(exc, Exception):
                raise
            raise RuntimeStartError(f"fake runtime failed to start: {exc}") from exc

    async def _wait_ready(self, rt: FakeRuntime) -> None:
        await readiness.wait_until_ready(rt.connection_info, lambda: rt.exit_code() is None,
                                         lambda: (rt.root / "kernel.log").read_text(errors="replace")[-2000:])

    async def shutdown(self, runtime: Runtime, *, now: bool = False) -> None:
        rt = _fake(runtime)
        rt.stopping = True
        if rt.manager.has_kernel:
            await rt.manager.shutdown_kernel(now=now)
        rt.log_handle.close()
        await asyncio.to_thread(shutil.rmtree, rt.root, True)

    async def interrupt(self, runtime: Runtime) -> None:
        await _fake(runtime).manager.interrupt_kernel()

    async def restart(self, runtime: Runtime) -> None:
        rt = _fake(runtime)
        rt.stopping = True
        try:
            await rt.manager.restart_kernel(now=True)
        finally:
            rt.stopping = False
        self.started += 1
        rt.touch()
        await self._wait_ready(rt)

    async def is_alive(self, runtime: Runtime) -> bool:
        rt = _fake(runtime)
        return rt.manager.has_kernel and rt.exit_code() is None

    async def wait(self, runtime: Runtime) -> CrashInfo | None:
        rt = _fake(runtime)
        while rt.exit_code() is None:
            await asyncio.sleep(0.05)
        return self.crash_info(rt)

    def crash_info(self, runtime: Runtime) -> CrashInfo | None:
        rt = _fake(runtime)
        code = rt.exit_code()
        if rt.stopping or code is None:
            return None
        if code in (-signal.SIGKILL, 128 + signal.SIGKILL):
            return CrashInfo("killed", "the runtime was killed", code)
        return CrashInfo("exited", f"the runtime's kernel exited (status {code})", code)

    async def usage(self, runtime: Runtime) -> ResourceUsage:
        rt = _fake(runtime)
        proc = rt.manager.process
        rss = 0
        if proc is not None:
            try:
                top = psutil.Process(proc.pid)
                rss = sum(p.memory_info().rss for p in [top, *top.children(recursive=True)])
            except psutil.Error:
                pass
        disk = sum(f.stat().st_size for f in (rt.root / "content").rglob("*") if f.is_file() and not f.is_symlink())
        return ResourceUsage(memory_rss_bytes=rss, memory_limit_bytes=None, disk_used_bytes=disk, gpus=None)


def _jsonable(info: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in info.items()}
