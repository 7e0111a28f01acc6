"""Stories about each person's preferences for the web app (theme, editor settings, shortcuts)."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import csrf_client, sign_in

DARK_4 = {"theme": "dark", "editor": {"indent": 4, "fontSize": 16, "lineNumbers": True, "vim": False}}


def test_a_new_person_has_no_preferences_set_and_the_app_uses_its_defaults(alice: TestClient):
    r = alice.get("/api/me/preferences")
    assert r.status_code == 200 and r.json() == {}


def test_preferences_are_kept_per_user(alice: TestClient, bob: TestClient, app):
    r = alice.put("/api/me/preferences", json=DARK_4)
    assert r.status_code == 200, r.text
    assert r.json() == DARK_4
    assert bob.put("/api/me/preferences", json={"theme": "light"}).status_code == 200

    assert alice.get("/api/me/preferences").json() == DARK_4
    assert bob.get("/api/me/preferences").json() == {"theme": "light"}
    # Kept across sign-ins (in the database, not the session).
    again = sign_in(csrf_client(app), "alice")
    assert again.get("/api/me/preferences").json() == DARK_4


def test_a_put_replaces_the_whole_object(alice: TestClient):
    alice.put("/api/me/preferences", json=DARK_4)
    shortcuts = {"shortcuts": {"cell:run": ["Mod-Enter", "Shift-Enter"], "view:toc": []}}
    r = alice.put("/api/me/preferences", json=shortcuts)
    assert r.json() == shortcuts
    assert alice.get("/api/me/preferences").json() == shortcuts


def test_a_user_cannot_read_or_write_anothers(alice: TestClient, bob: TestClient):
    alice.put("/api/me/preferences", json=DARK_4)
    # Nothing in the request names whose preferences: the session decides, whatever else is sent.
    assert bob.get("/api/me/preferences", params={"user": "alice", "user_id": 2}).json() == {}
    r = bob.put("/api/me/preferences", params={"user": "alice"}, json={"theme": "light"})
    assert r.status_code == 200
    assert alice.get("/api/me/preferences").json() == DARK_4
    # Another person's path does not exist.
    assert bob.get("/api/users/alice/preferences").status_code == 404
    assert bob.put("/api/me/preferences/alice", json={}).status_code in (404, 405)


def test_a_token_reads_its_owners_preferences(alice: TestClient, app):
    alice.put("/api/me/preferences", json={"theme": "dark"})
    token = alice.post("/api/auth/tokens", json={"name": "script"}).json()["token"]
    script = TestClient(app, base_url="http://127.0.0.1", headers={"Authorization": f"Bearer {token}"})
    assert script.get("/api/me/preferences").json() == {"theme": "dark"}


def test_unknown_keys_and_bad_types_are_refused_with_a_clear_error_and_keep_the_old_ones(alice: TestClient):
    alice.put("/api/me/preferences", json=DARK_4)
    cases = [
        ({"colour": "red"}, "colour"),
        ({"theme": "purple"}, "theme"),
        ({"editor": {"indent": 3}}, "editor.indent"),
        ({"editor": {"indent": True}}, "editor.indent"),
        ({"editor": {"fontSize": 9}}, "editor.fontSize"),
        ({"editor": {"fontSize": 14.5}}, "editor.fontSize"),
        ({"editor": {"vim": "yes"}}, "editor.vim"),
        ({"editor": {"tabs": True}}, "tabs"),
        ({"editor": []}, "editor"),
        ({"shortcuts": {"cell:run": "Mod-Enter"}}, "shortcuts.cell:run"),
        ({"shortcuts": {"cell:run": [1]}}, "shortcuts.cell:run"),
        ({"shortcuts": {"<script>": ["a"]}}, "command id"),
        (["theme", "dark"], "JSON object"),
    ]
    for body, named in cases:
        r = alice.put("/api/me/preferences", json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["code"] == "bad_preferences"
        assert named in r.json()["detail"], (named, r.json()["detail"])
        assert "not changed" in r.json()["detail"]
    r = alice.put("/api/me/preferences", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "bad_json"
    assert alice.get("/api/me/preferences").json() == DARK_4


def test_preferences_over_64_kb_are_refused(alice: TestClient):
    many = {"shortcuts": {f"cmd:n{i}": ["Mod-Shift-Alt-" + "x" * 40] for i in range(2000)}}
    r = alice.put("/api/me/preferences", json=many)
    assert r.status_code == 413 and r.json()["code"] == "preferences_too_large"
    assert "64 KB" in r.json()["detail"]
    assert alice.get("/api/me/preferences").json() == {}


def test_signed_out_gets_401(anonymous: TestClient):
    assert anonymous.get("/api/me/preferences").status_code == 401
    r = anonymous.put("/api/me/preferences", json={"theme": "dark"})
    assert r.status_code == 401 and r.json()["code"] == "signed_out"


def test_a_put_without_the_csrf_header_is_refused(alice: TestClient):
    token = alice.headers.pop("X-CSRF-Token")
    r = alice.put("/api/me/preferences", json={"theme": "dark"})
    assert r.status_code == 403
    alice.headers["X-CSRF-Token"] = token
    assert alice.get("/api/me/preferences").json() == {}
