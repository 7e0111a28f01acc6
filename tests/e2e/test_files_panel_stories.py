"""The Files panel beside the notebook: the runtime's /content, as in Colab's left-hand Files tab.

A person sees what their cells wrote, opens files in the viewer (text, images, CSV as a table),
uploads files the next cell reads, makes folders, renames and deletes; and
``google.colab.files.view`` in a cell opens the same viewer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.helpers import Hub
from tests.e2e.test_colab_stories import RUN_TIMEOUT, open_code_notebook, run
from tests.e2e.test_notebook_stories import output

pytestmark = pytest.mark.e2e


def files_panel(page: Page):
    return page.get_by_role("complementary", name="Files")


def open_files(page: Page):
    button = page.get_by_role("button", name="Files", exact=True)
    if button.get_attribute("aria-expanded") != "true":
        button.click()
    panel = files_panel(page)
    expect(panel).to_be_visible()
    return panel


def root_list(page: Page):
    return files_panel(page).get_by_role("list", name="Files in /content", exact=True)


def viewer(page: Page):
    return page.get_by_role("dialog")


def test_what_a_cell_writes_shows_in_the_panel_and_opens_in_the_viewer(hub: Hub, page: Page, make_user):
    open_code_notebook(page, hub, make_user("fia"), "open('hello.txt', 'w').write('Hello from the runtime!\\nline two')")
    # Opening a notebook starts no runtime; opening the panel connects one, as in Colab. The
    # connect request is held here until the message has been seen (a warm runtime is quick).
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/connect", hold)
    panel = open_files(page)
    expect(panel.get_by_role("status")).to_have_text("Connecting to a runtime to enable file browsing.")
    for _ in range(300):  # the held request reaches this handler soon after the message shows
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1, "opening the Files panel did not ask the hub to connect"
    held[0].continue_()
    page.unroute("**/connect")
    # Colab's sample data is there from the start.
    expect(panel.get_by_role("button", name="Folder sample_data")).to_be_visible(timeout=RUN_TIMEOUT)
    expect(panel.get_by_role("button", name="Open hello.txt")).to_have_count(0)
    run(page, 1)
    # The panel reloads when the run ends.
    expect(panel.get_by_role("button", name="Open hello.txt")).to_be_visible(timeout=RUN_TIMEOUT)
    panel.get_by_role("button", name="Open hello.txt").click()
    dialog = viewer(page)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="hello.txt")).to_be_visible()
    expect(dialog.get_by_label("Text of hello.txt")).to_have_text("Hello from the runtime!\nline two")
    expect(dialog).to_contain_text("/content/hello.txt")
    with page.expect_download() as download:
        dialog.get_by_role("link", name="Download hello.txt").click()
    assert download.value.suggested_filename == "hello.txt"
    assert Path(download.value.path()).read_text() == "Hello from the runtime!\nline two"
    dialog.get_by_role("button", name="Close viewer").click()
    expect(viewer(page)).to_have_count(0)

    # A folder opens in place; a CSV shows as a table.
    panel.get_by_role("button", name="Folder sample_data").click()
    expect(panel.get_by_role("button", name="Folder sample_data")).to_have_attribute("aria-expanded", "true")
    panel.get_by_role("button", name="Open sample_data/california_housing_test.csv").click()
    table = viewer(page).get_by_role("table", name="Table of california_housing_test.csv")
    expect(table.get_by_role("columnheader", name="median_house_value")).to_be_visible()
    viewer(page).get_by_role("button", name="Close viewer").click()


def test_an_uploaded_file_is_read_by_the_next_cell(hub: Hub, page: Page, make_user, tmp_path: Path):
    open_code_notebook(page, hub, make_user("uma"), "print(open('/content/notes.txt').read().upper())")
    panel = open_files(page)
    expect(panel.get_by_role("button", name="Folder sample_data")).to_be_visible(timeout=RUN_TIMEOUT)
    source = tmp_path / "notes.txt"
    source.write_text("uploaded through the panel")
    with page.expect_file_chooser() as chooser:
        panel.get_by_role("button", name="Upload to /content", exact=True).click()
    chooser.value.set_files(str(source))
    expect(panel.get_by_role("button", name="Open notes.txt")).to_be_visible(timeout=30_000)
    expect(panel.get_by_role("list", name="Uploads")).to_have_count(0)
    run(page, 1)
    expect(output(page, 1)).to_contain_text("UPLOADED THROUGH THE PANEL", timeout=RUN_TIMEOUT)

    # The same name again asks before replacing.
    source.write_text("second version")
    with page.expect_file_chooser() as chooser:
        panel.get_by_role("button", name="Upload to /content", exact=True).click()
    chooser.value.set_files(str(source))
    uploads = panel.get_by_role("list", name="Uploads")
    expect(uploads).to_contain_text("notes.txt already exists")
    uploads.get_by_role("button", name="Replace").click()
    expect(uploads).to_have_count(0)
    panel.get_by_role("button", name="Open notes.txt").click()
    expect(viewer(page).get_by_label("Text of notes.txt")).to_have_text("second version")
    viewer(page).get_by_role("button", name="Close viewer").click()


def test_folders_rename_and_delete_from_the_panel(hub: Hub, page: Page, make_user, tmp_path: Path):
    open_code_notebook(
        page, hub, make_user("fox"),
        "import os\nprint(sorted(os.listdir('/content/data')), os.path.exists('/content/old.txt'))",
        "open('old.txt', 'w').write('x')",
    )
    panel = open_files(page)
    expect(panel.get_by_role("button", name="Folder sample_data")).to_be_visible(timeout=RUN_TIMEOUT)
    run(page, 2)
    expect(panel.get_by_role("button", name="Open old.txt")).to_be_visible(timeout=RUN_TIMEOUT)

    panel.get_by_role("button", name="New folder", exact=True).click()
    page.get_by_label("Folder name").fill("data")
    page.get_by_role("button", name="Create").click()
    expect(panel.get_by_role("button", name="Folder data")).to_be_visible()

    # Upload into the new folder.
    source = tmp_path / "inside.csv"
    source.write_text("a,b\n1,2\n")
    with page.expect_file_chooser() as chooser:
        panel.get_by_role("button", name="Upload to /content/data").click()
    chooser.value.set_files(str(source))
    expect(panel.get_by_role("button", name="Open data/inside.csv")).to_be_visible(timeout=30_000)

    panel.get_by_role("button", name="Rename old.txt").click()
    page.get_by_label("New name").fill("new.txt")
    page.get_by_role("button", name="Rename", exact=True).click()
    expect(panel.get_by_role("button", name="Open new.txt")).to_be_visible()
    expect(panel.get_by_role("button", name="Open old.txt")).to_have_count(0)

    panel.get_by_role("button", name="Delete new.txt").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(panel.get_by_role("button", name="Open new.txt")).to_have_count(0)

    run(page, 1)
    expect(output(page, 1)).to_contain_text("['inside.csv'] False", timeout=RUN_TIMEOUT)


def test_files_view_in_a_cell_opens_the_viewer(hub: Hub, page: Page, make_user):
    open_code_notebook(
        page, hub, make_user("vic"),
        "import os\nos.makedirs('plots', exist_ok=True)\nos.chdir('plots')\n"
        "open('hello.txt', 'w').write('viewed from a cell')\n"
        "from google.colab import files\nfiles.view('hello.txt')\nos.chdir('/content')",
        "from google.colab import files\nfiles.view('/etc/hostname')",
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "plt.plot([1, 2, 3])\nplt.savefig('/content/plot.png')\n"
        "from google.colab import files\nfiles.view('plot.png')",
    )
    run(page, 1)
    dialog = viewer(page)
    expect(dialog).to_be_visible(timeout=RUN_TIMEOUT)
    expect(dialog.get_by_role("heading", name="hello.txt")).to_be_visible()
    # Relative to the kernel's working folder.
    expect(dialog).to_contain_text("/content/plots/hello.txt")
    expect(dialog.get_by_label("Text of hello.txt")).to_have_text("viewed from a cell")
    dialog.get_by_role("button", name="Close viewer").click()
    expect(viewer(page)).to_have_count(0)

    run(page, 2)
    expect(output(page, 2)).to_contain_text("/etc/hostname is outside /content", timeout=RUN_TIMEOUT)
    expect(viewer(page)).to_have_count(0)

    run(page, 3)
    image = viewer(page).get_by_role("img", name="plot.png")
    expect(image).to_be_visible(timeout=RUN_TIMEOUT)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    viewer(page).get_by_role("button", name="Close viewer").click()
