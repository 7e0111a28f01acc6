"""Stories about a person's Drive: folders, renames, moves, the Trash, sorting, usage."""

from __future__ import annotations

import os

from starlette.testclient import TestClient

from tests.drive_client import mydrive, upload


def names(client: TestClient, path: str = "", **params) -> list[str]:
    r = client.get("/api/drive/list", params={"path": path, **params})
    assert r.status_code == 200, r.text
    return [i["name"] for i in r.json()["items"]]


def folder(client: TestClient, parent: str, name: str) -> dict:
    r = client.post("/api/drive/folders", json={"parent": parent, "name": name})
    assert r.status_code == 201, r.text
    return r.json()


def test_a_new_drive_has_colab_notebooks_and_nothing_used(alice: TestClient):
    r = alice.get("/api/drive/list")
    body = r.json()
    assert body["path"] == "" and body["breadcrumbs"] == [{"name": "My Drive", "path": ""}]
    [nb] = body["items"]
    assert nb["name"] == "Colab Notebooks" and nb["path"] == "Colab Notebooks" and nb["is_folder"]
    assert nb["mime"] == "inode/directory" and nb["size"] == 0 and nb["modified"]
    assert alice.get(f"/api/drive/items/{nb['id']}").json() == nb
    # Ids are stable: listing again gives the same one.
    assert alice.get("/api/drive/list").json()["items"][0]["id"] == nb["id"]
    assert alice.get("/api/drive/usage").json() == {"used_bytes": 0, "quota_bytes": 100 * 1024 * 1024}
    assert alice.get("/api/drive/list?path=Colab Notebooks").json()["items"] == []


def test_folders_are_created_renamed_and_moved_and_ids_follow(alice: TestClient):
    projects = folder(alice, "", "Projects")
    data = folder(alice, "Projects", "Data")
    assert data["path"] == "Projects/Data"
    f = upload(alice, "table.csv", b"a,b\n1,2\n", parent="Projects/Data")
    r = alice.post("/api/drive/folders", json={"parent": "", "name": "Projects"})
    assert r.status_code == 409 and r.json()["code"] == "name_taken"
    assert r.json()["detail"].startswith("A file or folder named 'Projects' already exists here.")

    r = alice.patch(f"/api/drive/items/{projects['id']}", json={"name": "Work"})
    assert r.status_code == 200 and r.json()["path"] == "Work" and r.json()["id"] == projects["id"]
    # Everything inside follows, with the same ids.
    assert alice.get(f"/api/drive/items/{f['id']}").json()["path"] == "Work/Data/table.csv"
    assert alice.get(f"/api/drive/items/{data['id']}").json()["path"] == "Work/Data"

    # Move Data to the top, and the file into Colab Notebooks with a new name in one go.
    r = alice.patch(f"/api/drive/items/{data['id']}", json={"parent": ""})
    assert r.json()["path"] == "Data"
    r = alice.patch(f"/api/drive/items/{f['id']}", json={"parent": "Colab Notebooks", "name": "t.csv"})
    assert r.json()["path"] == "Colab Notebooks/t.csv" and r.json()["mime"] == "text/csv"
    assert alice.get("/api/drive/content?path=Colab Notebooks/t.csv").content == b"a,b\n1,2\n"
    assert names(alice) == ["Colab Notebooks", "Data", "Work"]
    assert names(alice, "Data") == []

    # Renaming onto an existing name is refused and changes nothing.
    r = alice.patch(f"/api/drive/items/{data['id']}", json={"name": "Work"})
    assert r.status_code == 409 and r.json()["code"] == "name_taken"
    assert names(alice) == ["Colab Notebooks", "Data", "Work"]

    # A folder cannot go into itself or below itself.
    inner = folder(alice, "Data", "Inner")
    r = alice.patch(f"/api/drive/items/{data['id']}", json={"parent": "Data"})
    assert r.status_code == 422 and r.json()["code"] == "bad_move"
    r = alice.patch(f"/api/drive/items/{data['id']}", json={"parent": "Data/Inner"})
    assert r.status_code == 422 and r.json()["code"] == "bad_move"
    # Moving into a folder that does not exist, or into a file, is explained.
    r = alice.patch(f"/api/drive/items/{inner['id']}", json={"parent": "Nope"})
    assert r.status_code == 404 and "Nope" in r.json()["detail"]
    r = alice.patch(f"/api/drive/items/{inner['id']}", json={"parent": "Colab Notebooks/t.csv"})
    assert r.status_code == 422 and r.json()["code"] == "not_a_folder"
    # Renaming to the same name is a no-op.
    assert alice.patch(f"/api/drive/items/{inner['id']}", json={"name": "Inner"}).json()["path"] == "Data/Inner"


def test_delete_goes_to_trash_and_restore_brings_it_back(alice: TestClient):
    folder(alice, "", "Reports")
    f = upload(alice, "q1.pdf", b"%PDF-1.4 q1", parent="Reports")
    r = alice.delete(f"/api/drive/items/{f['id']}")
    assert r.status_code == 200
    trashed = r.json()
    assert trashed["id"] == f["id"] and trashed["trashed_at"] and trashed["original_path"] == "Reports/q1.pdf"
    assert names(alice, "Reports") == []
    assert [i["id"] for i in alice.get("/api/drive/trash").json()["items"]] == [f["id"]]
    # Trashed files still count towards the quota, and can be read.
    assert alice.get("/api/drive/usage").json()["used_bytes"] == len(b"%PDF-1.4 q1")
    assert alice.get(f"/api/drive/items/{f['id']}/content").content == b"%PDF-1.4 q1"
    # It cannot be renamed while in the Trash.
    assert alice.patch(f"/api/drive/items/{f['id']}", json={"name": "x.pdf"}).status_code == 404

    # Meanwhile a new q1.pdf appears; restoring picks "q1 (1).pdf".
    upload(alice, "q1.pdf", b"new", parent="Reports")
    r = alice.post(f"/api/drive/trash/{f['id']}/restore")
    assert r.status_code == 200
    back = r.json()
    assert back["id"] == f["id"] and back["path"] == "Reports/q1 (1).pdf" and back["trashed_at"] is None
    assert names(alice, "Reports") == ["q1 (1).pdf", "q1.pdf"]
    assert alice.get("/api/drive/trash").json()["items"] == []
    # Restoring something not in the Trash is a clear 404.
    r = alice.post(f"/api/drive/trash/{f['id']}/restore")
    assert r.status_code == 404 and r.json()["code"] == "not_in_trash"


def test_restoring_into_a_deleted_folder_recreates_it(alice: TestClient):
    reports = folder(alice, "", "Reports")
    folder(alice, "Reports", "2024")
    f = upload(alice, "jan.txt", b"jan", parent="Reports/2024")
    alice.delete(f"/api/drive/items/{f['id']}")
    alice.delete(f"/api/drive/items/{reports['id']}")
    alice.delete("/api/drive/trash/" + reports["id"])
    r = alice.post(f"/api/drive/trash/{f['id']}/restore")
    assert r.status_code == 200 and r.json()["path"] == "Reports/2024/jan.txt"
    assert alice.get("/api/drive/content?path=Reports/2024/jan.txt").content == b"jan"


def test_a_trashed_folder_keeps_its_contents_and_ids(alice: TestClient):
    proj = folder(alice, "", "Proj")
    f = upload(alice, "main.py", b"print(1)\n", parent="Proj")
    alice.delete(f"/api/drive/items/{proj['id']}")
    assert names(alice) == ["Colab Notebooks"]
    # Only the folder itself is listed in the Trash; what is inside is not addressable.
    assert [i["name"] for i in alice.get("/api/drive/trash").json()["items"]] == ["Proj"]
    assert alice.get(f"/api/drive/items/{f['id']}").status_code == 404
    alice.post(f"/api/drive/trash/{proj['id']}/restore")
    assert alice.get(f"/api/drive/items/{f['id']}").json()["path"] == "Proj/main.py"


def test_deleting_for_good_and_emptying_the_trash_free_the_quota(alice: TestClient, app):
    a = upload(alice, "a.bin", os.urandom(300_000))
    b = upload(alice, "b.bin", os.urandom(200_000))
    c = upload(alice, "c.bin", os.urandom(100_000))
    for item in (a, b, c):
        alice.delete(f"/api/drive/items/{item['id']}")
    assert alice.get("/api/drive/usage").json()["used_bytes"] == 600_000
    assert alice.delete(f"/api/drive/trash/{a['id']}").status_code == 204
    assert alice.get("/api/drive/usage").json()["used_bytes"] == 300_000
    assert alice.get(f"/api/drive/items/{a['id']}").status_code == 404
    assert alice.delete("/api/drive/trash").status_code == 204
    assert alice.get("/api/drive/usage").json()["used_bytes"] == 0
    assert alice.get("/api/drive/trash").json()["items"] == []
    trash_dir = mydrive(app, alice).parent / "Trash"
    assert list(trash_dir.iterdir()) == []


def test_sorting_puts_folders_first_and_orders_names_naturally(alice: TestClient, app):
    upload(alice, "file10.txt", b"x" * 10)
    upload(alice, "File2.txt", b"x" * 300)
    upload(alice, "file1.txt", b"x" * 20)
    folder(alice, "", "zeta")
    folder(alice, "", "Alpha")
    base = mydrive(app, alice)
    for i, name in enumerate(["file1.txt", "File2.txt", "file10.txt"]):
        os.utime(base / name, (1_700_000_000 + i * 100, 1_700_000_000 + i * 100))
    folders = ["Alpha", "Colab Notebooks", "zeta"]
    assert names(alice) == folders + ["file1.txt", "File2.txt", "file10.txt"]
    assert names(alice, order="desc") == folders[::-1] + ["file10.txt", "File2.txt", "file1.txt"]
    assert names(alice, sort="size")[3:] == ["file10.txt", "file1.txt", "File2.txt"]
    assert names(alice, sort="size", order="desc")[3:] == ["File2.txt", "file1.txt", "file10.txt"]
    assert names(alice, sort="modified", order="desc")[3:] == ["file10.txt", "File2.txt", "file1.txt"]
    assert alice.get("/api/drive/list?sort=colour").status_code == 422


def test_breadcrumbs_lead_back_to_my_drive(alice: TestClient):
    folder(alice, "Colab Notebooks", "course")
    folder(alice, "Colab Notebooks/course", "week 1")
    body = alice.get("/api/drive/list", params={"path": "Colab Notebooks/course/week 1"}).json()
    assert body["path"] == "Colab Notebooks/course/week 1"
    assert body["breadcrumbs"] == [
        {"name": "My Drive", "path": ""},
        {"name": "Colab Notebooks", "path": "Colab Notebooks"},
        {"name": "course", "path": "Colab Notebooks/course"},
        {"name": "week 1", "path": "Colab Notebooks/course/week 1"},
    ]
    r = alice.get("/api/drive/list", params={"path": "Colab Notebooks/nowhere"})
    assert r.status_code == 404 and "Colab Notebooks/nowhere" in r.json()["detail"]


def test_what_a_runtime_writes_on_disk_shows_up_and_vanishes(alice: TestClient, app):
    base = mydrive(app, alice)
    (base / "Colab Notebooks" / "out.txt").write_text("from the runtime")
    (base / "results").mkdir()
    items = {i["name"]: i for i in alice.get("/api/drive/list?path=Colab Notebooks").json()["items"]}
    out = items["out.txt"]
    assert out["size"] == len("from the runtime") and out["mime"] == "text/plain"
    assert "results" in names(alice)
    # The item found by path has the same id as the listed one.
    assert alice.get("/api/drive/item", params={"path": "Colab Notebooks/out.txt"}).json()["id"] == out["id"]
    (base / "Colab Notebooks" / "out.txt").unlink()
    assert names(alice, "Colab Notebooks") == []
    assert alice.get(f"/api/drive/items/{out['id']}").status_code == 404
    # A file the runtime replaced with a folder of the same name gets a fresh folder item.
    (base / "Colab Notebooks" / "x").write_text("1")
    first = alice.get("/api/drive/list?path=Colab Notebooks").json()["items"][0]
    (base / "Colab Notebooks" / "x").unlink()
    (base / "Colab Notebooks" / "x").mkdir()
    second = alice.get("/api/drive/list?path=Colab Notebooks").json()["items"][0]
    assert second["is_folder"] and second["id"] != first["id"]


def test_the_hub_writes_notebooks_atomically_through_the_store(alice: TestClient, app):
    store = app.state.hub.drive
    uid = alice.get("/api/auth/state").json()["user"]["id"]
    item = store.write_file(uid, "Colab Notebooks/Untitled0.ipynb", b'{"cells": []}')
    assert item.mime == "application/x-ipynb+json" and item.size == 13
    again = store.write_file(uid, "Colab Notebooks/Untitled0.ipynb", b'{"cells": [1]}')
    assert again.id == item.id
    assert store.read_file(uid, "Colab Notebooks/Untitled0.ipynb") == b'{"cells": [1]}'
    leftovers = [p.name for p in (mydrive(app, alice) / "Colab Notebooks").iterdir()]
    assert leftovers == ["Untitled0.ipynb"]
    assert alice.get("/api/admin/users").status_code == 403  # alice is no admin; usage is hers only


def test_an_admin_sees_each_users_usage(admin: TestClient, alice: TestClient):
    upload(alice, "a.bin", b"x" * 1234)
    users = {u["username"]: u for u in admin.get("/api/admin/users").json()}
    assert users["alice"]["used_bytes"] == 1234
