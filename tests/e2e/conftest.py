"""Browser stories: a real hub in a subprocess, driven by Debian's Chromium through Playwright.

Never downloads a browser: Chromium comes from the system (`make test-deps` installs it).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e.helpers import ADMIN, ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PASSWORD, STATIC_INDEX, Hub, start_hub

_names = itertools.count(1)


@pytest.fixture(scope="session")
def built_web_app() -> Path:
    if not STATIC_INDEX.is_file():
        pytest.fail(f"The web app is not built ({STATIC_INDEX} is missing): run `make web` first.")
    return STATIC_INDEX


@pytest.fixture(scope="session")
def hub(tmp_path_factory, built_web_app) -> Iterator[Hub]:
    """One hub for the session, set up with an administrator; stories use their own users."""
    running = start_hub(tmp_path_factory.mktemp("hub") / "data")
    try:
        with closing(running.client()) as client:
            client.post(
                "/api/auth/setup", json={"username": ADMIN, "password": PASSWORD, "display_name": "Ada Admin"}
            ).raise_for_status()
        yield running
    finally:
        running.stop()


@pytest.fixture
def fresh_hub(tmp_path, built_web_app) -> Iterator[Hub]:
    """A hub nobody has visited yet."""
    running = start_hub(tmp_path / "data")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def make_user(hub: Hub):
    """Adds a user through the admin API and returns its username (password PASSWORD)."""
    created: list[str] = []

    def make(prefix: str = "user", **fields) -> str:
        username = f"{prefix}{next(_names)}"
        with closing(hub.signed_in(ADMIN)) as admin:
            admin.post("/api/admin/users", json={"username": username, "password": PASSWORD, **fields}).raise_for_status()
        created.append(username)
        return username

    return make


@pytest.fixture(scope="session")
def browser(built_web_app):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make test-deps`).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def context(browser, request):
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(15_000)
    yield ctx
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for index, page in enumerate(ctx.pages):
            try:
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{index}.png"), full_page=True)
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()
