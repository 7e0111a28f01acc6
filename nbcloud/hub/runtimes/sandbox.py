"""The bubblewrap command line around a runtime's kernel, and what this machine allows.

Inside the sandbox a runtime sees::

    /content            runtimes_dir/<id>/content   rw, working directory
    /tmp                runtimes_dir/<id>/tmp       rw, private
    /root               runtimes_dir/<id>/home      rw, HOME (Colab's home is /root)
    /opt/nbcloud/python runtimes_dir/<id>/env       rw, per-runtime Python layer: `pip install` lands here
    /opt/nbcloud/lib    nbcloud/runtime             ro, in-sandbox code (google.colab compat, later)
    /run/nbcloud        runtimes_dir/<id>/ipc       rw, ZMQ ipc sockets + the kernel's connection file
    /usr /etc(subset)   host                        ro
    the runtime environment                         ro, the shared base Python environment (see
                                                        ``environment``: Colab's stack, else the hub's)
    /proc /dev          fresh, minimal; no /sys
    /dev/shm            a tmpfs of its own, half the runtime's memory at most (as Linux sizes
                        one), its pages charged to the runtime's memory cgroup

and nothing else: not the hub's data folder, database, config, other runtimes or Drives.

Modes (see :func:`probe`):

* ``bwrap-setpriv`` (the hub is root): bwrap runs privileged (new mount, pid, ipc, uts,
  cgroup and network namespaces) and ``setpriv`` inside drops to ``runtime_uid``/``runtime_gid``
  with no supplementary groups, an empty capability bounding set and ``no_new_privs``. (A user
  namespace made by root would map the sandbox's uid to host root, so root does not use one.)
* ``bwrap-userns`` (the hub is not root): bwrap in a new user namespace (everything
  unshared), ``--cap-drop ALL``, ``--disable-userns``; the kernel keeps
  the hub's uid on the host but sees only its own folders.
* ``none``: bwrap cannot run; the kernel runs unsandboxed (only with runtime_sandbox=auto
  or none), which the backend logs and reports in ``Isolation.reasons``.

In both bwrap modes the runtime has a network namespace of its own (see ``network``: the
internet through slirp4netns, or nothing) and a seccomp filter (see ``seccomp``) that keeps it
from making namespaces of its own (``unshare -r`` fails).
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import network as net
from . import seccomp
from .backend import SandboxKind, SandboxUnavailable
from .environment import RuntimeEnvironment, hub_environment

log = logging.getLogger(__name__)

INSTALL_HINT = "install bubblewrap (make test does)"

# Where things appear inside the sandbox.
CONTENT = "/content"
HOME = "/root"
LAYER = "/opt/nbcloud/python"
LIB = "/opt/nbcloud/lib"
IPC = "/run/nbcloud"

# /etc entries a kernel needs (DNS, TLS, users, locale, linker); the rest of /etc stays hidden.
ETC_ENTRIES = (
    "alternatives", "ca-certificates", "ca-certificates.conf", "fonts", "gai.conf", "group",
    "host.conf", "hosts", "inputrc", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "locale.alias",
    "locale.gen", "localtime", "magic", "mime.types", "nsswitch.conf", "os-release", "passwd",
    "protocols", "resolv.conf", "services", "ssl", "timezone", "bash.bashrc", "profile",
    "matplotlibrc", "pip.conf", "xdg", "gitconfig", "java-17-openjdk", "R", "ImageMagick-6",
)

RUNTIME_PACKAGE_DIR = Path(__file__).resolve().parents[2] / "runtime"
SAMPLE_DATA_DIR = RUNTIME_PACKAGE_DIR / "sample_data"
# Loaded into every kernel: Colab's magics, the google namespace (nbcloud/runtime/google/colab).
COLAB_EXTENSION = "google.colab._kernel_ext"
COLAB_RELEASE_TAG = "nbcloud-release-1"


@dataclass(frozen=True)
class RuntimePaths:
    """The host folders of one runtime."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def layer(self) -> Path:
        return self.root / "env"

    @property
    def ipc(self) -> Path:
        return self.root / "ipc"

    @property
    def connection_file(self) -> Path:
        """The hub's connection file (host socket paths); not visible inside."""
        return self.root / "connection.json"

    @property
    def log_file(self) -> Path:
        return self.root / "kernel.log"

    def writable(self) -> tuple[Path, ...]:
        return (self.content, self.tmp, self.home, self.layer, self.ipc)


@dataclass(frozen=True)
class SandboxMode:
    """How the local backend sandboxes kernels on this machine (what :func:`probe` found)."""

    mode: SandboxKind
    bwrap: str | None
    uid: int  # uid the kernel has on the host
    gid: int
    drop_privileges: bool  # hub is root: setpriv to uid/gid
    reasons: tuple[str, ...] = ()
    network: net.NetworkPlan = net.NetworkPlan("host")
    seccomp: bytes | None = None  # the filter against new namespaces (seccomp.build_filter)

    @property
    def sandboxed(self) -> bool:
        return self.mode != "none"

    def inside(self, paths: RuntimePaths) -> dict[str, str]:
        """Paths as the kernel sees them."""
        if self.sandboxed:
            return {"content": CONTENT, "home": HOME, "layer": LAYER, "lib": LIB, "ipc": IPC, "tmp": "/tmp"}
        return {
            "content": str(paths.content), "home": str(paths.home), "layer": str(paths.layer),
            "lib": str(RUNTIME_PACKAGE_DIR), "ipc": str(paths.ipc), "tmp": str(paths.tmp),
        }


def base_python(environment: RuntimeEnvironment | None = None) -> Path:
    """The real interpreter of the runtime environment (what the layer's python links to).
    ``None``: the hub's own environment."""
    return (environment or hub_environment()).layout.executable


def base_site_packages(environment: RuntimeEnvironment | None = None) -> list[str]:
    return [str(p) for p in (environment or hub_environment()).layout.site_packages]


def python_roots(environment: RuntimeEnvironment | None = None) -> list[str]:
    """Folders that must be visible (read-only) for the runtime environment to work: its own,
    and the interpreter it was made from. Not the hub's environment (unless it is that)."""
    layout = (environment or hub_environment()).layout
    roots = {os.path.realpath(layout.prefix), os.path.realpath(layout.base_prefix),
             str(layout.executable.parent.parent)}
    roots |= {os.path.realpath(p) for p in layout.site_packages}
    # Keep only the outermost folders; /usr is bound anyway.
    out: list[str] = []
    for r in sorted(roots, key=len):
        if r.startswith("/usr/") or r == "/usr" or any(r == o or r.startswith(o + "/") for o in out):
            continue
        out.append(r)
    return out


def make_layer(paths: RuntimePaths, mode: SandboxMode, environment: RuntimeEnvironment | None = None) -> None:
    """A tiny virtual environment on top of the read-only runtime environment (``None``: the
    hub's own): pip installs land in it, the base environment's packages count as installed
    (pip skips uninstalling them: "outside environment"), and a factory reset throws it away
    with the runtime."""
    environment = environment or hub_environment()
    layout = environment.layout
    layer = paths.layer
    inside = mode.inside(paths)
    ver = layout.short_version
    sp = layer / "lib" / ver / "site-packages"
    (layer / "bin").mkdir(parents=True, exist_ok=True)
    sp.mkdir(parents=True, exist_ok=True)
    real = layout.executable
    major, minor, micro = layout.version
    (layer / "pyvenv.cfg").write_text(
        f"home = {real.parent}\ninclude-system-site-packages = false\nversion = {major}.{minor}.{micro}\n"
    )
    for name in ("python", "python3", ver):
        link = layer / "bin" / name
        if not link.is_symlink():
            link.symlink_to(real)
    # Real paths: the sandbox binds python_roots() (real paths), not a symlinked venv's path.
    lines = [f"import site; site.addsitedir({os.path.realpath(p)!r})" for p in base_site_packages(environment)]
    lines.append(inside["lib"])
    (sp / "_nbcloud_base.pth").write_text("\n".join(lines) + "\n")
    shebang = f"#!{inside['layer']}/bin/python\n"
    pip = shebang + "import sys\nfrom pip._internal.cli.main import main\nsys.exit(main())\n"
    for name in ("pip", "pip3", f"pip{major}.{minor}"):
        script = layer / "bin" / name
        script.write_text(pip)
        script.chmod(0o755)
    for name in ("apt-get", "apt"):
        script = layer / "bin" / name
        script.write_text(NO_APT)
        script.chmod(0o755)
    write_aliases(sp, layout.site_packages)
    smi = layer / "bin" / "nvidia-smi"
    if has_gpu():
        smi.unlink(missing_ok=True)  # the driver's own nvidia-smi (under /usr) answers
    else:
        smi.write_text(NO_GPU_NVIDIA_SMI)
        smi.chmod(0o755)
    if mode.drop_privileges:
        for dirpath, dirnames, filenames in os.walk(layer):
            for name in [*dirnames, *filenames]:
                os.lchown(os.path.join(dirpath, name), mode.uid, mode.gid)
        os.lchown(layer, mode.uid, mode.gid)


def kernel_env(paths: RuntimePaths, mode: SandboxMode, extra: dict[str, str] | None = None,
               environment: RuntimeEnvironment | None = None) -> dict[str, str]:
    inside = mode.inside(paths)
    # Colab's stack's commands (`tensorboard`, `gradio`, `jupyter`...) are on PATH, as in Colab's
    # /usr/local/bin; after the layer's, so a `pip install` of a newer release wins.
    stack_bin = f"{environment.prefix}/bin:" if environment is not None and environment.colab_stack else ""
    env = {
        "HOME": inside["home"],
        "PATH": f"{inside['layer']}/bin:{stack_bin}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "VIRTUAL_ENV": inside["layer"],
        "TMPDIR": inside["tmp"],
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "SHELL": "/bin/bash",
        "TERM": "xterm-color",
        "CLICOLOR": "1",
        "PAGER": "cat",
        "GIT_PAGER": "cat",
        "HOSTNAME": "nbcloud",
        "PYTHONUNBUFFERED": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_ROOT_USER_ACTION": "ignore",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "MALLOC_ARENA_MAX": "2",  # keeps virtual size sane under an RLIMIT_AS fallback
        "NBCLOUD_RUNTIME": "1",
        "NBCLOUD_CONTENT_DIR": inside["content"],  # what google.colab.files.view() accepts
        # What Colab sets, so notebooks' "am I in Colab?" branches take the Colab path.
        "COLAB_RELEASE_TAG": COLAB_RELEASE_TAG,
        "COLAB_BACKEND_VERSION": COLAB_RELEASE_TAG,
        "COLAB_JUPYTER_IP": "127.0.0.1",
        "COLAB_JUPYTER_TRANSPORT": "ipc",
        "COLAB_KERNEL_MANAGER_PROXY_HOST": "127.0.0.1",
        "CLOUDSDK_CONFIG": f"{inside['content']}/.config",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    if has_gpu():
        env["COLAB_GPU"] = "1"
    else:
        # PyPI's torch is the CUDA build (Colab's CPU-only wheels are not on PyPI); without a GPU
        # driver its torch.cuda.is_available() warns "CUDA initialization: ... Error 302" where
        # Colab's CPU runtime says nothing. The answer (False) is the same.
        env["PYTHONWARNINGS"] = "ignore:CUDA initialization:UserWarning"
    env.update(extra or {})
    return env


def kernel_argv(paths: RuntimePaths, mode: SandboxMode) -> list[str]:
    inside = mode.inside(paths)
    return [f"{inside['layer']}/bin/python", "-m", "ipykernel_launcher", "-f", f"{inside['ipc']}/kernel.json",
            f"--ext={COLAB_EXTENSION}"]


# What `!apt-get install ...` says in a runtime: it cannot work there (no root, /usr is read-only),
# so say that and what to do instead, with apt-get's exit status for errors (100).
NO_APT = """#!/bin/sh
cat <<EOF
E: System packages cannot be installed in an nbcloud runtime: code here runs as an unprivileged
   user and the system (/usr) is read-only. (You asked: $(basename "$0") $*)
   Python packages install with pip: !pip install NAME
   For a system package, ask your nbcloud administrator to install it on the nbcloud machine
   (apt-get install NAME there): every runtime sees that machine's /usr.
EOF
exit 100
"""

# Distributions of the base environment that provide another distribution's modules: a CPU
# build installed under its own name. pip in a runtime is told (with a dist-info that holds no
# files) that the usual name is installed, so `pip show tensorflow` answers as in Colab and
# `pip install tensorflow` or a package that needs it does not fetch it again. Upgrading to a
# newer release replaces the alias in the runtime's layer only.
ALIASES = {"tensorflow-cpu": "tensorflow"}


def write_aliases(site_packages: Path, base: tuple[Path, ...]) -> None:
    """``site_packages``: the layer's; ``base``: the runtime environment's (where to look)."""
    from importlib import metadata

    def installed(name: str) -> metadata.Distribution | None:
        return next(iter(metadata.distributions(name=name, path=[str(p) for p in base])), None)

    for provider, name in ALIASES.items():
        provided = installed(provider)
        if provided is None or installed(name) is not None:
            continue  # nothing to alias, or the real one is there
        version = provided.version
        summary = (provided.metadata.get_all("Summary") or [""])[0]
        home = (provided.metadata.get_all("Home-page") or [""])[0]
        info = site_packages / f"{name}-{version}.dist-info"
        info.mkdir(exist_ok=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            f"Summary: {summary} (nbcloud: provided by {provider} {version})\n"
            f"Home-page: {home}\n"
            f"Requires-Dist: {provider}=={version}\n\n"
            f"The {name} package of this runtime is the base environment's {provider} {version}.\n"
        )
        (info / "INSTALLER").write_text("nbcloud\n")
        (info / "RECORD").write_text("".join(f"{info.name}/{f},,\n" for f in ("METADATA", "INSTALLER", "RECORD")))


# What `!nvidia-smi` says in a runtime without a GPU: nvidia-smi's own words and exit status (9)
# when it finds no driver, with what this means here instead of "command not found".
NO_GPU_NVIDIA_SMI = """#!/bin/sh
cat <<'EOF'
NVIDIA-SMI has failed because this runtime has no GPU. Make sure that you are connected to a GPU runtime.

This nbcloud runtime runs on a machine without an NVIDIA GPU, so code here runs on the CPU
(torch.cuda.is_available() is False, TensorFlow lists no GPU device).
To use a GPU, run the notebook on an nbcloud server that has one. Administrators: install the
NVIDIA driver on the nbcloud machine; every runtime started after that gets the GPU devices
(/dev/nvidia*) and the driver's nvidia-smi.
EOF
exit 9
"""


def has_gpu() -> bool:
    return bool(glob.glob("/dev/nvidia[0-9]*"))


@dataclass
class SandboxCommand:
    argv: list[str]
    fds: list[int] = field(default_factory=list)  # to close in the hub once the sandbox started
    # The hub's ends of the network's start-up pipes (see network.RuntimeNet.start); None when
    # the runtime shares the host's network.
    launch: net.LaunchFds | None = None

    def close(self) -> None:
        for fd in self.fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self.fds.clear()

    def close_all(self) -> None:
        """Also the hub's ends: the launch did not happen, or nobody will set up its network."""
        self.close()
        if self.launch is not None:
            self.launch.close()
            self.launch = None


def build_command(paths: RuntimePaths, mode: SandboxMode, env: dict[str, str], argv: list[str], *,
                  environment: RuntimeEnvironment | None = None, shm_bytes: int | None = None) -> SandboxCommand:
    """The full launch command (without the limits prefix). ``environment``: the Python the
    kernel runs (``None``: the hub's own); ``shm_bytes``: the size of /dev/shm (``None``: the
    kernel's default, half the machine's memory)."""
    if not mode.sandboxed:
        return SandboxCommand((setpriv_argv(mode.uid, mode.gid) if mode.drop_privileges else []) + argv)
    assert mode.bwrap
    cmd = SandboxCommand([])
    made: set[str] = {"/"}

    def parents(dest: str) -> list[str]:
        # bwrap may create missing mount points 0700; create them 0755 first.
        out: list[str] = []
        parts = Path(dest).parts[1:-1]
        for i in range(len(parts)):
            d = "/" + "/".join(parts[: i + 1])
            if d in made or d == HOME or d.startswith(HOME + "/"):
                continue
            made.add(d)
            out += ["--perms", "0755", "--dir", d]
        return out

    def bind(src: str | Path, dest: str, *, rw: bool = False) -> list[str]:
        return parents(dest) + ["--bind" if rw else "--ro-bind", str(src), dest]

    a: list[str] = [mode.bwrap]
    if mode.mode == "bwrap-userns":
        a += ["--unshare-all", "--unshare-user", "--uid", str(mode.uid), "--gid", str(mode.gid), "--cap-drop", "ALL",
              "--disable-userns"]
    else:
        a += ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"]
    network_args, cmd.launch = net.bwrap_args(mode.network, cmd.fds)
    a += network_args
    if mode.seccomp is not None:
        fd = seccomp.filter_fd(mode.seccomp)
        cmd.fds.append(fd)
        a += ["--seccomp", str(fd)]
    a += ["--die-with-parent", "--new-session", "--hostname", "nbcloud", "--clearenv"]
    a += bind("/usr", "/usr")
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        p = Path("/") / name
        if p.is_symlink():
            a += ["--symlink", os.readlink(p), f"/{name}"]
        elif p.is_dir():
            a += bind(p, f"/{name}")
    for entry in ETC_ENTRIES:
        p = Path("/etc") / entry
        if entry == "resolv.conf" and mode.network.mode == "internet":
            p = net.write_resolv_conf(paths.root)  # slirp4netns's DNS, not the host's loopback resolver
        if p.exists():
            a += bind(p, f"/etc/{entry}")
    # /dev/shm as on any Linux (1777): multiprocessing's locks and queues and PyTorch's
    # DataLoader workers' tensors live there. Its pages count in the memory of whoever writes
    # them (the runtime's cgroup); the size keeps one runtime from holding more there than
    # its memory could ever free.
    a += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777"]
    if shm_bytes:
        a += ["--size", str(shm_bytes)]
    a += ["--tmpfs", "/dev/shm"]
    for dev in sorted(glob.glob("/dev/nvidia*")):
        a += ["--dev-bind", dev, dev]
    # Writable runtime folders, then the read-only Python base (it may live below /root).
    a += bind(paths.content, CONTENT, rw=True)
    a += bind(paths.tmp, "/tmp", rw=True)
    a += bind(paths.home, HOME, rw=True)
    a += bind(paths.layer, LAYER, rw=True)
    a += bind(paths.ipc, IPC, rw=True)
    for root in python_roots(environment):
        a += bind(root, root)
    if RUNTIME_PACKAGE_DIR.is_dir():
        a += bind(RUNTIME_PACKAGE_DIR, LIB)
    for k, v in env.items():
        a += ["--setenv", k, v]
    a += ["--chdir", CONTENT, "--"]
    if mode.mode == "bwrap-setpriv":
        a += setpriv_argv(mode.uid, mode.gid)
    a += argv
    # Hand bwrap its arguments through a pipe (--args), so the host paths in them do not
    # show in the sandbox's /proc/1/cmdline.
    sep = a.index("--")
    payload = b"".join(arg.encode() + b"\0" for arg in a[1:sep])
    if len(payload) < 60_000:  # a pipe buffer; larger would block the write
        rfd, wfd = os.pipe()
        os.write(wfd, payload)
        os.close(wfd)
        os.set_inheritable(rfd, True)
        cmd.fds.append(rfd)
        a = [a[0], "--args", str(rfd), *a[sep:]]
    cmd.argv = a
    return cmd


def setpriv_argv(uid: int, gid: int) -> list[str]:
    return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]


def probe(sandbox: str, uid: int, gid: int, probe_dir: Path, network: str = "internet") -> SandboxMode:
    """Find out what runs here. ``sandbox``: "bwrap" (required), "auto" or "none";
    ``network``: settings.runtime_network ("internet" or "none")."""
    is_root = os.geteuid() == 0
    if not is_root:
        uid, gid = os.getuid(), os.getgid()
    unsandboxed_drop = is_root and shutil.which("setpriv") is not None
    if sandbox == "none":
        return SandboxMode("none", None, uid, gid, unsandboxed_drop, ("runtime_sandbox = none",),
                           net.plan(network, False))
    reasons: list[str] = []
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        reasons.append(f"bwrap not found on PATH: {INSTALL_HINT}")
    else:
        if is_root and shutil.which("setpriv") is None:
            reasons.append("setpriv (util-linux) not found; cannot drop to runtime_uid")
        else:
            # Root: a privileged bwrap, then setpriv to runtime_uid (a user namespace made by
            # root would map the sandbox's uid to host root). Not root: a user namespace.
            if is_root:
                candidates = [SandboxMode("bwrap-setpriv", bwrap, uid, gid, True)]
            else:
                candidates = [SandboxMode("bwrap-userns", bwrap, uid, gid, False)]
            for cand in candidates:
                err = _try(cand, probe_dir)
                if err is None:
                    return _with_network_and_filter(cand, network, reasons, probe_dir)
                reasons.append(f"{cand.mode}: {err}")
    if sandbox == "bwrap":
        raise SandboxUnavailable("the runtime sandbox cannot run here: " + "; ".join(reasons))
    log.warning("runtimes run WITHOUT a sandbox: %s", "; ".join(reasons))
    plan = net.plan(network, False)
    return SandboxMode("none", None, uid, gid, unsandboxed_drop, tuple(reasons) + plan.reasons, plan)


def _with_network_and_filter(mode: SandboxMode, network: str, reasons: list[str], probe_dir: Path) -> SandboxMode:
    """``mode`` (which runs) with a network of its own and the seccomp filter, each one kept
    only if a sandbox with it runs here too; what is missing is logged and kept in reasons."""
    from dataclasses import replace

    plan = net.plan(network, True)
    weaker = list(plan.reasons)
    if plan.private:
        err = _try(replace(mode, network=net.NetworkPlan("none")), probe_dir)
        if err is not None:
            weaker.append(f"no network namespace for runtimes (bwrap --unshare-net: {err}): they share the "
                          "hub's network and loopback")
            plan = net.NetworkPlan("host")
    program: bytes | None = None
    try:
        program = seccomp.build_filter()
    except seccomp.SeccompUnsupported as exc:
        weaker.append(f"{exc}: code in a runtime can make namespaces of its own (unshare -r)")
    if program is not None:
        err = _try(replace(mode, seccomp=program), probe_dir)
        if err is not None:
            weaker.append(f"the seccomp filter does not load (bwrap --seccomp: {err}): code in a runtime can "
                          "make namespaces of its own (unshare -r)")
            program = None
    for reason in weaker:
        log.warning("runtime isolation is weaker than it should be: %s", reason)
    return replace(mode, reasons=tuple(reasons) + tuple(weaker), network=plan, seccomp=program)


def _try(mode: SandboxMode, probe_dir: Path) -> str | None:
    paths = RuntimePaths(probe_dir)
    prepare_dirs(paths, mode)
    cmd = build_command(paths, mode, {"PATH": "/usr/bin:/bin"}, ["/bin/sh", "-c", "test -w /content"])
    try:
        proc = subprocess.run(cmd.argv, capture_output=True, text=True, timeout=30, pass_fds=cmd.fds)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    finally:
        cmd.close_all()
        shutil.rmtree(probe_dir, ignore_errors=True)
    if proc.returncode != 0:
        return (proc.stderr.strip() or f"exit status {proc.returncode}").splitlines()[-1]
    return None


def prepare_dirs(paths: RuntimePaths, mode: SandboxMode, environment: RuntimeEnvironment | None = None) -> None:
    paths.root.mkdir(parents=True, exist_ok=True)
    # Unsandboxed, the kernel must walk to its folders by their host paths.
    os.chmod(paths.root, 0o700 if mode.sandboxed else 0o711)
    for d in paths.writable():
        d.mkdir(exist_ok=True)
        if mode.drop_privileges:
            os.chown(d, mode.uid, mode.gid)
    copy_sample_data(paths, mode)
    if mode.sandboxed:
        # Mount points of the Python base below /root live in the runtime's home: make
        # them walkable (bwrap would create them 0700).
        for root in python_roots(environment):
            if root.startswith(HOME + "/"):
                d = paths.home
                for part in Path(root).relative_to(HOME).parts:
                    d = d / part
                    d.mkdir(mode=0o755, exist_ok=True)


def copy_sample_data(paths: RuntimePaths, mode: SandboxMode) -> None:
    """/content/sample_data, as in Colab: small data sets to try things on."""
    target = paths.content / "sample_data"
    if target.exists() or not SAMPLE_DATA_DIR.is_dir():
        return
    target.mkdir()
    for src in SAMPLE_DATA_DIR.iterdir():
        if src.is_file():
            shutil.copyfile(src, target / src.name)
    if mode.drop_privileges:
        for entry in [target, *target.iterdir()]:
            os.lchown(entry, mode.uid, mode.gid)
