"""Stories about secrets (Colab's Secrets panel): each person's own, granted per notebook."""

from __future__ import annotations


def new_notebook(client) -> str:
    r = client.post("/api/notebooks", json={})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_a_person_keeps_secrets_of_their_own(alice, bob):
    r = alice.post("/api/secrets", json={"name": "HF_TOKEN", "value": "hf_1"})
    assert r.status_code == 201 and r.json()["notebooks"] == []
    assert alice.post("/api/secrets", json={"name": "HF_TOKEN", "value": "again"}).status_code == 409
    assert alice.put("/api/secrets/HF_TOKEN", json={"value": "hf_2"}).json()["value"] == "hf_2"
    assert [s["name"] for s in alice.get("/api/secrets").json()] == ["HF_TOKEN"]
    assert bob.get("/api/secrets").json() == []
    assert bob.get("/api/secrets/HF_TOKEN").status_code == 404
    assert bob.delete("/api/secrets/HF_TOKEN").status_code == 404
    assert alice.delete("/api/secrets/HF_TOKEN").status_code == 204
    assert alice.get("/api/secrets").json() == []


def test_a_secret_name_must_be_an_identifier(alice):
    r = alice.post("/api/secrets", json={"name": "my token", "value": "x"})
    assert r.status_code == 422 and r.json()["code"] == "bad_secret_name"
    assert "Pick another name" in r.json()["detail"]


def test_only_your_own_notebooks_can_be_granted(alice, bob):
    mine, theirs = new_notebook(alice), new_notebook(bob)
    alice.post("/api/secrets", json={"name": "KEY", "value": "v"})
    assert alice.put(f"/api/secrets/KEY/grants/{theirs}").status_code == 404
    assert alice.put(f"/api/secrets/KEY/grants/{mine}").json()["notebooks"] == [mine]
    assert alice.put(f"/api/secrets/KEY/grants/{mine}").json()["notebooks"] == [mine]  # idempotent
    assert alice.delete(f"/api/secrets/KEY/grants/{mine}").json()["notebooks"] == []


def test_secrets_need_a_signed_in_person(anonymous):
    assert anonymous.get("/api/secrets").status_code == 401
