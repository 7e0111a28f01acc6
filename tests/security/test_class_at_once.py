"""A class at once: thirty people run their first cell at the same moment on a small machine.

Kernel starts wait their turn in a line (``runtime_start_concurrency`` at once) and each waiting
page sees its place; a kernel is judged dead by its process, never by a late heartbeat; one
account holds at most ``runtime_max_per_user`` runtimes and the next one is refused by name.
Real hub, real sandboxed kernels. Timeouts are generous: nothing here is a timing test.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest

from nbcloud.hub.runtimes.sandbox import INSTALL_HINT
from tests.live_hub import BrowserLike, LiveHub, events_socket, hub_with_people, notebook_with, run, signed_in, text_of

CLASS = 30
LIMIT = 4
PATIENCE = 900  # seconds; thirty kernel starts on two busy cores, with room to spare
PAGE = 120  # seconds a page waits for one request while thirty pages ask at once


def person(n: int) -> str:
    return f"student{n:02d}"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    if shutil.which("bwrap") is None:
        pytest.fail(f"bwrap not found: {INSTALL_HINT}")
    people = tuple(person(n) for n in range(CLASS)) + ("dora", "erin", "finn")
    with hub_with_people(tmp_path_factory.mktemp("class") / "data", people=people, runtime_sandbox="bwrap",
                         runtime_memory_bytes=512 * 1024**2, runtime_start_concurrency=2,
                         runtime_max_per_user=LIMIT) as server:
        yield server


def first_output(client: BrowserLike, item_id: str, cell_id: str, timeout: float = PATIENCE) -> dict:
    """The cell once it has an output (polled gently: thirty pages poll at once)."""
    deadline = time.monotonic() + timeout
    while True:
        cell = next(c for c in client.get(f"/api/documents/{item_id}").json()["cells"] if c["id"] == cell_id)
        if cell["outputs"] and cell.get("execution_count"):
            return cell
        if cell["outputs"] and cell["outputs"][0]["output_type"] == "error":
            return cell
        assert time.monotonic() < deadline, f"no result after {timeout} s: {cell}"
        time.sleep(0.5)


def on_hub(live: LiveHub, coro, timeout: float = PATIENCE):
    return live.call(coro, timeout)


def release_all_runtimes(live) -> None:
    """Shut every notebook's runtime down: memory, and a clean count, for the next story."""
    pool = live.hub.execution.pool

    async def release() -> None:
        for runtime in pool.runtimes():
            await pool.release(runtime.owner_id, runtime.notebook_id)

    on_hub(live, release())


def test_thirty_people_running_a_first_cell_at_once_all_get_a_result(live):
    students = [person(n) for n in range(CLASS)]
    clients = {name: signed_in(live, name, timeout=PAGE) for name in students}
    notebooks = {name: notebook_with(clients[name], f"print('hello from {name}')", name=f"{name}.ipynb")
                 for name in students}
    together = threading.Barrier(CLASS)

    def first_run(name: str) -> dict:
        client, (item_id, (cell,)) = clients[name], notebooks[name]
        # As the page does: the events socket opens with the notebook, then the cell runs.
        with events_socket(live, client, item_id):
            together.wait(60)
            run(client, item_id, [cell])
            return first_output(client, item_id, cell)

    try:
        with ThreadPoolExecutor(CLASS) as people:
            cells = dict(zip(students, people.map(first_run, students), strict=True))
        for name, cell in cells.items():
            # First try: the person's own output, no "kernel died", no "could not start".
            assert [o["output_type"] for o in cell["outputs"]] == ["stream"], (name, cell["outputs"])
            assert text_of(cell) == f"hello from {name}\n", (name, cell["outputs"])
    finally:
        release_all_runtimes(live)


def kernel_process(launched: int, timeout: float = 60) -> psutil.Process:
    """The ipykernel process under the sandbox the backend launched, once it exists."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in psutil.Process(launched).children(recursive=True):
            try:
                # Not bwrap itself, whose command line names the kernel too.
                if process.name() != "bwrap" and "ipykernel_launcher" in " ".join(process.cmdline()):
                    return process
            except psutil.Error:
                pass
        time.sleep(0.01)
    raise AssertionError("the kernel process never appeared")


def test_a_kernel_is_not_declared_dead_when_its_heartbeat_is_late(live, monkeypatch):
    """The kernel is stopped (SIGSTOP) for 3 s while the hub waits for its first answer: a 1 s
    heartbeat calls it dead; its process says it is alive, and the run completes."""
    pool = live.hub.execution.pool
    backend = pool.backend
    original_wait_ready = backend._wait_ready
    frozen: list[int] = []

    async def frozen_for_three_seconds(runtime):
        kernel = await asyncio.to_thread(kernel_process, runtime.pid)
        kernel.suspend()  # SIGSTOP: its heartbeat thread stops answering too
        for _ in range(100):  # the signal lands a moment later
            if kernel.status() == psutil.STATUS_STOPPED:
                break
            await asyncio.sleep(0.01)
        assert kernel.status() == psutil.STATUS_STOPPED
        frozen.append(kernel.pid)
        timer = threading.Timer(3.0, kernel.resume)
        timer.start()
        try:
            await original_wait_ready(runtime)
        finally:
            await asyncio.to_thread(timer.join)

    async def no_warm_runtime():
        return None

    monkeypatch.setattr(backend, "_wait_ready", frozen_for_three_seconds)
    monkeypatch.setattr(pool, "_take_warm", no_warm_runtime)  # this run starts its own kernel
    dora = signed_in(live, "dora", timeout=PAGE)
    item_id, (cell,) = notebook_with(dora, "print('still here')", name="frozen.ipynb")
    run(dora, item_id, [cell])
    done = first_output(dora, item_id, cell, timeout=300)
    assert frozen, "the kernel was never frozen: the story did not happen"
    assert text_of(done) == "still here\n", done["outputs"]
    monkeypatch.undo()
    release_all_runtimes(live)


def test_the_fifth_runtime_of_one_account_is_refused_with_the_notebooks_holding_runtimes(live):
    erin = signed_in(live, "erin", timeout=PAGE)
    names = [f"Lab {n}.ipynb" for n in range(1, LIMIT + 2)]
    leave = "from google.colab import runtime\nruntime.unassign()"
    notebooks = [notebook_with(erin, "print('ok')", leave, name=name) for name in names]
    try:
        for item_id, (cell, _) in notebooks[:LIMIT]:
            run(erin, item_id, [cell])
            assert text_of(first_output(erin, item_id, cell, timeout=300)) == "ok\n"
        fifth, (cell, _) = notebooks[LIMIT]
        run(erin, fifth, [cell])
        refused = first_output(erin, fifth, cell, timeout=120)["outputs"][0]
        assert refused["output_type"] == "error" and refused["ename"] == "RuntimeUnavailable", refused
        message = refused["evalue"]
        assert f"You have {LIMIT} runtimes running" in message, message
        for name in names[:LIMIT]:
            assert name in message, message
        assert "runtime.unassign()" in message and "culled" in message, message
        status = erin.get(f"/api/notebooks/{fifth}/runtime").json()
        assert status["status"] == "dead" and status["message"] == message, status

        # Doing what the message says frees a place: the fifth notebook then runs.
        first, (_, unassign) = notebooks[0]
        run(erin, first, [unassign])
        deadline = time.monotonic() + 120
        while erin.get(f"/api/notebooks/{first}/runtime").json()["status"] != "none":
            assert time.monotonic() < deadline, "runtime.unassign() did not free the runtime"
            time.sleep(0.2)
        run(erin, fifth, [cell])
        deadline = time.monotonic() + 300
        while text_of(done := first_output(erin, fifth, cell)) != "ok\n":
            assert time.monotonic() < deadline, done["outputs"]
            time.sleep(0.5)
    finally:
        release_all_runtimes(live)


def test_a_person_waiting_for_a_start_sees_their_place_in_line(live, monkeypatch):
    """Both start slots are taken (two starts under way); finn's page shows "1st in line" and
    moves to a start when a slot frees; his run then completes."""
    pool = live.hub.execution.pool

    async def no_warm_runtime():
        return None

    monkeypatch.setattr(pool, "_take_warm", no_warm_runtime)
    held = [threading.Event() for _ in range(pool.line.concurrency)]
    released = threading.Event()

    async def hold_a_slot(event: threading.Event) -> None:
        async with pool.line.turn():
            event.set()
            await asyncio.to_thread(released.wait, PATIENCE)

    holders = [asyncio.run_coroutine_threadsafe(hold_a_slot(e), live.loop) for e in held]
    try:
        for event in held:
            assert event.wait(60), "could not take the start slots"
        finn = signed_in(live, "finn", timeout=PAGE)
        item_id, (cell,) = notebook_with(finn, "print('my turn came')", name="waiting.ipynb")
        seen: list[dict] = []
        with events_socket(live, finn, item_id) as ws:
            run(finn, item_id, [cell])
            deadline = time.monotonic() + 120
            while not any(s.get("message") == "Starting runtime (1st in line)" for s in seen):
                assert time.monotonic() < deadline, seen
                message = json.loads(ws.recv(timeout=120))
                if message.get("type") == "runtime":
                    seen.append(message)
            waiting = seen[-1]
            assert waiting["status"] == "starting" and waiting["place"] == 1, waiting
            released.set()  # the two starts ahead end: finn's turn
            while not (seen[-1]["status"] in ("idle", "busy") and seen[-1].get("place") is None):
                assert time.monotonic() < deadline + 300, seen
                message = json.loads(ws.recv(timeout=300))
                if message.get("type") == "runtime":
                    seen.append(message)
        assert text_of(first_output(finn, item_id, cell, timeout=300)) == "my turn came\n"
        after = seen[seen.index(waiting) + 1:]
        assert any(s["status"] == "starting" and s["place"] is None for s in after), seen  # his start began
        assert not any("in line" in (s["message"] or "") for s in after if s["status"] != "starting"), seen
    finally:
        released.set()
        for holder in holders:
            holder.result(60)
        monkeypatch.undo()
        release_all_runtimes(live)
