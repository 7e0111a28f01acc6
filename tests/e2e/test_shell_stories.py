"""Shell commands in the browser: `!cmd` streams its output, and while it runs the person who ran
the cell types into it in a box under the output; a password prompt gets a masked field."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Hub
from tests.e2e.test_colab_stories import open_code_notebook, run
from tests.e2e.test_notebook_stories import cell, cell_state, output

pytestmark = pytest.mark.e2e

RUN_TIMEOUT = 90_000


def test_typing_into_a_command_and_a_masked_password(hub: Hub, page: Page, make_user):
    open_code_notebook(
        page, hub, make_user("sh"),
        '!read -p "Your name? " n && echo "hello $n"',
        '!read -s -p "Password: " p && echo "got ${#p} chars"',
    )
    run(page, 1)
    box = cell(page, 1).get_by_role("textbox", name="Input for the running command")
    expect(box).to_be_visible(timeout=RUN_TIMEOUT)
    expect(output(page, 1)).to_contain_text("Your name?")
    # A reload meanwhile shows the box again: the command still waits.
    page.reload()
    expect(box).to_be_visible(timeout=RUN_TIMEOUT)
    box.click()
    page.keyboard.type("Ada")
    page.keyboard.press("Enter")
    expect(output(page, 1)).to_contain_text("hello Ada", timeout=RUN_TIMEOUT)
    expect(box).to_have_count(0)

    run(page, 2)
    secret = cell(page, 2).get_by_label("Password for the running command")
    expect(secret).to_be_visible(timeout=RUN_TIMEOUT)
    expect(secret).to_have_attribute("type", "password")
    expect(output(page, 2)).to_contain_text("Password:")
    secret.click()
    page.keyboard.type("hunter22")
    page.keyboard.press("Enter")
    expect(output(page, 2)).to_contain_text("got 8 chars", timeout=RUN_TIMEOUT)
    expect(output(page, 2)).not_to_contain_text("hunter22")
    expect(secret).to_have_count(0)


def test_ctrl_c_in_the_box_interrupts_the_command(hub: Hub, page: Page, make_user):
    open_code_notebook(
        page, hub, make_user("shc"),
        "!for i in $(seq 1 600); do echo tick $i; sleep 0.2; done\nprint('exit code', _exit_code)",
    )
    run(page, 1)
    expect(output(page, 1)).to_contain_text("tick 2", timeout=RUN_TIMEOUT)  # streamed while it runs
    expect(cell_state(page, 1)).to_contain_text("Running")
    box = cell(page, 1).get_by_role("textbox", name="Input for the running command")
    box.click()
    page.keyboard.press("Control+c")
    expect(output(page, 1)).to_contain_text("exit code -2", timeout=30_000)
    expect(box).to_have_count(0)
