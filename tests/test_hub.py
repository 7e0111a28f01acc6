"""Stories about the hub as a whole: settings, the schema, the web app, headers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import inspect, update

from nbcloud.config import load_settings
from nbcloud.hub.app import create_app
from nbcloud.hub.db import Database
from nbcloud.hub.db.models import Session
from tests.conftest import csrf_client


def test_settings_come_from_a_file_and_the_environment_wins(tmp_path: Path):
    config = tmp_path / "nbcloud.toml"
    config.write_text('port = 9000\nsignup = "open"\ndata_dir = "/srv/x"\n')
    s = load_settings({"NBCLOUD_CONFIG": str(config), "NBCLOUD_PORT": "9100"})
    assert s.port == 9100 and s.signup == "open" and s.data_dir == Path("/srv/x")


def test_a_misspelt_setting_is_refused(tmp_path: Path):
    config = tmp_path / "nbcloud.toml"
    config.write_text("prot = 9000\n")
    with pytest.raises(ValueError, match="unknown setting"):
        load_settings({"NBCLOUD_CONFIG": str(config)})


def test_a_postgres_url_uses_the_installed_driver():
    s = load_settings({"NBCLOUD_DATABASE_URL": "postgresql://u:p@db/nbcloud"})
    assert s.sqlalchemy_url == "postgresql+psycopg://u:p@db/nbcloud"


def test_migrations_run_at_every_start_and_are_idempotent(settings):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.sqlalchemy_url)
    db.migrate()
    db.migrate()
    tables = set(inspect(db.engine).get_table_names())
    assert {"users", "sessions", "api_tokens", "drive_items", "uploads", "alembic_version"} <= tables
    db.dispose()


def test_an_expired_session_says_so(alice, app):
    with app.state.hub.db.session() as db:
        db.execute(update(Session).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    r = alice.get("/api/auth/tokens")
    assert r.status_code == 401
    assert r.json()["detail"].startswith("Your session has expired")


def test_pages_carry_security_headers(anonymous):
    r = anonymous.get("/api/auth/state")
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_an_unknown_api_path_is_a_json_404(anonymous):
    r = anonymous.get("/api/nope")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_client_side_routes_get_the_web_app_and_static_files_cannot_escape(make_settings, monkeypatch, tmp_path):
    from nbcloud.hub import app as app_module

    static = tmp_path / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_text("<!doctype html><title>nbcloud</title>")
    (tmp_path / "secret.txt").write_text("secret")
    monkeypatch.setattr(app_module, "STATIC_DIR", static)
    client = csrf_client(create_app(make_settings()))
    assert "nbcloud" in client.get("/drive/Colab%20Notebooks").text
    assert "secret" not in client.get("/..%2Fsecret.txt").text
    assert "secret" not in client.get("/%2E%2E/secret.txt").text
