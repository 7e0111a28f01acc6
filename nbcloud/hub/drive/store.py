"""PLACEHOLDER: replaced by the drive implementation."""

from __future__ import annotations

import os

from nbcloud.config import Settings
from nbcloud.hub.db import Database


class DriveStore:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db

    def user_root(self, user_id: int):
        return self.settings.drive_dir / str(user_id)

    def ensure_user_root(self, user_id: int) -> None:
        (self.user_root(user_id) / "MyDrive" / "Colab Notebooks").mkdir(parents=True, exist_ok=True)
        (self.user_root(user_id) / "Trash").mkdir(parents=True, exist_ok=True)

    def used_bytes(self, user_id: int) -> int:
        total = 0
        for dirpath, _dirs, files in os.walk(self.user_root(user_id)):
            for f in files:
                total += os.lstat(os.path.join(dirpath, f)).st_size
        return total
