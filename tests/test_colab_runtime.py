"""Stories about Colab code in nbcloud runtimes: the hub runs the cells, this test plays the page.

A real hub with real sandboxed kernels; the test's WebSocket on /api/notebooks/{id}/events is
the browser of the person who ran the cell, answering Colab requests as the page would.
"""

from __future__ import annotations

import base64
import json
import time

from tests.live_hub import (
    SANDBOXED,
    BrowserLike,
    consent_to_drive,
    error_of,
    events_socket,
    finished,
    html_of,
    live_hub,
    live_person,
    next_event,
    notebook_with,
    outputs_after_run,
    put_file,
    run,
    text_of,
    wait_for_cell,
)

live = live_hub("colab", **SANDBOXED)


alice = live_person("alice")
bob = live_person("bob")


def test_a_new_runtime_looks_like_colab(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice,
        "import os\nprint(os.getcwd(), os.environ['COLAB_RELEASE_TAG'] != '', 'COLAB_GPU' in os.environ)",
        "import os, csv\nprint(sorted(os.listdir('/content/sample_data')))\n"
        "rows = list(csv.DictReader(open('/content/sample_data/california_housing_train.csv')))\n"
        "print(len(rows) > 10, 'median_house_value' in rows[0])",
        "%tensorflow_version 2.x",
        "%%shell\necho from bash $((6*7))\nls /content/sample_data | wc -l",
        "import google.colab, google\nprint(google.colab.__name__, len(list(google.__path__)) >= 1)",
        name="colab-env.ipynb",
    )
    run(alice, item_id, cells)
    assert text_of(outputs_after_run(alice, item_id, cells[0])) == "/content True False\n"
    listing = text_of(outputs_after_run(alice, item_id, cells[1]))
    for name in ("README.md", "anscombe.json", "california_housing_test.csv", "california_housing_train.csv",
                 "mnist_test.csv", "mnist_train_small.csv"):
        assert name in listing
    assert "True True" in listing
    assert "Colab only includes TensorFlow 2.x" in text_of(outputs_after_run(alice, item_id, cells[2]))
    assert text_of(outputs_after_run(alice, item_id, cells[3])) == "from bash 42\n6\n"
    assert text_of(outputs_after_run(alice, item_id, cells[4])) == "google.colab True\n"


def test_eval_js_returns_what_the_page_answers(live, alice: BrowserLike):
    item_id, (cell,) = notebook_with(
        alice, "from google.colab import output\nprint('page says', output.eval_js('6 * 7') + 1)", name="js.ipynb")
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, [cell])
        event = next_event(ws, "colab_request")
        assert event["cell_id"] == cell and event["request_type"] == "cell_javascript_eval"
        assert event["request"] == {"script": "6 * 7"}
        ws.send(json.dumps({"type": "colab_reply", "request_id": event["request_id"], "reply": 42}))
        assert next_event(ws, "colab_request_done")["request_id"] == event["request_id"]
    assert text_of(outputs_after_run(alice, item_id, cell)) == "page says 43\n"


def test_a_reply_from_another_user_is_ignored(live, alice: BrowserLike, bob: BrowserLike):
    item_id, (cell,) = notebook_with(
        alice, "from google.colab import output\nprint(output.eval_js('whoami'))", name="js-other.ipynb")
    bob_id = bob.get("/api/auth/state").json()["user"]["id"]
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, [cell])
        event = next_event(ws, "colab_request")
        session = live.hub.execution._sessions[item_id]
        forged = {"type": "colab_reply", "request_id": event["request_id"], "reply": "bob"}

        async def bob_answers() -> bool:
            return session.answer_colab(bob_id, forged)

        assert live.call(bob_answers(), timeout=10) is False
        time.sleep(0.5)
        assert not wait_for_cell(alice, item_id, cell, lambda c: True)["outputs"]
        ws.send(json.dumps({"type": "colab_reply", "request_id": event["request_id"], "reply": "alice"}))
    assert text_of(outputs_after_run(alice, item_id, cell)) == "alice\n"


def test_a_page_error_raises_in_the_cell(live, alice: BrowserLike):
    item_id, (cell,) = notebook_with(alice, "from google.colab import output\noutput.eval_js('boom()')", name="js-err.ipynb")
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, [cell])
        event = next_event(ws, "colab_request")
        ws.send(json.dumps({"type": "colab_reply", "request_id": event["request_id"], "error": "ReferenceError: boom"}))
    error = error_of(outputs_after_run(alice, item_id, cell))
    assert error["ename"] == "MessageError" and "ReferenceError: boom" in error["evalue"]


def test_userdata_reads_a_secret_only_with_the_notebooks_grant(alice: BrowserLike, bob: BrowserLike):
    item_id, cells = notebook_with(
        alice,
        "from google.colab import userdata\nprint(userdata.get('HF_TOKEN'))",
        "from google.colab import userdata\nuserdata.get('NO_SUCH_SECRET')",
        name="secrets.ipynb",
    )
    created = alice.post("/api/secrets", json={"name": "HF_TOKEN", "value": "hf_alice_123"})
    assert created.status_code == 201, created.text
    assert bob.get("/api/secrets").json() == []
    run(alice, item_id, cells[:1])
    error = error_of(outputs_after_run(alice, item_id, cells[0]))
    assert error["ename"] == "NotebookAccessError" and "HF_TOKEN" in error["evalue"]

    assert bob.put(f"/api/secrets/HF_TOKEN/grants/{item_id}").status_code == 404  # not bob's secret
    granted = alice.put(f"/api/secrets/HF_TOKEN/grants/{item_id}")
    assert granted.status_code == 200 and granted.json()["notebooks"] == [item_id]
    run(alice, item_id, cells[:1])
    assert text_of(wait_for_cell(alice, item_id, cells[0], lambda c: "hf_alice" in text_of(c), timeout=120)) == "hf_alice_123\n"
    run(alice, item_id, cells[1:])
    assert error_of(outputs_after_run(alice, item_id, cells[1]))["ename"] == "SecretNotFoundError"

    assert alice.delete(f"/api/secrets/HF_TOKEN/grants/{item_id}").json()["notebooks"] == []
    run(alice, item_id, cells[:1])
    assert error_of(wait_for_cell(alice, item_id, cells[0], lambda c: finished(c) and c["outputs"] and
                                  c["outputs"][0]["output_type"] == "error", timeout=120))["ename"] == "NotebookAccessError"


def test_drive_mount_needs_consent_then_shows_the_users_drive(live, alice: BrowserLike):
    put_file(alice, "alice-notes.txt", b"only alice's")
    drive_root = str(live.hub.settings.drive_dir.resolve())
    item_id, cells = notebook_with(
        alice,
        f"import os\nprint(os.path.exists('/content/drive'), os.path.exists({drive_root!r}))",
        "from google.colab import drive\ndrive.mount('/content/drive')",
        "import os\nprint(sorted(os.listdir('/content/drive/MyDrive')))\n"
        "print(sorted(os.listdir('/content/drive/MyDrive/..')), os.path.realpath('/content/drive/MyDrive/../..'))\n"
        "open('/content/drive/MyDrive/from-runtime.txt', 'w').write('saved in the runtime')",
        "!cat /content/drive/MyDrive/alice-notes.txt",
        "%cd /content/drive/MyDrive\nimport os\nprint(os.getcwd(), ' /content/drive/MyDrive ' in open('/proc/self/mountinfo').read())\n%cd /content\n"
        "from google.colab import drive\ndrive.flush_and_unmount()\n"
        "print(sorted(os.listdir('/content/drive')), os.path.exists('/content/drive/MyDrive/alice-notes.txt'))",
        name="drive.ipynb",
    )
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, cells[:2])
        assert text_of(outputs_after_run(alice, item_id, cells[0])) == "False False\n"
        consent = next_event(ws, "colab_request")
        assert consent["request_type"] == "drive_mount" and consent["request"]["mountpoint"] == "/content/drive"
        ws.send(json.dumps({"type": "colab_reply", "request_id": consent["request_id"], "reply": {"consent": False}}))
        refused = error_of(outputs_after_run(alice, item_id, cells[1]))
        assert "Drive access was not allowed" in refused["evalue"]
        run(alice, item_id, cells[:1])
        assert text_of(wait_for_cell(alice, item_id, cells[0], lambda c: finished(c) and c["outputs"])) == "False False\n"

        run(alice, item_id, cells[1:2])
        consent_to_drive(ws)
        assert "Mounted at /content/drive" in text_of(
            wait_for_cell(alice, item_id, cells[1], lambda c: finished(c) and "Mounted" in text_of(c), timeout=120))
    run(alice, item_id, cells[2:4])
    listing = text_of(outputs_after_run(alice, item_id, cells[2]))
    assert "'alice-notes.txt'" in listing and "'Colab Notebooks'" in listing
    # The Drive is mounted inside this runtime only: '..' is the runtime's own /content/drive
    # (MyDrive and its 2019 name, "My Drive"), never the folder of everyone's Drives.
    assert listing.splitlines()[1] == "['My Drive', 'MyDrive'] /content"
    assert text_of(outputs_after_run(alice, item_id, cells[3])) == "only alice's"
    names = [i["name"] for i in alice.get("/api/drive/list").json()["items"]]
    assert "from-runtime.txt" in names
    assert alice.get("/api/drive/content", params={"path": "from-runtime.txt"}).content == b"saved in the runtime"

    # %cd into the Drive works (a real folder of the runtime); flush_and_unmount takes it away.
    run(alice, item_id, cells[4:])
    assert text_of(outputs_after_run(alice, item_id, cells[4])) == (
        "/content/drive/MyDrive\n/content/drive/MyDrive True\n/content\n"
        "All changes made in this colab session should now be visible in Drive.\n[] False\n")
    with events_socket(live, alice, item_id) as ws:  # and mount brings it back, after consent
        run(alice, item_id, cells[1:2])
        consent_to_drive(ws)
        assert text_of(wait_for_cell(alice, item_id, cells[1], lambda c: finished(c) and c["execution_count"] > 2
                                     and "Mounted" in text_of(c), timeout=120)) == "Mounted at /content/drive\n"

    # A restart is a new sandbox: the Drive is gone, and mounting again works.
    assert alice.post(f"/api/notebooks/{item_id}/restart").status_code == 204
    run(alice, item_id, cells[:1])
    assert text_of(wait_for_cell(alice, item_id, cells[0], lambda c: finished(c) and c["execution_count"] == 1,
                                 timeout=120)) == "True False\n"
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, cells[1:3])
        consent_to_drive(ws)
        listing = text_of(wait_for_cell(alice, item_id, cells[2], lambda c: finished(c) and c["execution_count"] == 3,
                                        timeout=120))
    assert "'alice-notes.txt'" in listing and "['My Drive', 'MyDrive'] /content" in listing


def test_files_upload_saves_what_the_page_sends(live, alice: BrowserLike):
    item_id, (cell,) = notebook_with(
        alice, "from google.colab import files\nup = files.upload()\nprint({k: len(v) for k, v in up.items()})\n"
               "print(open('/content/data.csv').read())", name="upload.ipynb")
    with events_socket(live, alice, item_id) as ws:
        run(alice, item_id, [cell])
        event = next_event(ws, "colab_request")
        assert event["request_type"] == "files_upload"
        payload = base64.b64encode(b"a,b\n1,2\n").decode()
        ws.send(json.dumps({"type": "colab_reply", "request_id": event["request_id"],
                            "reply": {"files": [{"name": "../data.csv", "data": payload}]}}))
    out = text_of(outputs_after_run(alice, item_id, cell))
    assert "Saving data.csv to data.csv" in out and "{'data.csv': 8}" in out and "a,b\n1,2" in out


def test_grid_tabbar_and_tags_render_into_outputs(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice,
        "from google.colab import widgets\ngrid = widgets.Grid(2, 2)\n"
        "for row, col in grid:\n    print(f'cell {row}{col}')\n",
        "from google.colab import widgets\ntb = widgets.TabBar(['first', 'second'])\n"
        "with tb.output_to('second'):\n    print('in the second tab')\n",
        "from google.colab import output\nwith output.use_tags('noise'):\n    print('temporary')\n"
        "print('kept')\noutput.clear(output_tags='noise')",
        "from google.colab import data_table\ndata_table.DataTable({'city': ['Oslo', 'Lima'], 'people': [709000, 9751000]})",
        name="widgets.ipynb",
    )
    run(alice, item_id, cells)
    grid = outputs_after_run(alice, item_id, cells[0])
    assert len(grid["outputs"]) == 1  # one display, redrawn in place
    assert all(f"cell {r}{c}" in html_of(grid) for r in range(2) for c in range(2))
    tabs = html_of(outputs_after_run(alice, item_id, cells[1]))
    assert 'role="tab"' in tabs and "second" in tabs and "in the second tab" in tabs
    assert text_of(outputs_after_run(alice, item_id, cells[2])) == "kept\n"
    table = html_of(outputs_after_run(alice, item_id, cells[3]))
    assert "Oslo" in table and 'aria-label="Filter rows"' in table and "<script>" in table


def test_auth_says_google_sign_in_is_not_available(alice: BrowserLike):
    item_id, (cell,) = notebook_with(alice, "from google.colab import auth\nauth.authenticate_user()", name="auth.ipynb")
    run(alice, item_id, [cell])
    error = error_of(outputs_after_run(alice, item_id, cell))
    assert error["ename"] == "AuthorizationError" and "not available on nbcloud" in error["evalue"]
