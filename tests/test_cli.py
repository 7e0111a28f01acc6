"""Stories about the `nbcloud` command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nbcloud.cli import main
from tests.conftest import PASSWORD, csrf_client, sign_in


def test_an_admin_adds_lists_and_disables_users_from_the_command_line(tmp_path: Path, capsys, database_url):
    args = ["--data-dir", str(tmp_path / "data")] + (["--database-url", database_url] if database_url else [])
    assert main(["user", "add", "grace", "--admin", "--password", PASSWORD, *args]) == 0
    assert main(["user", "add", "linus", "--password", PASSWORD, *args]) == 0
    assert main(["user", "add", "linus", "--password", PASSWORD, *args]) == 1
    assert "taken" in capsys.readouterr().err
    assert main(["user", "list", *args]) == 0
    listing = capsys.readouterr().out
    assert "grace" in listing and "linus" in listing
    assert main(["user", "disable", "linus", *args]) == 0
    capsys.readouterr()
    assert main(["user", "list", *args]) == 0
    linus_line = next(line for line in capsys.readouterr().out.splitlines() if "linus" in line)
    assert "yes" in linus_line
    # Their Drive exists from the start, with the Colab Notebooks folder.
    drive_roots = list((tmp_path / "data" / "drive").iterdir())
    assert len(drive_roots) == 2
    assert all((root / "MyDrive" / "Colab Notebooks").is_dir() for root in drive_roots)


def test_a_user_added_on_the_command_line_can_sign_in(tmp_path: Path, make_settings):
    assert main(["user", "add", "ken", "--password", PASSWORD, "--data-dir", str(tmp_path / "data")]) == 0
    from nbcloud.hub.app import create_app

    app = create_app(make_settings())
    client = sign_in(csrf_client(app), "ken")
    assert client.get("/api/auth/state").json()["user"]["username"] == "ken"


def test_the_password_can_come_from_standard_input(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "nbcloud.cli", "user", "add", "ada", "--data-dir", str(tmp_path / "data")],
        input=PASSWORD + "\n", capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Added user ada" in result.stdout
