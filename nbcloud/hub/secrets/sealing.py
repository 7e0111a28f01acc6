"""Secrets are sealed at rest: the database (and its backups, or a PostgreSQL server elsewhere)
holds only Fernet tokens (AES-128-CBC with HMAC-SHA256, from `cryptography`); the key stays with
the hub: ``NBCLOUD_SECRET_KEY``, or a key file ``secret.key`` in the data folder that the hub
makes (mode 0600) on its first start."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from nbcloud.config import Settings
from nbcloud.hub.errors import Conflict

SEALED_PREFIX = "fernet:"
KEY_FILE = "secret.key"


def _key_from_file(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    key = Fernet.generate_key()
    try:
        os.write(fd, key + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    return key


class SecretSealer:
    def __init__(self, key: bytes) -> None:
        try:
            self._fernet = Fernet(key)
        except ValueError:
            raise ValueError(
                "The secrets key is not a Fernet key (32 url-safe base64-encoded bytes). Make one with: "
                "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            ) from None

    @classmethod
    def for_settings(cls, settings: Settings) -> SecretSealer:
        if settings.secret_key:
            return cls(settings.secret_key.encode())
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(_key_from_file(settings.data_dir / KEY_FILE))

    def seal(self, value: str) -> str:
        return SEALED_PREFIX + self._fernet.encrypt(value.encode()).decode()

    def unseal(self, stored: str) -> str:
        if not stored.startswith(SEALED_PREFIX):
            return stored  # kept before secrets were sealed; sealed when next changed
        try:
            return self._fernet.decrypt(stored[len(SEALED_PREFIX):].encode()).decode()
        except InvalidToken:
            raise Conflict(
                "This secret was sealed with another key (the hub's secret key changed). Set its value again.",
                code="secret_unreadable",
            ) from None
