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


def test_the_database_holds_secrets_sealed_and_the_key_stays_with_the_hub(alice, app, settings):
    from sqlalchemy import select

    from nbcloud.hub.secrets.models import Secret

    assert alice.post("/api/secrets", json={"name": "OPENAI_KEY", "value": "sk-very-secret"}).status_code == 201
    with app.state.hub.db.session() as db:
        stored = db.scalar(select(Secret.value).where(Secret.name == "OPENAI_KEY"))
    assert "sk-very-secret" not in stored and stored.startswith("fernet:")
    key_file = settings.data_dir / "secret.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert alice.get("/api/secrets/OPENAI_KEY").json()["value"] == "sk-very-secret"


def test_a_secret_sealed_with_another_key_says_to_set_it_again(alice, app):
    from cryptography.fernet import Fernet

    from nbcloud.hub.secrets.sealing import SecretSealer

    assert alice.post("/api/secrets", json={"name": "OLD", "value": "v1"}).status_code == 201
    app.state.hub.secrets.sealer = SecretSealer(Fernet.generate_key())  # the hub's key was changed
    r = alice.get("/api/secrets/OLD")
    assert r.status_code == 409 and "Set its value again" in r.json()["detail"]
    assert alice.get("/api/secrets").json()[0]["value"] == ""  # the panel still lists it
    assert alice.put("/api/secrets/OLD", json={"value": "v2"}).json()["value"] == "v2"
