"""Stories about drive.mount() at the mount points Colab allows, in real sandboxed runtimes.

The kernel runs unprivileged in its sandbox, Colab's as root: ``drive.mount('/gdrive')`` needs a
folder in the sandbox's root, which the hub's privileged mount helper makes for the runtime's
user. The test's WebSocket is the page that says yes to "Connect to Google Drive".
"""

from __future__ import annotations

from tests.live_hub import (
    SANDBOXED,
    BrowserLike,
    LiveHub,
    consent_to_drive,
    error_of,
    events_socket,
    execution_count,
    live_hub,
    live_person,
    notebook_with,
    put_file,
    ran_after,
    run,
    text_of,
    wait_for_cell,
)

live = live_hub("mountpoints", **SANDBOXED)


alice = live_person("alice")
bob = live_person("bob")


def run_one(live: LiveHub, person: BrowserLike, item_id: str, cell: str, *, consent: bool = False) -> dict:
    """Run one cell to its end, saying yes to the Drive consent when ``consent``."""
    before = execution_count(person, item_id, cell)
    with events_socket(live, person, item_id) as ws:
        run(person, item_id, [cell])
        if consent:
            assert consent_to_drive(ws)["request_type"] == "drive_mount"
        return wait_for_cell(person, item_id, cell, ran_after(before), timeout=180)


def test_alice_mounts_her_drive_at_gdrive_and_content_gdrive_remounts_and_unmounts(live: LiveHub,
                                                                                    alice: BrowserLike):
    put_file(alice, "alice-notes.txt", b"only alice's")
    item_id, cells = notebook_with(
        alice,
        "from google.colab import drive\ndrive.mount('/gdrive')",
        "import os\nopen('/gdrive/MyDrive/from-gdrive.txt', 'w').write('written at /gdrive')\n"
        "print(sorted(os.listdir('/gdrive')), os.stat('/gdrive').st_uid == os.getuid())\n"
        "print(open('/gdrive/My Drive/alice-notes.txt').read())",
        "from google.colab import drive\ndrive.mount('/gdrive')",
        "from google.colab import drive\ndrive.mount('/content/gdrive')\n"
        "import os\nprint('from-gdrive.txt' in os.listdir('/content/gdrive/MyDrive'))",
        "from google.colab import drive\ndrive.mount('/gdrive', force_remount=True)\n"
        "import os\nprint(os.path.exists('/gdrive/MyDrive/from-gdrive.txt'))",
        "!cat /gdrive/MyDrive/alice-notes.txt",
        "from google.colab import drive\ndrive.flush_and_unmount()\nimport os\n"
        "print(os.listdir('/gdrive'), os.path.exists('/content/gdrive/MyDrive/alice-notes.txt'))",
        "from google.colab import drive\ndrive.flush_and_unmount()",
        name="mount-points.ipynb",
    )
    assert text_of(run_one(live, alice, item_id, cells[0], consent=True)) == "Mounted at /gdrive\n"
    assert text_of(run_one(live, alice, item_id, cells[1])) == "['My Drive', 'MyDrive'] True\nonly alice's\n"
    # What the runtime wrote is in Alice's Drive, as the hub serves it.
    assert alice.get("/api/drive/content", params={"path": "from-gdrive.txt"}).content == b"written at /gdrive"
    assert text_of(run_one(live, alice, item_id, cells[2])) == (
        "Drive already mounted at /gdrive; to attempt to forcibly remount, "
        'call drive.mount("/gdrive", force_remount=True).\n')
    assert text_of(run_one(live, alice, item_id, cells[3], consent=True)) == "Mounted at /content/gdrive\nTrue\n"
    assert text_of(run_one(live, alice, item_id, cells[4], consent=True)) == "Mounted at /gdrive\nTrue\n"
    assert text_of(run_one(live, alice, item_id, cells[5])) == "only alice's"
    assert text_of(run_one(live, alice, item_id, cells[6])) == (
        "All changes made in this colab session should now be visible in Drive.\n[] False\n")
    assert text_of(run_one(live, alice, item_id, cells[7])) == "Drive not mounted, so nothing to flush and unmount.\n"


def test_mount_points_colab_refuses_fail_with_colabs_messages(live: LiveHub, alice: BrowserLike):
    item_id, cells = notebook_with(
        alice,
        "import os\nfrom google.colab import drive\n"
        "open('/content/a-file', 'w').write('x')\nos.symlink('/content/sample_data', '/content/a-link')\n"
        "for path in ['/content/my drive', '/no/such/folder/drive', '/content/sample_data', '/content/a-file',\n"
        "             '/content/a-link']:\n"
        "    try:\n        drive.mount(path)\n    except ValueError as e:\n        print(path, '->', e)",
        "from google.colab import drive\ndrive.mount('/no/such/folder/drive')",
        "from google.colab import drive\ndrive.mount('/usr/drive')",
        name="bad-mount-points.ipynb",
    )
    assert text_of(run_one(live, alice, item_id, cells[0])) == (
        "/content/my drive -> Mountpoint must not contain a space.\n"
        "/no/such/folder/drive -> Mountpoint must be in a directory that exists\n"
        "/content/sample_data -> Mountpoint must not already contain files\n"
        "/content/a-file -> Mountpoint must either be a directory or not exist\n"
        "/content/a-link -> Mountpoint must not be a symlink\n")
    error = error_of(run_one(live, alice, item_id, cells[1]))
    assert (error["ename"], error["evalue"]) == ("ValueError", "Mountpoint must be in a directory that exists")
    # /usr is the machine's, read-only in every runtime: even the hub cannot make a folder there.
    error = error_of(run_one(live, alice, item_id, cells[2], consent=True))
    assert error["ename"] == "ValueError" and error["evalue"].startswith("mount failed: /usr/drive cannot be made")
    assert "Read-only file system" in error["evalue"] and "/gdrive" in error["evalue"]


def test_bobs_drive_stays_unreachable_from_alices_gdrive(live: LiveHub, alice: BrowserLike, bob: BrowserLike):
    put_file(bob, "bob-secret.txt", b"bob's only")
    drive_root = str(live.hub.settings.drive_dir.resolve())
    item_id, cells = notebook_with(
        alice,
        "from google.colab import drive\ndrive.mount('/gdrive', readonly=True)",
        "import os, subprocess\n"
        "print(sorted(os.listdir('/gdrive/MyDrive/..')), os.path.realpath('/gdrive/MyDrive/../..'))\n"
        f"print(os.path.exists({drive_root!r}))\n"
        "found = subprocess.run(['find', '/gdrive/', '/content', '/tmp', '/root', '-name', 'bob-secret.txt'], capture_output=True, text=True)\n"
        "print(repr(found.stdout))\n"
        "try:\n    open('/gdrive/MyDrive/readonly.txt', 'w')\nexcept OSError as e:\n    print(e.errno)",
        # The kernel speaks the hub's protocol itself and asks for the Drive over /usr/bin, a folder
        # of root's that holds files: the hub refuses to hide it, and does not mount there.
        "import socket\nfrom google.colab import _message\n"
        "reply = _message.blocking_request('drive_mount', {'mountpoint': '/usr', 'readonly': False},"
        " timeout_sec=None)\n"
        "s = socket.socket(socket.AF_UNIX)\ns.connect(reply['socket'])\ns.sendall(b'/usr/bin\\n')\n"
        "answer = b''\nwhile chunk := s.recv(4096):\n    answer += chunk\n"
        "print(answer[:1], b'Directory not empty' in answer, 'python3' in os.listdir('/usr/bin'))",
        name="bob-unreachable.ipynb",
    )
    assert text_of(run_one(live, alice, item_id, cells[0], consent=True)) == "Mounted at /gdrive\n"
    assert text_of(run_one(live, alice, item_id, cells[1])) == "['My Drive', 'MyDrive'] /\nFalse\n''\n30\n"
    assert text_of(run_one(live, alice, item_id, cells[2], consent=True)) == "b'd' True True\n"
