"""A person's Drive as the rest of the hub uses it: the tree, its Trash and its uploads.

Layout: ``drive_dir/<user id>/MyDrive/...`` and ``drive_dir/<user id>/Trash/<item id>/<name>``.
The Trash (``trash``) and resumable uploads (``uploads``) work on the tree (``tree``) and never
on this class, so the modules depend one way: store -> trash, uploads -> tree.
"""

from __future__ import annotations

from nbcloud.config import Settings
from nbcloud.hub.db import Database
from nbcloud.hub.drive.leftovers import remove_stale_temp_files
from nbcloud.hub.drive.trash import TrashBin
from nbcloud.hub.drive.tree import DriveTree
from nbcloud.hub.drive.uploads import UploadManager


class DriveStore(DriveTree):
    def __init__(self, settings: Settings, db: Database) -> None:
        super().__init__(settings, db)
        self.trash = TrashBin(self)
        self.uploads = UploadManager(self)
        remove_stale_temp_files(settings.drive_dir)  # of a hub killed mid-write
