"""The ``local`` backend: one ipykernel per runtime, in a bubblewrap sandbox, with limits.

The kernel is started by a jupyter_client ``AsyncKernelManager`` subclass whose launch
command is ``[limits prefix] [setpriv] bwrap ... -- python -m ipykernel_launcher -f
/run/nbcloud/kernel.json``. ZMQ runs over ipc sockets in the runtime's own folder: the hub
connects to ``runtimes_dir/<id>/ipc/kernel-N``, the kernel binds the same sockets as
``/run/nbcloud/kernel-N``. No TCP port is opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import stat
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import psutil
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

from nbcloud.config import Settings

from . import disk, drive_mount, drive_quota, leftovers, readiness
from . import sandbox as sb
from .backend import (
    Capabilities,
    CrashInfo,
    Dialer,
    DriveUsage,
    GpuUsage,
    Isolation,
    ResourceUsage,
    Runtime,
    RuntimeBackend,
    RuntimeSpec,
    RuntimeStartError,
    oom_message,
)
from .environment import RuntimeEnvironment, runtime_environment
from .files import RuntimeFiles
from .limits import Limiter, RuntimeLimits, detect_limiter
from .listeners import (
    PortCheck,
    cgroup_pids,
    port_owner,
    private_port_owner,
    process_tree,
)
from .network import RuntimeNet

log = logging.getLogger(__name__)
T = TypeVar("T")


class SandboxKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel command is the sandboxed launch command."""

    def __init__(self, *, paths: sb.RuntimePaths, mode: sb.SandboxMode, limits: RuntimeLimits,
                 env: dict[str, str], environment: RuntimeEnvironment, **kwargs: Any):
        super().__init__(
            transport="ipc",
            ip=_short_ipc_prefix(paths),
            connection_file=str(paths.connection_file),
            cache_ports=False,
            kernel_name="",
            **kwargs,
        )
        self._paths = paths
        self._mode = mode
        self._limits = limits
        self._kernel_env = env
        self._environment = environment
        self._argv = sb.kernel_argv(paths, mode)
        self._kernel_spec = KernelSpec(
            argv=self._argv,
            display_name="Python 3 (nbcloud)",
            language="python",
            interrupt_mode="message",  # signals cannot cross the sandbox's session/pid namespace
            metadata={},
        )
        self._pending: sb.SandboxCommand | None = None
        self.network: RuntimeNet | None = None  # the running sandbox's own network, if it has one

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        # The connection file is written by now: give the kernel its own copy with
        # the socket paths it sees.
        info = json.loads(Path(self.connection_file).read_text())
        info["ip"] = f"{self._mode.inside(self._paths)['ipc']}/kernel"
        inner = self._paths.ipc / "kernel.json"
        inner.write_text(json.dumps(info))
        if self._mode.drop_privileges:
            os.chown(inner, self._mode.uid, self._mode.gid)
        inner.chmod(0o600)
        if self._pending is not None:
            self._pending.close()
        self._pending = sb.build_command(self._paths, self._mode, self._kernel_env, list(self._argv),
                                         environment=self._environment, shm_bytes=shm_size(self._limits))
        return self._limits.command_prefix() + self._pending.argv

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        self._limits.mark_start()
        pending = self._pending
        if pending is not None and pending.fds:
            kw["pass_fds"] = tuple(pending.fds)
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        except BaseException:
            if pending is not None:
                pending.close_all()
            raise
        finally:
            if pending is not None:
                pending.close()
            self._pending = None
        if pending is not None and pending.launch is not None:
            # The sandbox waits (bwrap --block-fd) until its network is up; see runtimes.network.
            self.network = await RuntimeNet.start(pending.launch, self._mode.network,
                                                  log_path=self._paths.root / "network.log")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        if self.network is not None:  # the sandbox is gone: so is its network (slirp4netns ends)
            await asyncio.to_thread(self.network.stop)
            self.network = None
        await super()._async_cleanup_resources(restart=restart)

    @property
    def process(self) -> psutil.Popen | Any | None:
        return getattr(self.provisioner, "process", None) if self.provisioner else None


class LocalRuntime(Runtime):
    """A runtime of the local backend (host-side state)."""

    paths: sb.RuntimePaths
    manager: SandboxKernelManager
    limits: RuntimeLimits
    log_handle: Any
    stopping: bool = False
    crash: CrashInfo | None = None
    pid: int | None = None
    # Drives the hub attached inside the sandbox: folder (as the kernel sees it) -> kernel pid.
    drive_mounts: dict[str, int]


BWRAP_SETUP_ATTEMPTS = 3


class LocalBackend(RuntimeBackend):
    """Runtimes on this machine. Construction probes the sandbox and limit mechanisms once."""

    name = "local"

    def __init__(self, settings: Settings, *, sandbox: str | None = None, limits: str | None = None):
        self.settings = settings
        self.root = Path(settings.runtimes_dir).resolve()
        # The Python kernels run: Colab's stack (.runtime-env) when it is built, else the hub's.
        self.environment = runtime_environment(settings)
        self.root.mkdir(parents=True, exist_ok=True)
        self.mode = sb.probe(
            sandbox or settings.runtime_sandbox,
            settings.runtime_uid,
            settings.runtime_gid,
            self.root / f".probe-{uuid.uuid4().hex[:8]}",
            network=settings.runtime_network,
        )
        self.limiter: Limiter = detect_limiter(limits or settings.runtime_limits)
        # Each runtime's folder on a disk of its own (runtime_disk_bytes); see runtimes.disk.
        self.disks = disk.detect_disks(settings.runtime_disk_bytes, self.root / f".probe-disk-{uuid.uuid4().hex[:8]}")
        leftovers.clean(self.root, self.limiter)  # no runtime of this hub is live yet
        self._check_layout()
        self.capabilities = Capabilities(drive=True, files=True, ports=True, gpu=sb.has_gpu())
        iso = self.isolation
        log.info("local runtimes: sandbox=%s limits=%s uid=%s%s", iso.sandbox, iso.limits, iso.uid,
                 f" ({'; '.join(iso.reasons)})" if iso.reasons else "")

    def _check_layout(self) -> None:
        # The hub's data must never be inside something the sandbox binds read-only.
        data = Path(self.settings.data_dir).resolve()
        if self.mode.sandboxed:
            for root in [*sb.python_roots(self.environment), "/usr", "/etc"]:
                if data == Path(root) or Path(root) in data.parents:
                    raise RuntimeStartError(f"data_dir {data} lies inside {root}, which runtimes can read")

    @property
    def isolation(self) -> Isolation:
        return Isolation(
            sandbox=self.mode.mode,
            limits=self.limiter.mechanism,  # type: ignore[arg-type]
            uid=self.mode.uid,
            network=self.mode.network.mode,  # type: ignore[arg-type]
            namespaces_blocked=self.mode.seccomp is not None,
            reasons=tuple(self.mode.reasons) + tuple(self.limiter.reasons) + tuple(self.disks.reasons)
            + self._environment_reasons(),
        )

    def _environment_reasons(self) -> tuple[str, ...]:
        # Shown with the isolation warnings on the admin page: notebooks will miss packages.
        if self.environment.colab_stack:
            return ()
        return (f"runtimes run {self.environment.name}: Colab notebooks' imports of its preinstalled packages "
                "(sklearn, cv2, ...) fail",)

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self, spec: RuntimeSpec | None = None) -> LocalRuntime:
        spec = spec or RuntimeSpec()
        for attempt in range(1, BWRAP_SETUP_ATTEMPTS + 1):
            try:
                return await self._start_once(spec)
            except RuntimeStartError as exc:
                # bwrap 0.8 sometimes fails to bring up the new network namespace's loopback
                # ("loopback: Failed RTM_NEWADDR") when many namespaces are made at once; it
                # passes on a second try, so no person should see it.
                if "RTM_NEWADDR" not in str(exc) or attempt == BWRAP_SETUP_ATTEMPTS:
                    raise
                log.warning("bwrap could not set up a runtime's loopback (try %d), starting again", attempt)
        raise AssertionError("unreachable")

    async def _start_once(self, spec: RuntimeSpec) -> LocalRuntime:
        runtime_id = uuid.uuid4().hex[:16]
        paths = sb.RuntimePaths(self.root / runtime_id)
        memory = spec.memory_bytes or self.settings.runtime_memory_bytes
        nproc = spec.max_processes or self.settings.runtime_max_processes
        limits: RuntimeLimits | None = None
        log_handle = None
        try:
            await _thread_to_the_end(self.disks.provision, paths.root)
            await _thread_to_the_end(self._prepare, paths)
            limits = self.limiter.prepare(runtime_id, memory, nproc)
            env = sb.kernel_env(paths, self.mode, spec.env, self.environment)
            km = SandboxKernelManager(paths=paths, mode=self.mode, limits=limits, env=env,
                                      environment=self.environment)
            log_handle = open(paths.log_file, "ab")  # noqa: SIM115 (the kernel's log: open while it runs)
            await km.start_kernel(stdout=log_handle, stderr=log_handle, cwd=str(paths.root))
            runtime = LocalRuntime(
                runtime_id=runtime_id,
                backend_name=self.name,
                connection_info=_jsonable(km.get_connection_info()),
                memory_limit_bytes=memory,
                owner_id=spec.owner_id,
                notebook_id=spec.notebook_id,
            )
            runtime.paths, runtime.manager, runtime.limits, runtime.log_handle = paths, km, limits, log_handle
            runtime.pid = km.process.pid if km.process else None
            runtime.drive_mounts = {}
            await self._wait_ready(runtime)
            return runtime
        except BaseException as exc:
            if "km" in locals():
                try:
                    await km.shutdown_kernel(now=True)
                except Exception:
                    pass
            if limits is not None:
                limits.remove()
            if log_handle is not None:
                log_handle.close()
            tail = _tail(paths.log_file)
            disk.discard(paths.root)
            _drop_short_link(paths)
            if isinstance(exc, (asyncio.CancelledError, KeyboardInterrupt)):
                raise
            shown = f"\n{tail}" if tail and tail not in str(exc) else ""  # readiness may have quoted it
            raise RuntimeStartError(f"runtime failed to start: {exc}{shown}") from exc

    def _prepare(self, paths: sb.RuntimePaths) -> None:
        sb.prepare_dirs(paths, self.mode, self.environment)
        sb.make_layer(paths, self.mode, self.environment)

    async def _wait_ready(self, runtime: LocalRuntime) -> None:
        # Dead means its process ended, never a late heartbeat (see runtimes.readiness).
        proc = runtime.manager.process
        await readiness.wait_until_ready(runtime.connection_info, lambda: proc is not None and proc.poll() is None,
                                         lambda: _tail(runtime.paths.log_file))

    async def _poll_exit(self, runtime: LocalRuntime) -> int:
        proc = runtime.manager.process
        while proc is not None and proc.poll() is None:
            await asyncio.sleep(0.05)
        return proc.poll() if proc is not None else 0

    async def shutdown(self, runtime: Runtime, *, now: bool = False) -> None:
        rt = _local(runtime)
        rt.stopping = True
        try:
            if rt.manager.has_kernel:
                await rt.manager.shutdown_kernel(now=now)
        except Exception:
            log.exception("shutting down runtime %s", rt.runtime_id)
        await asyncio.to_thread(rt.limits.remove)
        try:
            rt.log_handle.close()
        except Exception:
            pass
        await asyncio.to_thread(disk.discard, rt.paths.root)
        _drop_short_link(rt.paths)

    async def interrupt(self, runtime: Runtime) -> None:
        await _local(runtime).manager.interrupt_kernel()

    async def restart(self, runtime: Runtime) -> None:
        rt = _local(runtime)
        rt.stopping = True
        try:
            await rt.manager.restart_kernel(now=True)
        finally:
            rt.stopping = False
        rt.crash = None
        rt.pid = rt.manager.process.pid if rt.manager.process else None
        rt.drive_mounts = {}  # a new sandbox: the old one's mounts went with it
        rt.touch()
        await self._wait_ready(rt)

    async def is_alive(self, runtime: Runtime) -> bool:
        rt = _local(runtime)
        return rt.manager.has_kernel and await rt.manager.is_alive()

    async def wait(self, runtime: Runtime) -> CrashInfo | None:
        rt = _local(runtime)
        await self._poll_exit(rt)
        return self.crash_info(rt)

    def crash_info(self, runtime: Runtime) -> CrashInfo | None:
        rt = _local(runtime)
        if rt.crash is not None:
            return rt.crash
        proc = rt.manager.process
        code = proc.poll() if proc is not None else None
        if rt.stopping or code is None:
            return None
        limit = rt.limits.memory_bytes
        if rt.limits.oom_kills() > 0:
            rt.crash = CrashInfo("oom", oom_message(limit), code)
        elif rt.limits.mechanism in ("rlimit", "none") and code in (-signal.SIGKILL, 128 + signal.SIGKILL):
            # No cgroup to ask: a SIGKILL with the memory limit in force is the OOM killer's mark.
            rt.crash = CrashInfo("oom", oom_message(limit), code)
        elif code in (-signal.SIGKILL, 128 + signal.SIGKILL):
            rt.crash = CrashInfo("killed", "the runtime was killed", code)
        else:
            rt.crash = CrashInfo("exited", f"the runtime's kernel exited (status {code})", code)
        return rt.crash

    async def offer_drive(self, runtime: Runtime, mydrive: Path, *, readonly: bool = False,
                          usage: DriveUsage | None = None) -> str:
        """Start handing ``mydrive`` to the runtime (after the person's consent): returns the
        socket path, as the kernel sees it, where the kernel picks the Drive up (see drive_mount).
        ``usage`` (used, quota) keeps the owner's quota while it is mounted (see drive_quota)."""
        rt = _local(runtime)
        loop = asyncio.get_running_loop()
        fd = await asyncio.to_thread(drive_mount.prepare, mydrive, kernel_uid=self.mode.uid,
                                     kernel_gid=self.mode.gid, readonly=readonly)

        def attach(pid: int, uid: int, target: str, tree_fd: int) -> bool:
            if not (self.mode.sandboxed and drive_mount.can_enter_sandboxes()) or uid != self.mode.uid:
                return False
            ns_fd = drive_mount.sandbox_mount_ns(pid, rt.pid)
            if ns_fd is None:
                return False
            try:
                drive_mount.attach(ns_fd, tree_fd, target, owner=(self.mode.uid, self.mode.gid))
            finally:
                os.close(ns_fd)
            rt.drive_mounts[target] = pid
            if usage is not None and not readonly:
                loop.call_soon_threadsafe(self._guard_quota, rt, target, pid, usage)
            return True

        try:
            hand = drive_mount.HandOver(rt.paths.ipc, self.mode.inside(rt.paths)["ipc"], self.mode.uid, self.mode.gid,
                                        fd, attach=attach)
        except BaseException:
            os.close(fd)
            raise
        task = asyncio.create_task(asyncio.to_thread(hand.give))
        task.add_done_callback(_warn_if_not_picked_up)
        return hand.inside_path

    def _guard_quota(self, rt: LocalRuntime, target: str, pid: int, usage: DriveUsage) -> None:
        drive_quota.QuotaGuard(
            target, rt.paths.ipc, usage,
            namespace=lambda: drive_mount.sandbox_mount_ns(pid, rt.pid),
            active=lambda: rt.drive_mounts.get(target) == pid and not rt.stopping,
        ).start()

    def files(self, runtime: Runtime) -> RuntimeFiles:
        """The runtime's /content, for the hub's Files panel (see runtimes.files). What the hub
        writes there belongs to the kernel's user when the hub drops privileges to run it."""
        rt = _local(runtime)
        drop = self.mode.drop_privileges
        return RuntimeFiles(rt.paths.content, self.mode.uid if drop else None, self.mode.gid if drop else None,
                            inside=self.mode.inside(rt.paths)["content"])

    def runtime_pids(self, runtime: Runtime) -> set[int]:
        """Every process of the runtime on the host: the kernel's tree and its cgroups' members
        (a server started with ``&`` and reparented still sits in the cgroup, and below the
        sandbox's own init when it has a pid namespace)."""
        rt = _local(runtime)
        return process_tree(rt.pid) | cgroup_pids(rt.limits.cgroup_dirs)

    def port_owner(self, runtime: Runtime, port: int) -> PortCheck:
        """Whether loopback:``port`` is served by this runtime alone (see ``listeners``). It reads
        /proc: call it in a thread."""
        if self.mode.network.private:
            net = _local(runtime).manager.network
            return PortCheck("none") if net is None or net.closed else private_port_owner(port, net.proc_net())
        return port_owner(port, self.runtime_pids(runtime))

    def port_dialer(self, runtime: Runtime) -> Dialer | None:
        """How the hub connects to a server in ``runtime`` (its loopback is its own), or None
        when runtimes share the hub's loopback (connect to 127.0.0.1 as usual)."""
        if not self.mode.network.private:
            return None
        manager = _local(runtime).manager

        async def dial(host: str, port: int, timeout: float | None) -> socket.socket:
            net = manager.network  # the current sandbox's (a restart makes a new one)
            if net is None or net.closed:
                raise ConnectionRefusedError("the runtime is not running")
            return await net.open_connection_socket(host, port, timeout)

        return dial

    async def release_drive(self, runtime: Runtime, target: str) -> bool:
        """Unmount a Drive the hub attached at ``target`` in the runtime (flush_and_unmount).
        False when no Drive of this hub's making is there."""
        rt = _local(runtime)
        pid = rt.drive_mounts.get(target)
        if pid is None:
            return False
        ns_fd = drive_mount.sandbox_mount_ns(pid, rt.pid)
        if ns_fd is None:  # that kernel is gone, and its mounts with it
            rt.drive_mounts.pop(target, None)
            return False
        try:
            await asyncio.to_thread(drive_mount.detach, ns_fd, target)
        finally:
            os.close(ns_fd)
        rt.drive_mounts.pop(target, None)
        return True

    async def usage(self, runtime: Runtime) -> ResourceUsage:
        rt = _local(runtime)
        pids, rss = _tree_rss(rt.pid)
        disk = await asyncio.to_thread(_disk_usage, rt.paths.content)
        return ResourceUsage(
            memory_rss_bytes=rss,
            memory_limit_bytes=rt.limits.memory_bytes,
            disk_used_bytes=disk,
            gpus=_gpu_usage(pids),
        )


# Unix socket paths are limited to 107 bytes. When runtimes_dir is deep, the hub reaches
# the sockets through a short symlink in a private folder of its own.
_SOCKET_PATH_MAX = 100


def _short_link_dir() -> Path:
    d = Path(f"/tmp/nbcloud-ipc-{os.geteuid()}")
    try:
        d.mkdir(mode=0o700)
    except FileExistsError:
        st = d.lstat()
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
            raise RuntimeStartError(f"{d} exists but is not a private folder of this user") from None
    return d


def shm_size(limits: RuntimeLimits) -> int:
    """/dev/shm's size in a runtime: half its memory, as Linux sizes a tmpfs by default (half
    the machine's). What lies there is charged to the runtime's memory all the same."""
    return max(limits.memory_bytes // 2, 64 * 1024 * 1024)


def _short_ipc_prefix(paths: sb.RuntimePaths) -> str:
    prefix = str(paths.ipc / "kernel")
    if len(prefix) + 4 <= _SOCKET_PATH_MAX:
        return prefix
    link = _short_link_dir() / paths.root.name
    if not link.is_symlink():
        link.symlink_to(paths.ipc)
    return str(link / "kernel")


def _drop_short_link(paths: sb.RuntimePaths) -> None:
    link = Path(f"/tmp/nbcloud-ipc-{os.geteuid()}") / paths.root.name
    if link.is_symlink():
        link.unlink()


async def _thread_to_the_end(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn`` in a thread; if cancelled, wait for the thread first (it cannot be stopped),
    so the caller's clean-up does not race with files it is still writing."""
    future = asyncio.get_running_loop().run_in_executor(None, fn, *args)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        with contextlib.suppress(BaseException):
            await future
        raise


def _warn_if_not_picked_up(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("the runtime did not pick up its Drive: %s", task.exception())


def _local(runtime: Runtime) -> LocalRuntime:
    if not isinstance(runtime, LocalRuntime):
        raise TypeError(f"not a local runtime: {runtime!r}")
    return runtime


def _jsonable(info: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in info.items()}


def _tail(path: Path, limit: int = 2000) -> str:
    try:
        return path.read_bytes()[-limit:].decode(errors="replace").strip()
    except OSError:
        return ""


def _tree_rss(pid: int | None) -> tuple[set[int], int]:
    if pid is None:
        return set(), 0
    try:
        top = psutil.Process(pid)
        procs = [top, *top.children(recursive=True)]
    except psutil.Error:
        return set(), 0
    total, pids = 0, set()
    for p in procs:
        try:
            total += p.memory_info().rss
            pids.add(p.pid)
        except psutil.Error:
            pass
    return pids, total


def _disk_usage(root: Path) -> int:
    total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + dirnames:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            except OSError:
                pass
    return total


def _gpu_usage(pids: set[int]) -> tuple[GpuUsage, ...] | None:
    try:
        import pynvml  # nvidia-ml-py
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
    except Exception:
        return None
    try:
        out = []
        for i in range(pynvml.nvmlDeviceGetCount()):
            h = pynvml.nvmlDeviceGetHandleByIndex(i)
            mem = pynvml.nvmlDeviceGetMemoryInfo(h)
            used = 0
            for p in pynvml.nvmlDeviceGetComputeRunningProcesses(h):
                if p.pid in pids and p.usedGpuMemory:
                    used += p.usedGpuMemory
            try:
                util = pynvml.nvmlDeviceGetUtilizationRates(h).gpu
            except Exception:
                util = None
            name = pynvml.nvmlDeviceGetName(h)
            out.append(GpuUsage(i, name.decode() if isinstance(name, bytes) else name, used, mem.total, util))
        return tuple(out) or None
    except Exception:
        return None
    finally:
        try:
            pynvml.nvmlShutdown()
        except Exception:
            pass
