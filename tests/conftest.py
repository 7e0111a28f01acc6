"""Shared fixtures: a hub on a temporary data folder, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from nbcloud.config import Settings, load_settings
from nbcloud.hub.app import create_app
from nbcloud.hub.runtimes import backends as runtime_backends
from tests.fakes import FakeBackend
from tests.kernels import Loop
from tests.postgres_server import PostgresServer, find_pg_bin

# runtime_backend="fake": a plain ipykernel per runtime, for stories that are not about the sandbox.
runtime_backends.register("fake", FakeBackend)

PASSWORD = "correct horse battery"
_db_names = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        if os.environ.get("NBCLOUD_TEST_POSTGRES") == "required":
            pytest.fail("PostgreSQL is required for these tests but initdb was not found; run `make test`.")
        yield None
        return
    server = PostgresServer(bin_dir)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path: Path) -> str:
    """Tests that touch the database run on both backends."""
    if request.param == "sqlite":
        return ""
    server: PostgresServer | None = request.getfixturevalue("postgres")
    if server is None:
        pytest.skip("PostgreSQL is not installed here (make test installs it)")
    return server.create_database(f"nbcloud_test_{os.getpid()}_{next(_db_names)}")


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return load_settings(
        environ={},
        data_dir=tmp_path / "data",
        database_url=database_url,
        default_quota_bytes=100 * 1024 * 1024,
        runtime_pool_size=0,  # no warm kernels unless a test asks for them
    )


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings on SQLite with overrides, for tests about one setting."""

    def make(**overrides) -> Settings:
        return load_settings(environ={}, data_dir=tmp_path / "data", **overrides)

    return make


@pytest.fixture
def app(settings: Settings):
    application = create_app(settings)
    yield application
    application.state.hub.db.dispose()


def csrf_client(app) -> TestClient:
    """A browser-like client: it fetches the CSRF cookie and echoes it on every request."""
    client = TestClient(app, base_url="http://127.0.0.1")
    token = client.get("/api/auth/state").json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    return client


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    r = client.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = client.cookies["nbcloud_csrf"]
    return client


@pytest.fixture
def anonymous(app) -> TestClient:
    return csrf_client(app)


@pytest.fixture
def admin(app) -> TestClient:
    """The first account (the administrator), signed in."""
    client = csrf_client(app)
    r = client.post("/api/auth/setup", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = client.cookies["nbcloud_csrf"]
    return client


@pytest.fixture
def make_user(app, admin: TestClient) -> Callable[..., TestClient]:
    """Add a user through the admin API and return a client signed in as them."""

    def make(username: str, **fields) -> TestClient:
        r = admin.post("/api/admin/users", json={"username": username, "password": PASSWORD, **fields})
        assert r.status_code == 201, r.text
        return sign_in(csrf_client(app), username)

    return make


@pytest.fixture
def alice(make_user) -> TestClient:
    return make_user("alice")


@pytest.fixture
def bob(make_user) -> TestClient:
    return make_user("bob")


@pytest.fixture(scope="module")
def loop() -> Iterator[Loop]:
    """An event loop in a thread for a module's runtimes (tests/kernels.py)."""
    lp = Loop()
    yield lp
    lp.close()
