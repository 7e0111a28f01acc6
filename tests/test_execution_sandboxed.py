"""Stories about running notebooks that are the local backend's: a runtime works in /content, and a
memory bomb crashes only its own runtime, which says why (the other stories of tests/test_execution.py
run on the fake backend)."""

from __future__ import annotations

from tests.live_hub import (
    BrowserLike,
    live_hub,
    live_person,
    notebook_with,
    run,
    text_of,
    wait_for_cell,
)

live = live_hub("exec-sandboxed", runtime_memory_bytes=512 * 1024**2)


alice = live_person("alice")


def test_ipython_magics_and_shell_commands_work(alice: BrowserLike):
    item_id, cells = notebook_with(alice, "!echo hi from the shell", "import os; print(os.getcwd())", name="magic.ipynb")
    run(alice, item_id, cells)
    assert "hi from the shell" in text_of(wait_for_cell(alice, item_id, cells[0], lambda c: c["outputs"]))
    assert text_of(wait_for_cell(alice, item_id, cells[1], lambda c: c["outputs"])).strip() == "/content"


def test_a_memory_bomb_crashes_only_its_runtime_and_says_why(alice: BrowserLike):
    item_id, cells = notebook_with(alice, "x = bytearray(2 * 1024**3)", "print('alive again')", name="bomb.ipynb")
    run(alice, item_id, cells[:1])
    crashed = wait_for_cell(alice, item_id, cells[0], lambda c: c["outputs"], timeout=120)
    message = crashed["outputs"][-1]
    assert message["output_type"] == "error"
    assert message["evalue"] == "the runtime crashed after using all available RAM: 0.5 GB"
    run(alice, item_id, cells[1:])
    assert text_of(wait_for_cell(alice, item_id, cells[1], lambda c: c["outputs"], timeout=120)) == "alive again\n"
