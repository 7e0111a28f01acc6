"""What document stories share: a notebook put straight into a person's Drive (as if saved
earlier), and the session cookie a page's sockets carry."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.drive_client import user_id

# A notebook as Jupyter writes it: nbformat 4.5, cell ids, a kernelspec.
JUPYTER_NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
        "language_info": {"name": "python", "version": "3.11.4", "mimetype": "text/x-python"},
    },
    "cells": [
        {
            "id": "cell-a",
            "cell_type": "code",
            "execution_count": None,
            "metadata": {"tags": ["setup"]},
            "outputs": [],
            "source": "print(1)",
        }
    ],
}


def session_cookie(client) -> str:
    return f"nbcloud_session={client.cookies['nbcloud_session']}"


def put_notebook(app, client, name: str, content: dict | bytes) -> tuple[str, Path]:
    """Put a file in the user's Drive (through DriveStore) and return its item id and path on disk."""
    drive = app.state.hub.drive
    uid = user_id(client)
    raw = content if isinstance(content, bytes) else json.dumps(content, indent=1).encode()
    drive.ensure_user_root(uid)
    item = drive.write_file(uid, f"Colab Notebooks/{name}", raw)
    return item.id, drive.user_root(uid) / "MyDrive" / "Colab Notebooks" / name


# The smallest notebook a room opens: one empty code cell.
NOTEBOOK: dict[str, Any] = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    "cells": [{"id": "c", "cell_type": "code", "source": "", "metadata": {}, "outputs": [], "execution_count": None}],
}


class Saves:
    """A room's save function that keeps what it was given, and when."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.contents: list[dict] = []

    async def __call__(self, _room, content) -> bool:
        self.times.append(time.monotonic())
        self.contents.append(content)
        return True
