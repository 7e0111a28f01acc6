"""Stories about the local runtime backend: a kernel in a bubblewrap sandbox.

Kernels are expensive and the machine is small, so one module-scoped runtime serves the
read-only stories and a second one the stories that need a neighbour.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from nbcloud.config import load_settings
from nbcloud.hub.runtimes import RuntimeSpec, SandboxUnavailable
from nbcloud.hub.runtimes.limits import RuntimeLimits, detect_limiter
from nbcloud.hub.runtimes.local import LocalBackend
from nbcloud.hub.runtimes.sandbox import INSTALL_HINT
from tests.kernels import TIMEOUT, run, value

MB = 1024**2


def require_bwrap() -> None:
    if shutil.which("bwrap") is None:
        pytest.fail(f"bwrap not found: {INSTALL_HINT}")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("hub") / "data"
    (d / "drive" / "alice").mkdir(parents=True)
    (d / "drive" / "alice" / "secret.txt").write_text("alice's secret")
    (d / "nbcloud.sqlite3").write_text("not really a database")
    return d


@pytest.fixture(scope="module")
def backend(data_dir) -> LocalBackend:
    require_bwrap()
    settings = load_settings(environ={}, data_dir=data_dir, runtime_sandbox="bwrap", runtime_pool_size=0)
    return LocalBackend(settings)


@pytest.fixture(scope="module")
def runtime(loop, backend):
    rt = loop.run(backend.start(RuntimeSpec(owner_id=1, notebook_id="nb")))
    yield rt
    loop.run(backend.shutdown(rt, now=True))


@pytest.fixture(scope="module")
def neighbour(loop, backend):
    rt = loop.run(backend.start(RuntimeSpec(owner_id=2, notebook_id="nb")))
    yield rt
    loop.run(backend.shutdown(rt, now=True))


@pytest.fixture
def kc(runtime):
    client = runtime.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=TIMEOUT)
    yield client
    client.stop_channels()


# -- stories ---------------------------------------------------------------------------------


def test_runtime_runs_code_in_content(backend, runtime, kc):
    assert backend.isolation.sandbox in ("bwrap-setpriv", "bwrap-userns")
    assert runtime.connection_info["transport"] == "ipc"
    assert str(runtime.paths.ipc) in runtime.connection_info["ip"]
    assert value(kc, "1+1") == 2
    assert value(kc, "__import__('os').getcwd()") == "/content"
    assert value(kc, "sorted(__import__('os').listdir('/content'))") == ["sample_data"]  # as in Colab


def test_shell_escape_and_cd_work(kc):
    out, _, status = run(kc, "!echo hi")
    assert status == "ok" and out.strip() == "hi"
    run(kc, "%cd /tmp")
    assert value(kc, "__import__('os').getcwd()") == "/tmp"
    run(kc, "%cd /content")
    assert value(kc, "__import__('os').getcwd()") == "/content"
    assert value(kc, "__import__('socket').gethostname()") == "nbcloud"


def test_kernel_is_unprivileged(kc):
    assert value(kc, "__import__('os').getuid()") != 0
    status = value(kc, "open('/proc/self/status').read()")
    caps = dict(line.split(":\t") for line in status.splitlines() if line.startswith("Cap"))
    assert caps["CapEff"] == "0000000000000000"
    assert caps["CapPrm"] == "0000000000000000"
    assert caps["CapBnd"] == "0000000000000000"


def test_hub_data_other_runtimes_and_hub_process_are_invisible(kc, data_dir, neighbour, runtime):
    (neighbour.paths.content / "theirs.txt").write_text("neighbour's file")
    for path in [data_dir / "drive" / "alice" / "secret.txt", data_dir / "nbcloud.sqlite3", data_dir,
                 neighbour.paths.content / "theirs.txt", runtime.paths.root]:
        assert value(kc, f"__import__('os').path.exists({str(path)!r})") is False, path
    assert value(kc, "__import__('os').path.exists('/content/theirs.txt')") is False
    # Only the sandbox's own processes are in its /proc; the hub's pid is not.
    assert value(kc, f"__import__('os').path.exists('/proc/{os.getpid()}')") is False
    cmdlines = value(kc, "[open(f'/proc/{p}/cmdline','rb').read() for p in __import__('os').listdir('/proc') if p.isdigit()]")
    assert not any(b"pytest" in c for c in cmdlines)
    assert value(kc, "__import__('os').path.exists('/sys/fs/cgroup')") is False
    assert value(kc, "__import__('os').path.exists('/etc/shadow')") is False


def _tiny_wheel() -> bytes:
    files = {
        "nbcloud_tiny.py": b"ANSWER = 42\n",
        "nbcloud_tiny-0.1.dist-info/METADATA": b"Metadata-Version: 2.1\nName: nbcloud-tiny\nVersion: 0.1\n",
        "nbcloud_tiny-0.1.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append("nbcloud_tiny-0.1.dist-info/RECORD,,")
    files["nbcloud_tiny-0.1.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_pip_installs_into_the_runtime_layer_while_the_base_is_read_only(kc, runtime):
    base_sp = value(kc, "[p for p in __import__('sys').path if p.endswith('site-packages') and not p.startswith('/opt/nbcloud')][0]")
    out, _, _ = run(kc, f"open({base_sp + '/nbcloud_probe.txt'!r}, 'w')")
    assert "OSError" in out or "PermissionError" in out
    out, _, _ = run(kc, "import sys; open(sys.base_prefix + '/nbcloud_probe.txt', 'w')")
    assert "Error" in out
    layer = value(kc, "__import__('site').getsitepackages()[0]")
    assert layer.startswith("/opt/nbcloud/python/")
    assert value(kc, f"__import__('os').access({layer!r}, __import__('os').W_OK)") is True
    (runtime.paths.content / "nbcloud_tiny-0.1-py3-none-any.whl").write_bytes(_tiny_wheel())
    out, _, status = run(kc, "!pip install --no-index --no-deps /content/nbcloud_tiny-0.1-py3-none-any.whl")
    assert "Successfully installed nbcloud-tiny-0.1" in out, out
    assert value(kc, "__import__('nbcloud_tiny').__file__").startswith(layer)
    assert value(kc, "__import__('nbcloud_tiny').ANSWER") == 42
    assert list((runtime.paths.layer).rglob("nbcloud_tiny.py"))


def test_usage_reports_memory_and_content_disk(loop, backend, runtime, kc):
    run(kc, "open('/content/blob.bin','wb').write(b'x' * 300_000)")
    usage = loop.run(backend.usage(runtime))
    assert usage.memory_rss_bytes > 10 * MB
    assert usage.disk_used_bytes >= 300_000
    assert usage.memory_limit_bytes == backend.settings.runtime_memory_bytes
    run(kc, "import os; os.remove('/content/blob.bin')")


def test_interrupt_stops_sleep(loop, backend, kc):
    msg_id = kc.execute("import time; time.sleep(60)")
    while True:  # wait until the cell really runs
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            break
    loop.run(backend.interrupt(kc_runtime(kc)))
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert value(kc, "1+1") == 2


_kc_runtime: dict[int, object] = {}


def kc_runtime(kc):
    return _kc_runtime[id(kc)]


@pytest.fixture(autouse=True)
def _remember_runtime(request):
    if "kc" in request.fixturenames:
        _kc_runtime[id(request.getfixturevalue("kc"))] = request.getfixturevalue("runtime")
    yield


def test_restart_gives_a_fresh_namespace_and_keeps_content(loop, backend, runtime, kc):
    run(kc, "x = 41; open('/content/kept.txt','w').write('kept')")
    old_pid = runtime.pid
    loop.run(backend.restart(runtime))
    assert runtime.pid != old_pid
    assert loop.run(backend.is_alive(runtime))
    kc.wait_for_ready(timeout=TIMEOUT)
    out, _, status = run(kc, "x")
    assert status == "error" and "NameError" in out
    assert value(kc, "open('/content/kept.txt').read()") == "kept"
    assert backend.crash_info(runtime) is None


def test_memory_bomb_kills_only_its_runtime_and_reports_oom(loop, backend, neighbour):
    bomb = loop.run(backend.start(RuntimeSpec(memory_bytes=256 * MB)))
    try:
        kc = bomb.blocking_client()
        kc.start_channels()
        kc.wait_for_ready(timeout=TIMEOUT)
        assert value(kc, "1+1") == 2
        kc.execute("hog = []\nwhile True: hog.append(b'x' * (32 * 1024 * 1024))")
        crash = loop.run(backend.wait(bomb))
        kc.stop_channels()
        assert crash is not None and crash.reason == "oom"
        if backend.isolation.limits in ("cgroup1", "cgroup2"):
            assert crash.message == "the runtime crashed after using all available RAM: 0.25 GB"
        assert loop.run(backend.is_alive(bomb)) is False
    finally:
        loop.run(backend.shutdown(bomb, now=True))
    assert not bomb.paths.root.exists()
    other = neighbour.blocking_client()
    other.start_channels()
    try:
        assert value(other, "6*7") == 42
    finally:
        other.stop_channels()


# -- detection and fallbacks (no kernel) -----------------------------------------------------


def test_missing_bwrap_is_reported_with_the_install_hint(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap here
    settings = load_settings(environ={}, data_dir=tmp_path / "data")
    with pytest.raises(SandboxUnavailable, match="install bubblewrap"):
        LocalBackend(settings, sandbox="bwrap", limits="none")
    fallback = LocalBackend(settings, sandbox="auto", limits="none")
    assert fallback.isolation.sandbox == "none"
    assert any("install bubblewrap" in r for r in fallback.isolation.reasons)


def test_limit_mechanisms_detect_and_build_their_prefix():
    limiter = detect_limiter("auto")
    assert limiter.mechanism in ("cgroup2", "cgroup1", "rlimit")
    rl = RuntimeLimits("rlimit", 256 * MB, 64)
    assert rl.command_prefix() == ["prlimit", f"--as={256 * MB}", "--nproc=64", "--"]
    assert RuntimeLimits("none", MB, 1).command_prefix() == []


@pytest.mark.parametrize("gpu", [False, True])
def test_nvidia_smi_on_a_runtime_without_a_gpu_says_so_and_fails_like_nvidia_smi(tmp_path, monkeypatch, gpu):
    import subprocess

    from nbcloud.hub.runtimes import sandbox as sb

    monkeypatch.setattr(sb, "has_gpu", lambda: gpu)
    mode = sb.SandboxMode("none", None, os.getuid(), os.getgid(), False)
    paths = sb.RuntimePaths(tmp_path / "rt")
    sb.prepare_dirs(paths, mode)
    sb.make_layer(paths, mode)
    smi = paths.layer / "bin" / "nvidia-smi"
    if gpu:
        assert not smi.exists()  # the driver's own nvidia-smi answers on a GPU machine
        return
    env = sb.kernel_env(paths, mode)
    done = subprocess.run(["bash", "-c", "nvidia-smi"], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 9  # what nvidia-smi exits with when it finds no driver
    assert done.stdout.startswith("NVIDIA-SMI has failed because this runtime has no GPU.")
    assert "install the\nNVIDIA driver on the nbcloud machine" in done.stdout
    assert "command not found" not in done.stdout + done.stderr


def test_apt_get_says_why_it_cannot_work_and_pip_knows_the_base_tensorflow(tmp_path):
    import subprocess
    from importlib import metadata

    from nbcloud.hub.runtimes import sandbox as sb

    mode = sb.SandboxMode("none", None, os.getuid(), os.getgid(), False)
    paths = sb.RuntimePaths(tmp_path / "rt")
    sb.prepare_dirs(paths, mode)
    sb.make_layer(paths, mode)
    env = sb.kernel_env(paths, mode)
    done = subprocess.run(["bash", "-c", "apt-get -qq install -y libfluidsynth1"], env=env, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 100  # apt-get's status for errors
    assert done.stdout.startswith("E: System packages cannot be installed in an nbcloud runtime")
    assert "(You asked: apt-get -qq install -y libfluidsynth1)" in done.stdout
    assert "!pip install NAME" in done.stdout

    site = next(paths.layer.glob("lib/python*/site-packages"))
    in_layer = {d.metadata["Name"]: d for d in metadata.distributions(path=[str(site)])}
    try:
        cpu = metadata.version("tensorflow-cpu")
    except metadata.PackageNotFoundError:
        assert "tensorflow" not in in_layer  # no TensorFlow in this base: nothing to tell pip
        return
    alias = in_layer["tensorflow"]
    assert alias.version == cpu and alias.requires == [f"tensorflow-cpu=={cpu}"]
    assert sorted(str(f) for f in alias.files) == sorted(f"tensorflow-{cpu}.dist-info/{n}"
                                                        for n in ("INSTALLER", "METADATA", "RECORD"))
