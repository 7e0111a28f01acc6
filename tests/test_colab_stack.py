"""Colab's preinstalled stack in a real runtime: every package of
nbcloud/runtime/environments/colab.txt imports in a sandboxed kernel started from .runtime-env.

The import names of each distribution are read inside the runtime (importlib.metadata:
top_level.txt, else the RECORD), and one process imports them all, one distribution after the
other, each in its own try/except (numpy, torch, TensorFlow... load once, as in a notebook). A
distribution whose import kills the process (a crash in native code, the memory limit) is tried
again alone in a fresh process, which decides; a fresh process goes on after it. A package may
fail only if colab.txt lists it as ``# unimportable: NAME: why``.
"""

from __future__ import annotations

import json
import re
import shutil
import sys

import pytest

from nbcloud.config import load_settings
from nbcloud.hub.runtimes import RuntimeSpec
from nbcloud.hub.runtimes.environment import COMPLETE_MARK, DEFAULT_FOLDER, PACKAGE_LIST
from nbcloud.hub.runtimes.local import LocalBackend
from nbcloud.hub.runtimes.sandbox import INSTALL_HINT, LIB

GiB = 1024**3
IMPORT_TIMEOUT = 2700  # every package of Colab's stack (a few minutes; generous for 2 busy cores)

# Runs inside the runtime: import every distribution's modules in one process (a fresh one
# after a crash), write one JSON line per distribution.
IMPORT_ALL = r"""
import json, os, re, subprocess, sys
from importlib import metadata

LIST = os.path.join(os.environ.get("NBCLOUD_LIB", "{lib}"), "environments", "colab.txt")
SKIP = {{"test", "tests", "testing", "docs", "doc", "examples", "example", "benchmarks", "scripts", "bin",
         "build", "tools", "samples", "conftest", "setup"}}
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()

def modules(dist):
    files = [str(f) for f in (dist.files or [])]
    top = (dist.read_text("top_level.txt") or "").split()
    if not top:
        for f in files:
            head = f.split("/")[0]
            if ".dist-info" in head or ".data" in head or head in ("..", "__pycache__") or head.endswith(".pth"):
                continue
            name = head.split(".")[0] if "/" not in f else head
            if f.endswith((".py", ".so")) or "/" in f:
                top.append(name)
    at_top = {{f.split("/")[0].split(".")[0] for f in files}}
    top = [t for t in top if t.split("/")[0] in at_top] or top
    out = []
    for name in dict.fromkeys(top):
        name = name.replace("/", ".")
        if not name.isidentifier() and "." not in name or name in SKIP or name.startswith("_"):
            continue
        # A namespace package (google, jaxlib's plugins...): import what lies inside it.
        if f"{{name}}/__init__.py" not in files and any(f.startswith(name + "/") for f in files):
            inner = {{f.split("/")[1].split(".")[0] for f in files if f.startswith(name + "/") and f.count("/") >= 1
                     and (f.endswith("/__init__.py") and f.count("/") == 2 or f.count("/") == 1 and f.endswith((".py", ".so")))}}
            out += [f"{{name}}.{{m}}" for m in sorted(inner) if m.isidentifier() and not m.startswith("_") and m not in SKIP]
            continue
        out.append(name)
    return out

wanted = []
for line in open(LIST):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    wanted.append(norm(re.split(r"[=@ ]", line)[0]))
record = open("/content/stack-imports.jsonl", "w")
plan = []
for name in wanted:
    try:
        plan.append((name, modules(metadata.distribution(name))))
    except metadata.PackageNotFoundError:
        print(json.dumps({{"dist": name, "ok": False, "error": "not installed"}}), file=record, flush=True)

CHILD = '''
import contextlib, io, importlib, json, sys, time
norm = lambda n: "".join(c for c in n.lower() if c.isalnum())
for dist, mods in json.loads(sys.stdin.read()):
    print(json.dumps({{"trying": dist}}), flush=True)  # so a process that dies names its culprit
    errors, t = {{}}, time.perf_counter()
    for m in mods:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                importlib.import_module(m)
        except BaseException as e:
            errors[m] = f"import {{m}}: {{type(e).__name__}}: {{str(e)[:300]}}"
    # A distribution imports when its own module does (a module named like it, else any of
    # them); the other modules it ships may be optional add-ons (duckdb's ADBC driver).
    own = [m for m in mods if norm(m.split(".")[-1]) == norm(dist) or norm(m) == norm(dist)]
    ok = (not any(m in errors for m in own)) if own else (not mods or len(errors) < len(mods))
    bad = None if ok else "; ".join(errors.values())
    print(json.dumps({{"dist": dist, "ok": ok, "error": bad, "modules": mods, "notes": list(errors.values()),
                      "seconds": round(time.perf_counter() - t, 2)}}), flush=True)
'''


def import_in_a_process(items):
    # The list on stdin: 600 distributions' module names are too long for one argument.
    proc = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(items), capture_output=True, text=True)
    results, trying = [], None
    for line in proc.stdout.splitlines():
        if line.startswith("{{"):
            rec = json.loads(line)
            if "trying" in rec:
                trying = rec["trying"]
            else:
                results.append(rec)
                trying = None
    return results, trying, proc


# setuptools replaces distutils only if it comes first (a package importing the stdlib's distutils
# before it makes `import setuptools` fail in that process, never in a notebook that starts with it).
plan.sort(key=lambda item: item[0] != "setuptools")
pending = plan
while pending:
    results, culprit, proc = import_in_a_process(pending)
    for rec in results:
        print(json.dumps(rec), file=record, flush=True)
    done = {{r["dist"] for r in results}}
    pending = [item for item in pending if item[0] not in done]
    if not pending:
        break
    # The process died importing `culprit` (or, with no culprit named, before the first): alone in
    # a fresh process it shows whether it was the culprit or only the last straw (the memory limit).
    item = next((i for i in pending if i[0] == culprit), pending[0])
    alone, _, proc_alone = import_in_a_process([item])
    if alone:
        print(json.dumps(alone[0]), file=record, flush=True)
    else:
        print(json.dumps({{"dist": item[0], "ok": False, "error": f"the importing process died (status "
                          f"{{proc_alone.returncode}}): " + proc_alone.stderr.strip()[-300:]}}), file=record, flush=True)
    pending = [i for i in pending if i is not item]
"""


def known_unimportable() -> dict[str, str]:
    """``# unimportable: NAME: why`` lines of colab.txt."""
    out = {}
    for line in PACKAGE_LIST.read_text().splitlines():
        m = re.match(r"#\s*unimportable:\s*([A-Za-z0-9_.\-]+):\s*(.+)", line)
        if m:
            out[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return out


def test_every_package_of_colabs_stack_imports_in_a_runtime(loop, tmp_path):
    if not (DEFAULT_FOLDER / COMPLETE_MARK).exists():
        pytest.fail(f"{DEFAULT_FOLDER} is missing or incomplete (no {COMPLETE_MARK}): build Colab's stack with "
                    "`make runtime-env` (make test does)")
    if shutil.which("bwrap") is None:
        pytest.fail(f"bwrap not found: {INSTALL_HINT}")
    settings = load_settings(environ={}, data_dir=tmp_path / "data", runtime_sandbox="bwrap", runtime_pool_size=0)
    backend = LocalBackend(settings)
    assert backend.environment.colab_stack and backend.environment.prefix == DEFAULT_FOLDER.resolve()
    rt = loop.run(backend.start(RuntimeSpec(owner_id=1, notebook_id="stack", memory_bytes=8 * GiB)))
    try:
        kc = rt.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            # The kernel runs the runtime environment; the hub's own environment is not even visible.
            out, _, status = run_long(kc, f"import os, ipykernel; print(ipykernel.__file__, os.path.exists({sys.prefix!r}))")
            assert status == "ok" and out.split() == [
                f"{DEFAULT_FOLDER.resolve()}/lib/{backend.environment.layout.short_version}/site-packages/ipykernel/__init__.py", "False"], out
            try:
                out, _, status = run_long(kc, IMPORT_ALL.format(lib=LIB))
            except TimeoutError:
                out, status = f"importing the stack took over {IMPORT_TIMEOUT} s", "timeout"
        finally:
            kc.stop_channels()
        record = rt.paths.content / "stack-imports.jsonl"
        lines = record.read_text().splitlines() if record.exists() else []
    finally:
        loop.run(backend.shutdown(rt, now=True))
    results = [json.loads(line) for line in lines if line.startswith("{")]
    print(f"\n{len(results)} distributions tried")
    for r in results:
        if not r["ok"]:
            print(f"  {r['dist']}: {r['error']}")
    assert status == "ok", out[-3000:]
    known = known_unimportable()
    failed = {r["dist"]: r["error"] for r in results if not r["ok"]}
    imported = [r for r in results if r["ok"]]
    print(f"{len(imported)} of {len(results)} distributions of Colab's stack import in a runtime"
          f" ({sum(len(r.get('modules') or []) for r in imported)} modules); {len(failed)} do not:")
    slowest = sorted(results, key=lambda r: -r.get("seconds", 0))[:8]
    print("slowest imports: " + ", ".join(f"{r['dist']} {r.get('seconds', 0):.1f} s" for r in slowest))
    for dist, err in sorted(failed.items()):
        print(f"  {dist}: {err}" + (f"  [known: {known[dist]}]" if dist in known else ""))
    unexpected = {d: e for d, e in failed.items() if d not in known}
    assert not unexpected, ("packages of colab.txt that do not import in a runtime (fix them, or list them there as "
                            f"'# unimportable: NAME: why'): {json.dumps(unexpected, indent=1)}")
    # A known failure that imports now should lose its line.
    assert not [d for d in known if d not in failed], "colab.txt lists as unimportable packages that import now"


def run_long(kc, code: str) -> tuple[str, dict, str]:
    """Execute code with a timeout long enough to import the whole stack: (stdout, result, status)."""
    out: list[str] = []

    def hook(msg):
        t, c = msg["msg_type"], msg["content"]
        if t == "stream":
            out.append(c["text"])
        elif t == "error":
            out.append(f"{c['ename']}: {c['evalue']}")

    reply = kc.execute_interactive(code, timeout=IMPORT_TIMEOUT, output_hook=hook)
    return "".join(out), {}, reply["content"]["status"]
