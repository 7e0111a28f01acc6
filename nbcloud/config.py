"""One settings object, read from environment variables and an optional TOML file.

Every setting has an environment variable ``NBCLOUD_<NAME>`` and a key of the same
name (lower case) in the file named by ``NBCLOUD_CONFIG``. The environment wins.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

SignupMode = Literal["closed", "open"]

GiB = 1024**3


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8000
    # Empty means the embedded SQLite file inside data_dir.
    database_url: str = ""
    # "closed": only the admin adds people; "open": anyone may create an account.
    signup: SignupMode = "closed"
    default_quota_bytes: int = 15 * GiB
    # Largest single file an upload may create.
    max_upload_bytes: int = 50 * GiB
    session_days: int = 14
    # Login attempts allowed per client and per account inside login_window_seconds.
    login_attempts: int = 10
    login_window_seconds: int = 300
    # Unfinished uploads older than this are thrown away.
    upload_expiry_hours: int = 24
    # Origins (scheme://host:port) allowed on WebSockets besides the hub's own.
    allowed_origins: tuple[str, ...] = ()
    secure_cookies: bool = False
    # Runtimes
    # Fernet key that seals secrets at rest; empty: a key file made in data_dir on first start.
    secret_key: str = ""
    # Where runtimes run: "local" (sandboxed kernels on this machine). Tests use a fake.
    runtime_backend: str = "local"
    runtime_pool_size: int = 1
    runtime_memory_bytes: int = 4 * GiB
    runtime_max_processes: int = 512
    runtime_idle_timeout_seconds: int = 3600
    runtime_max_lifetime_seconds: int = 12 * 3600
    # "auto": bubblewrap if it runs here, else unsandboxed with a logged warning;
    # "bwrap": refuse to start runtimes without the sandbox; "none": never sandbox.
    runtime_sandbox: str = "auto"
    # "auto" (cgroup2, then cgroup1, then rlimit), or one of those, or "none".
    runtime_limits: str = "auto"
    # Host uid/gid of kernels when the hub runs as root (nobody by default).
    runtime_uid: int = 65534
    runtime_gid: int = 65534
    # How long a link to a web server in a runtime (serve_kernel_port_as_iframe/_window,
    # google.colab.kernel.proxyPort) works; the page asks for a new one every time it shows one.
    runtime_port_link_seconds: int = 3600
    # Outbound network of a runtime: "internet" (user-mode networking, so `!pip install` and
    # downloads work; never the host's loopback) or "none" (only the runtime's own loopback).
    runtime_network: str = "internet"
    # Size of a runtime's scratch disk (/content, /tmp, its home and pip layer).
    runtime_disk_bytes: int = 20 * GiB
    # Runtimes one account may hold at once; the next asks to close one.
    runtime_max_per_user: int = 4
    # Kernel starts run at once at most this many; 0: one per CPU core.
    runtime_start_concurrency: int = 0
    # Addresses of reverse proxies whose X-Forwarded-For is believed (client address for login
    # throttling and logs); empty: the socket's peer address is the client.
    trusted_proxies: tuple[str, ...] = ()
    # The Python environment runtimes run (Colab's preinstalled stack, kept apart from the hub's
    # own packages): the folder of a virtual environment. Empty: the checkout's .runtime-env
    # (made by `make runtime-env`, which `make run` and `make test` call) when it exists, else the
    # hub's own environment (no Colab stack; the admin page says so).
    runtime_environment: str = ""
    # Web apps in runtimes (port links) each get an origin of their own: p-<token>.<port_domain>.
    # Empty: the hub's own host name (e.g. p-<token>.localhost:8000, which browsers resolve to this
    # machine). In production set a wildcard DNS name, e.g. "apps.example.org".
    port_domain: str = ""

    @property
    def sqlalchemy_url(self) -> str:
        url = self.database_url or f"sqlite:///{(self.data_dir / 'nbcloud.sqlite3').resolve()}"
        # People write postgresql://...; we ship psycopg 3, so name that driver.
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url

    @property
    def drive_dir(self) -> Path:
        return self.data_dir / "drive"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def runtimes_dir(self) -> Path:
        return self.data_dir / "runtimes"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(kind: Any, raw: Any) -> Any:
    if isinstance(raw, str):
        if kind is bool or kind == "bool":
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if kind is int or kind == "int":
            return int(raw)
        if kind is Path or kind == "Path":
            return Path(raw)
        if "tuple" in str(kind):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        return raw
    if (kind is Path or kind == "Path") and not isinstance(raw, Path):
        return Path(raw)
    if "tuple" in str(kind) and isinstance(raw, list):
        return tuple(raw)
    return raw


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from the config file, then environment variables, then explicit overrides."""
    env = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    config_file = env.get("NBCLOUD_CONFIG")
    if config_file:
        with open(config_file, "rb") as fh:
            values.update(tomllib.load(fh))
    for f in dataclasses.fields(Settings):
        key = "NBCLOUD_" + f.name.upper()
        if key in env:
            values[f.name] = env[key]
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name: f.type for f in dataclasses.fields(Settings)}
    unknown = set(values) - set(known)
    if unknown:
        raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    settings = Settings(**{name: _coerce(known[name], raw) for name, raw in values.items()})
    if settings.signup not in ("closed", "open"):
        raise ValueError("NBCLOUD_SIGNUP must be 'closed' or 'open'")
    if settings.runtime_network not in ("internet", "none"):
        raise ValueError("NBCLOUD_RUNTIME_NETWORK must be 'internet' or 'none'")
    return settings
