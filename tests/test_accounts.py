"""Stories about accounts: the first visit, signing in and out, sign-up, tokens, admin."""

from __future__ import annotations

from starlette.testclient import TestClient

from nbcloud.hub.app import create_app
from tests.conftest import PASSWORD, csrf_client, sign_in


def test_the_first_visit_offers_to_create_the_admin(anonymous: TestClient):
    state = anonymous.get("/api/auth/state").json()
    assert state["needs_setup"] is True and state["user"] is None
    r = anonymous.post("/api/auth/setup", json={"username": "Ada", "password": PASSWORD})
    assert r.status_code == 200
    assert r.json()["user"]["username"] == "ada" and r.json()["user"]["is_admin"] is True
    assert anonymous.get("/api/auth/state").json()["needs_setup"] is False


def test_setup_can_only_happen_once(admin: TestClient, app):
    other = csrf_client(app)
    r = other.post("/api/auth/setup", json={"username": "mallory", "password": PASSWORD})
    assert r.status_code == 409 and r.json()["code"] == "already_set_up"


def test_the_session_cookie_is_httponly_and_samesite(anonymous: TestClient):
    r = anonymous.post("/api/auth/setup", json={"username": "admin", "password": PASSWORD})
    cookies = r.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("nbcloud_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session
    assert "Secure" not in session  # plain HTTP on loopback


def test_cookies_are_secure_under_https(make_settings):
    app = create_app(make_settings())
    client = TestClient(app, base_url="https://nbcloud.example")
    client.headers["X-CSRF-Token"] = client.get("/api/auth/state").json()["csrf_token"]
    r = client.post("/api/auth/setup", json={"username": "admin", "password": PASSWORD})
    assert all("Secure" in c for c in r.headers.get_list("set-cookie"))


def test_sign_in_with_a_wrong_password_is_refused(admin: TestClient, app):
    client = csrf_client(app)
    r = client.post("/api/auth/login", json={"username": "admin", "password": "wrong password"})
    assert r.status_code == 401 and r.json()["detail"] == "Wrong username or password."
    r = client.post("/api/auth/login", json={"username": "nobody", "password": "wrong password"})
    assert r.status_code == 401


def test_sign_out_ends_the_session(alice: TestClient):
    assert alice.get("/api/auth/state").json()["user"]["username"] == "alice"
    assert alice.post("/api/auth/logout").status_code == 204
    r = alice.get("/api/auth/tokens")
    assert r.status_code == 401 and r.json()["code"] == "signed_out"


def test_login_attempts_are_rate_limited(admin: TestClient, app):
    client = csrf_client(app)
    limit = app.state.hub.settings.login_attempts
    for _ in range(limit):
        client.post("/api/auth/login", json={"username": "admin", "password": "not it at all"})
    r = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 429 and "Try again in" in r.json()["detail"]


def test_a_request_without_the_csrf_token_is_refused(alice: TestClient):
    r = alice.post("/api/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": ""})
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"


def test_a_csrf_token_from_another_session_is_refused(alice: TestClient, bob: TestClient):
    # Bob's token in Alice's cookie jar: matches the cookie if forged, never her session.
    alice.cookies.set("nbcloud_csrf", bob.cookies["nbcloud_csrf"])
    r = alice.post("/api/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": bob.cookies["nbcloud_csrf"]})
    assert r.status_code == 403


def test_sign_up_is_closed_by_default(app, admin):
    r = csrf_client(app).post("/api/auth/signup", json={"username": "eve", "password": PASSWORD})
    assert r.status_code == 403 and r.json()["code"] == "signup_closed"


def test_people_may_sign_themselves_up_when_the_setting_allows(make_settings):
    app = create_app(make_settings(signup="open"))
    client = csrf_client(app)
    assert client.get("/api/auth/state").json()["signup_open"] is True
    r = client.post("/api/auth/signup", json={"username": "eve", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["user"]["is_admin"] is False


def test_a_taken_username_and_a_weak_password_get_clear_errors(admin: TestClient):
    r = admin.post("/api/admin/users", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 409 and "taken" in r.json()["detail"]
    r = admin.post("/api/admin/users", json={"username": "carol", "password": "short"})
    assert r.status_code == 422 and "at least 8" in r.json()["detail"]


def test_passwords_are_stored_as_argon2id(app, alice):
    from sqlalchemy import select

    from nbcloud.hub.db.models import User

    with app.state.hub.db.session() as db:
        user = db.scalar(select(User).where(User.username == "alice"))
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_a_script_uses_an_api_token_without_csrf(alice: TestClient, app):
    created = alice.post("/api/auth/tokens", json={"name": "my script"}).json()
    script = TestClient(app, base_url="http://127.0.0.1")
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert script.get("/api/drive/usage", headers=headers).status_code == 200
    assert [t["name"] for t in alice.get("/api/auth/tokens").json()] == ["my script"]
    assert alice.delete(f"/api/auth/tokens/{created['id']}").status_code == 204
    assert script.get("/api/drive/usage", headers=headers).status_code == 401


def test_a_user_cannot_delete_another_users_token(alice: TestClient, bob: TestClient):
    token = alice.post("/api/auth/tokens", json={"name": "mine"}).json()
    assert bob.delete(f"/api/auth/tokens/{token['id']}").status_code == 404


def test_only_an_admin_can_manage_users(alice: TestClient):
    assert alice.get("/api/admin/users").status_code == 403
    assert alice.get("/api/admin/runtimes").status_code == 403
    assert alice.post("/api/admin/users", json={"username": "x1", "password": PASSWORD}).status_code == 403


def test_the_admin_sees_the_runtime_pool(admin: TestClient):
    assert admin.get("/api/admin/runtimes").json() == {"size": 0, "warm": 0, "starting": 0, "assigned": 0}


def test_a_disabled_user_is_signed_out_and_cannot_sign_in(admin: TestClient, alice: TestClient, app):
    users = {u["username"]: u for u in admin.get("/api/admin/users").json()}
    assert admin.patch(f"/api/admin/users/{users['alice']['id']}", json={"is_disabled": True}).status_code == 200
    assert alice.get("/api/auth/tokens").status_code == 401
    r = csrf_client(app).post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 403 and r.json()["code"] == "disabled"


def test_an_admin_cannot_lock_themselves_out(admin: TestClient):
    me = admin.get("/api/auth/state").json()["user"]
    r = admin.patch(f"/api/admin/users/{me['id']}", json={"is_disabled": True})
    assert r.status_code == 409


def test_a_user_changes_their_password(alice: TestClient, app):
    r = alice.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "a new secret"})
    assert r.status_code == 204
    sign_in(csrf_client(app), "alice", "a new secret")


def test_the_openapi_document_is_served(anonymous: TestClient):
    doc = anonymous.get("/api/openapi.json").json()
    assert "/api/auth/login" in doc["paths"]
