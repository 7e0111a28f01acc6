"""Stories about the rest of what Colab notebooks touch, in real sandboxed runtimes: Google
sign-in (not here, and the error says what to do), runtime.unassign(), %%capture, autoreload,
!apt-get (explains why not and what instead), and !git clone / !wget / !curl from a server on the
runtime's own loopback (tests never reach an outside host).
"""

from __future__ import annotations

import time

from tests.live_hub import (
    SANDBOXED,
    BrowserLike,
    error_of,
    live_hub,
    live_person,
    notebook_with,
    run,
    run_one,
    text_of,
)

live = live_hub("misc", **SANDBOXED)


alice = live_person("alice")


def test_sign_in_capture_and_autoreload_behave_as_in_colab(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice,
        "from google.colab import auth\nauth.authenticate_user()",
        "%%capture captured\nprint('kept out of the output')\nimport sys\nprint('and this', file=sys.stderr)",
        "print(repr(captured.stdout), repr(captured.stderr))",
        "open('/content/helpers.py', 'w').write('def answer():\\n    return 1\\n')\n"
        "%load_ext autoreload\n%autoreload 2\nimport helpers\nprint(helpers.answer())",
        "open('/content/helpers.py', 'w').write('def answer():\\n    return 2  # edited\\n')",
        "print(helpers.answer())",
        name="misc.ipynb",
    )
    error = error_of(run_one(alice, item_id, cells[0]))
    # What Colab raises when sign-in fails, saying why here and what to do instead.
    assert error["ename"] == "AuthorizationError"
    assert "not available on nbcloud" in error["evalue"] and "userdata" in error["evalue"]
    assert run_one(alice, item_id, cells[1])["outputs"] == []
    assert text_of(run_one(alice, item_id, cells[2])) == "'kept out of the output\\n' 'and this\\n'\n"
    assert text_of(run_one(alice, item_id, cells[3])) == "1\n"
    run_one(alice, item_id, cells[4])
    assert text_of(run_one(alice, item_id, cells[5])) == "2\n"


def test_apt_get_install_says_why_not_and_what_to_do(alice: BrowserLike):
    item_id, (cell,) = notebook_with(
        alice, "!apt-get install -y cowsay\nimport subprocess\n"
               "print('status', subprocess.run(['apt-get', 'install', '-y', 'cowsay']).returncode)",
        name="apt.ipynb")
    out = text_of(run_one(alice, item_id, cell))
    assert "E: System packages cannot be installed in an nbcloud runtime" in out
    assert "!pip install NAME" in out and "ask your nbcloud administrator" in out
    assert "(You asked: apt-get install -y cowsay)" in out and "status 100" in out


def test_git_clone_wget_and_curl_reach_a_server_on_the_runtimes_own_loopback(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice,
        # A repository served over git's "dumb" HTTP protocol by a server in the runtime itself.
        "%%shell\nset -e\nmkdir -p /tmp/site && cd /tmp/site\n"
        "git init -q --initial-branch=main work && cd work\n"
        "echo 'print(\"from the clone\")' > hello.py\n"
        "git -c user.name=a -c user.email=a@example.invalid add hello.py\n"
        "git -c user.name=a -c user.email=a@example.invalid commit -q -m one\n"
        "cd .. && git clone -q --bare work repo.git && git -C repo.git update-server-info\n"
        "echo 'plain text' > note.txt\n"
        "(python3 -m http.server 8765 --bind 127.0.0.1 --directory /tmp/site > /tmp/site.log 2>&1 &)\n"
        "for i in $(seq 100); do curl -fs http://127.0.0.1:8765/note.txt > /dev/null && break; sleep 0.2; done\n"
        "echo serving",
        "!git clone -q http://127.0.0.1:8765/repo.git /content/cloned && python3 /content/cloned/hello.py",
        "!wget -q http://127.0.0.1:8765/note.txt -O /content/note.txt && cat /content/note.txt\n"
        "!curl -fsS http://127.0.0.1:8765/note.txt",
        "!curl -fsS http://127.0.0.1:8765/missing.txt; echo status $?",
        name="git-wget-curl.ipynb",
    )
    assert text_of(run_one(alice, item_id, cells[0])).endswith("serving\n")
    assert text_of(run_one(alice, item_id, cells[1])) == "from the clone\n"
    assert text_of(run_one(alice, item_id, cells[2])) == "plain text\nplain text\n"
    out = text_of(run_one(alice, item_id, cells[3]))
    assert "404" in out and "status 22" in out


def test_runtime_unassign_throws_the_runtime_away_and_the_next_run_gets_a_fresh_one(alice: BrowserLike):
    item_id, cells = notebook_with(
        alice,
        "import os\nkept = 'before'\nopen('/content/marker.txt', 'w').write('x')\nprint(os.getpid() > 0)",
        "from google.colab import runtime\nruntime.unassign()",
        "import os\nprint('kept' in globals(), os.path.exists('/content/marker.txt'))",
        name="unassign.ipynb",
    )
    assert text_of(run_one(alice, item_id, cells[0])) == "True\n"
    run(alice, item_id, cells[1:2])
    # The hub shuts the runtime down (its status has no runtime left to measure); a later run
    # starts a new one, without the old variables or files.
    deadline = time.monotonic() + 120
    while "usage" in alice.get(f"/api/notebooks/{item_id}/runtime").json():
        assert time.monotonic() < deadline, "runtime.unassign() left the runtime running"
        time.sleep(0.2)
    assert text_of(run_one(alice, item_id, cells[2])) == "False False\n"
