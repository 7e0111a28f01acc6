"""What people do in the browser: set up, sign in, upload, download, organise, trash, administer."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.helpers import ADMIN, PASSWORD, Hub, random_file, sign_in

pytestmark = pytest.mark.e2e

MiB = 1024 * 1024


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def upload_files(page: Page, *paths: Path) -> None:
    page.get_by_role("button", name="New", exact=True).click()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("menuitem", name="Upload files").click()
    chooser.value.set_files([str(p) for p in paths])


def upload_row(page: Page, name: str):
    return page.get_by_role("region", name="Uploads").get_by_role("listitem").filter(has_text=name)


def item_row(page: Page, name: str):
    return page.get_by_role("row").filter(has=page.get_by_text(name, exact=True))


def item_action(page: Page, name: str, action: str) -> None:
    page.get_by_role("button", name=f"Actions for {name}", exact=True).click()
    page.get_by_role("menuitem", name=action).click()


def new_folder(page: Page, name: str) -> None:
    page.get_by_role("button", name="New", exact=True).click()
    page.get_by_role("menuitem", name="New folder").click()
    dialog = page.get_by_role("dialog", name="New folder")
    dialog.get_by_label("Folder name").fill(name)
    dialog.get_by_role("button", name="Create").click()
    expect(dialog).to_be_hidden()
    expect(item_row(page, name)).to_be_visible()


def download(page: Page, name: str, into: Path) -> Path:
    with page.expect_download() as info:
        item_action(page, name, "Download")
    target = into / f"downloaded-{name}"
    info.value.save_as(target)
    assert info.value.suggested_filename == name
    return target


def test_first_visit_creates_the_administrator_account(fresh_hub: Hub, page: Page):
    page.goto(fresh_hub.url)
    expect(page.get_by_role("heading", name="Create the administrator account")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/setup$"))
    page.get_by_label("Username").fill("root")
    page.get_by_label("Display name").fill("Grace Hopper")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill("something else")
    page.get_by_role("button", name="Create administrator account").click()
    expect(page.get_by_role("alert")).to_contain_text("The two passwords differ")

    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create administrator account").click()
    expect(page).to_have_url(re.compile(r"/drive$"))
    expect(page.get_by_role("navigation", name="Breadcrumbs")).to_contain_text("My Drive")
    expect(page.get_by_role("link", name="Admin")).to_be_visible()
    expect(page.get_by_label("Storage used")).to_be_visible()

    # Setup is done for good: the setup page now sends people on.
    page.goto(f"{fresh_hub.url}/setup")
    expect(page).to_have_url(re.compile(r"/drive$"))


def test_sign_in_shows_the_hubs_error_then_signs_in_and_out(hub: Hub, page: Page, make_user):
    username = make_user("sam")
    page.goto(f"{hub.url}/trash")
    expect(page).to_have_url(re.compile(r"/signin\?next=%2Ftrash$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password.")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Back where they were going.
    expect(page).to_have_url(re.compile(r"/trash$"))
    expect(page.get_by_role("heading", name="Trash")).to_be_visible()
    # Not an administrator: no Admin link.
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)

    page.get_by_role("button", name=f"Account menu for {username}").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signin$"))
    page.goto(f"{hub.url}/drive")
    expect(page).to_have_url(re.compile(r"/signin\?next=%2Fdrive$"))


def test_an_expired_session_sends_you_to_sign_in_and_back(hub: Hub, page: Page, context, make_user):
    username = make_user("eve")
    sign_in(page, hub, username)
    page.get_by_role("link", name="Trash").click()
    expect(page.get_by_text("Nothing in Trash")).to_be_visible()  # loaded: no request in flight

    context.clear_cookies(name="nbcloud_session")
    page.get_by_role("link", name="My Drive").click()
    expect(page).to_have_url(re.compile(r"/signin\?next=%2Fdrive$"))
    expect(page.get_by_text("Your session has expired. Sign in again.")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/drive$"))
    expect(page.get_by_role("navigation", name="Breadcrumbs")).to_contain_text("My Drive")


def test_upload_a_50_mb_file_with_progress_then_download_the_same_bytes(hub: Hub, page: Page, make_user, tmp_path):
    username = make_user("uma")
    source = random_file(tmp_path / "big.bin", 50 * MiB)
    sign_in(page, hub, username)
    # Record the bar's values while the upload runs: it must move through values in between.
    page.evaluate(
        """() => {
        window.__progress = [];
        setInterval(() => {
          const bar = document.querySelector('progress[aria-label="Uploading big.bin"]');
          if (bar) window.__progress.push(bar.value);
        }, 10);
      }"""
    )
    upload_files(page, source)
    bar = page.get_by_label("Uploading big.bin")
    expect(bar).to_be_visible()
    expect(upload_row(page, "big.bin")).to_contain_text("Done", timeout=120_000)
    expect(upload_row(page, "big.bin")).to_contain_text("100%")
    assert bar.evaluate("b => [b.value, b.max]") == [50 * MiB, 50 * MiB]
    seen = page.evaluate("window.__progress")
    assert any(0 < value < 50 * MiB for value in seen), seen[:20]

    row = item_row(page, "big.bin")
    expect(row).to_be_visible()
    expect(row).to_contain_text("50 MB")
    expect(page.get_by_text(re.compile(r"50 MB used of 15 GB"))).to_be_visible()

    downloaded = download(page, "big.bin", tmp_path)
    assert downloaded.stat().st_size == source.stat().st_size
    assert sha256(downloaded) == sha256(source)


def test_an_upload_resumes_after_the_connection_drops(hub: Hub, page: Page, make_user, tmp_path):
    username = make_user("rita")
    source = random_file(tmp_path / "resume.bin", 20 * MiB + 12345)  # three chunks
    sign_in(page, hub, username)
    seen: list[str] = []
    dropped: list[str] = []

    def flaky(route: Route) -> None:
        request = route.request
        seen.append(f"{request.method} {request.headers.get('upload-offset', '')}")
        if request.method == "PATCH" and request.headers.get("upload-offset") not in (None, "0") and not dropped:
            dropped.append(request.headers["upload-offset"])
            route.abort("connectionreset")
            return
        route.continue_()

    page.route(re.compile(r"/api/drive/uploads/[^/?]+$"), flaky)
    upload_files(page, source)
    expect(upload_row(page, "resume.bin")).to_contain_text("Done", timeout=120_000)
    assert dropped, seen
    # After the drop the browser asked the hub where to resume, then sent the same chunk again.
    after = seen[seen.index(f"PATCH {dropped[0]}") + 1 :]
    assert after[0] == "GET ", seen
    assert f"PATCH {dropped[0]}" in after, seen

    page.unroute(re.compile(r"/api/drive/uploads/[^/?]+$"))
    downloaded = download(page, "resume.bin", tmp_path)
    assert sha256(downloaded) == sha256(source)


def test_create_a_folder_open_it_rename_and_sort(hub: Hub, page: Page, make_user, tmp_path):
    username = make_user("fay")
    sign_in(page, hub, username)
    new_folder(page, "Reports")
    new_folder(page, "Archive")
    upload_files(page, random_file(tmp_path / "a-notes.txt", 10))
    expect(upload_row(page, "a-notes.txt")).to_contain_text("Done")

    # Folders first, then files; by name. (Every Drive starts with "Colab Notebooks".)
    names = page.locator("tbody .item-name-text")
    expect(names).to_have_text(["Archive", "Colab Notebooks", "Reports", "a-notes.txt"])
    name_header = page.get_by_role("columnheader", name="Name")
    expect(name_header).to_have_attribute("aria-sort", "ascending")
    name_header.get_by_role("button").click()
    expect(name_header).to_have_attribute("aria-sort", "descending")
    expect(names).to_have_text(["Reports", "Colab Notebooks", "Archive", "a-notes.txt"])

    item_action(page, "Reports", "Rename")
    dialog = page.get_by_role("dialog", name="Rename")
    dialog.get_by_label("New name").fill("Reports 2025")
    dialog.get_by_role("button", name="Rename").click()
    expect(item_row(page, "Reports 2025")).to_be_visible()
    expect(item_row(page, "Reports")).to_have_count(0)

    # A name that is taken: the dialog says so and stays open.
    item_action(page, "Archive", "Rename")
    dialog = page.get_by_role("dialog", name="Rename")
    dialog.get_by_label("New name").fill("Reports 2025")
    dialog.get_by_role("button", name="Rename").click()
    expect(dialog.get_by_role("alert")).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()

    item_row(page, "Reports 2025").dblclick()
    expect(page).to_have_url(re.compile(r"/drive/Reports%202025$"))
    crumbs = page.get_by_role("navigation", name="Breadcrumbs")
    expect(crumbs).to_contain_text("Reports 2025")
    expect(page.get_by_text("Drop files here")).to_be_visible()
    new_folder(page, "Q1")
    crumbs.get_by_role("link", name="My Drive").click()
    expect(page).to_have_url(re.compile(r"/drive$"))

    # Keyboard: Enter opens a focused folder.
    item_row(page, "Archive").focus()
    page.keyboard.press("Enter")
    expect(crumbs).to_contain_text("Archive")
    page.go_back()
    expect(item_row(page, "Reports 2025")).to_be_visible()

    # Move a file into a folder with the folder picker.
    item_action(page, "a-notes.txt", "Move to…")
    picker = page.get_by_role("dialog", name=re.compile("Move"))
    picker.get_by_role("button", name="Open folder Reports 2025").click()
    picker.get_by_role("button", name="Move here").click()
    expect(picker).to_be_hidden()
    expect(item_row(page, "a-notes.txt")).to_have_count(0)
    item_row(page, "Reports 2025").dblclick()
    expect(item_row(page, "a-notes.txt")).to_be_visible()


def test_trash_an_item_find_it_in_trash_and_restore_it(hub: Hub, page: Page, make_user, tmp_path):
    username = make_user("tom")
    sign_in(page, hub, username)
    upload_files(page, random_file(tmp_path / "keep.txt", 100), random_file(tmp_path / "junk.txt", 200))
    expect(upload_row(page, "keep.txt")).to_contain_text("Done")
    expect(upload_row(page, "junk.txt")).to_contain_text("Done")

    item_action(page, "keep.txt", "Move to trash")
    expect(item_row(page, "keep.txt")).to_have_count(0)
    item_action(page, "junk.txt", "Move to trash")
    expect(item_row(page, "junk.txt")).to_have_count(0)

    page.get_by_role("link", name="Trash").click()
    expect(page).to_have_url(re.compile(r"/trash$"))
    expect(item_row(page, "keep.txt")).to_be_visible()
    page.get_by_role("button", name="Restore keep.txt").click()
    expect(item_row(page, "keep.txt")).to_have_count(0)

    page.get_by_role("button", name="Delete junk.txt forever").click()
    confirm = page.get_by_role("dialog", name="Delete forever?")
    confirm.get_by_role("button", name="Delete forever").click()
    expect(item_row(page, "junk.txt")).to_have_count(0)
    expect(page.get_by_text("Nothing in Trash")).to_be_visible()

    page.get_by_role("link", name="My Drive").click()
    expect(item_row(page, "keep.txt")).to_be_visible()

    # Empty trash asks first.
    item_action(page, "keep.txt", "Move to trash")
    expect(item_row(page, "keep.txt")).to_have_count(0)
    page.get_by_role("link", name="Trash").click()
    page.get_by_role("button", name="Empty trash").click()
    confirm = page.get_by_role("dialog", name="Empty trash?")
    expect(confirm).to_contain_text("deleted forever")
    confirm.get_by_role("button", name="Empty trash").click()
    expect(page.get_by_text("Nothing in Trash")).to_be_visible()


def test_drop_files_onto_the_drive_page_to_upload_them(hub: Hub, page: Page, make_user):
    username = make_user("dee")
    sign_in(page, hub, username)
    page.evaluate(
        """() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }));
        const target = document.querySelector('main');
        for (const type of ['dragenter', 'dragover', 'drop']) {
          target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }
      }"""
    )
    expect(upload_row(page, "dropped.txt")).to_contain_text("Done")
    expect(item_row(page, "dropped.txt")).to_contain_text("13 bytes")


def test_the_admin_adds_a_user_who_sees_none_of_the_admins_files(hub: Hub, browser, page: Page, tmp_path):
    sign_in(page, hub, ADMIN)
    new_folder(page, "Admin secrets")
    upload_files(page, random_file(tmp_path / "payroll.csv", 1000))
    expect(upload_row(page, "payroll.csv")).to_contain_text("Done")

    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Admin", exact=True)).to_be_visible()
    expect(page.get_by_text("Closed: only administrators add people.")).to_be_visible()
    form = page.get_by_role("form", name="Add user")
    form.get_by_label("Username").fill("newbie")
    form.get_by_label("Display name").fill("New Bie")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_label("Quota (GB)").fill("2")
    form.get_by_role("button", name="Add user").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="newbie", exact=True))
    expect(row).to_contain_text("New Bie")
    expect(row).to_contain_text("0 bytes of 2 GB")
    expect(row).to_contain_text("Active")

    other = browser.new_context()
    try:
        theirs = other.new_page()
        sign_in(theirs, hub, "newbie")
        # Only the folder every Drive starts with.
        expect(theirs.locator("tbody .item-name-text")).to_have_text(["Colab Notebooks"])
        expect(theirs.get_by_text("payroll.csv")).to_have_count(0)
        expect(theirs.get_by_text("Admin secrets")).to_have_count(0)
        expect(theirs.get_by_role("link", name="Admin")).to_have_count(0)
        expect(theirs.get_by_text("0 bytes used of 2 GB")).to_be_visible()
        # Not even by address.
        theirs.goto(f"{hub.url}/drive/Admin%20secrets")
        expect(theirs.get_by_role("status")).to_be_visible()
        expect(theirs.get_by_text("payroll.csv")).to_have_count(0)
    finally:
        other.close()

    # Disable and enable from the users table.
    row.get_by_role("button", name="Disable newbie").click()
    expect(row).to_contain_text("Disabled")
    row.get_by_role("button", name="Enable newbie").click()
    expect(row).to_contain_text("Active")


def test_account_page_changes_the_password_and_manages_api_tokens(hub: Hub, page: Page, make_user):
    username = make_user("ann")
    sign_in(page, hub, username)
    page.get_by_role("button", name=f"Account menu for {username}").click()
    page.get_by_role("menuitem", name="Account settings").click()
    expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()

    page.get_by_label("Token name").fill("laptop")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("New API token")
    expect(token).to_have_text(re.compile(r"^nbc_"))
    expect(page.get_by_role("row").filter(has_text="laptop")).to_contain_text("Never")
    page.get_by_role("button", name="Revoke laptop").click()
    expect(page.get_by_text("No tokens yet.")).to_be_visible()

    page.get_by_label("Current password").fill("wrong guess")
    page.get_by_label("New password", exact=True).fill("a brand new secret")
    page.get_by_label("Confirm new password").fill("a brand new secret")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("Your current password is wrong.")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()


def test_drive_page_screenshot(hub: Hub, page: Page, make_user, tmp_path):
    """Leaves /tmp/drive.png for a person to look at."""
    username = make_user("lee", display_name="Lee Colab")
    sign_in(page, hub, username)
    for name in ["Datasets", "Experiments"]:
        new_folder(page, name)
    files = [
        random_file(tmp_path / "analysis.ipynb", 48_213),
        random_file(tmp_path / "model weights.bin", 3 * MiB),
        random_file(tmp_path / "photo.png", 812_000),
        random_file(tmp_path / "train.py", 4_100),
    ]
    upload_files(page, *files)
    for f in files:
        expect(upload_row(page, f.name)).to_contain_text("Done")
    expect(page.locator("tbody tr")).to_have_count(7)
    uploads = page.get_by_role("region", name="Uploads")
    uploads.get_by_role("button", name="Minimize uploads").click()
    expect(uploads.get_by_role("list")).to_be_hidden()
    page.get_by_role("button", name="Actions for train.py").click()
    page.screenshot(path="/tmp/drive.png")
    page.keyboard.press("Escape")

    # A notebook opens in the editor; this one is random bytes, so it says so.
    item_row(page, "analysis.ipynb").dblclick()
    expect(page).to_have_url(re.compile(r"/notebook/"))
    expect(page.get_by_role("alert")).to_contain_text("not a valid notebook")
