"""Third-party widget front ends, served from the runtime environment as JupyterLab serves them.

A widget package (ipyleaflet, bqplot, plotly, anywidget) installs its browser half as a
JupyterLab extension: ``<env>/share/jupyter/labextensions/<npm name>/`` with a ``package.json``
whose ``jupyterlab._build.load`` names a webpack module-federation container
(``static/remoteEntry.<hash>.js``) that loads its other chunks from the same folder. The output
frame loads those files from the hub, never from a CDN.

The frame has an opaque origin, so it carries no session cookie; the page (signed in) gets the
catalog with an access key in its URLs instead: an HMAC over the user and a day, so the URLs stay
the same all day (and the browser's cache keeps the files) and stop working the day after.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from nbcloud.hub import safefs
from nbcloud.hub.errors import DomainError, NotFound

# The package that is the widget manager itself in JupyterLab: the frame has its own.
MANAGER_PACKAGES = frozenset({"@jupyter-widgets/jupyterlab-manager"})
WIDGETS_BASE = "@jupyter-widgets/base"
DAY_SECONDS = 86_400
# A remoteEntry is small (it only maps chunks); reading a few KB decides whether it is a widget.
ENTRY_SCAN_BYTES = 256 * 1024


@dataclass(frozen=True)
class WidgetExtension:
    """One installed widget package's front end."""

    name: str  # its npm name, which is also its folder below labextensions
    version: str
    entry: str  # its module-federation container, relative to its folder ("static/remoteEntry.<hash>.js")
    exposed: str  # what the container exposes as the JupyterLab plugin ("./extension")


class BundleNotFound(NotFound):
    def __init__(self, path: str) -> None:
        super().__init__(f"No widget front-end file {path!r} is installed in the runtime environment.",
                         code="widget_bundle_not_found")


class _BundleWalkErrors:
    """Every way a bundle path can fail reads as "not found": nothing outside a plain file is served."""

    def __init__(self, path: str) -> None:
        self.path = path

    def _error(self, _parts: safefs.Parts) -> DomainError:
        return BundleNotFound(self.path)

    missing = link = not_a_folder = is_a_folder = not_a_file = _error


def _package_folders(labextensions: Path) -> list[tuple[str, Path]]:
    """(npm name, folder) of every package below labextensions, scoped ones (``@scope/name``) too.

    Links are skipped: a package folder must really be inside the environment."""
    found: list[tuple[str, Path]] = []
    if not labextensions.is_dir():
        return found
    for top in sorted(labextensions.iterdir()):
        if top.is_symlink() or not top.is_dir():
            continue
        if top.name.startswith("@"):
            for inner in sorted(top.iterdir()):
                if not inner.is_symlink() and inner.is_dir():
                    found.append((f"{top.name}/{inner.name}", inner))
        else:
            found.append((top.name, top))
    return found


def _uses_widgets(package: dict[str, object], entry: Path) -> bool:
    """Whether the extension needs @jupyter-widgets/base: as a dependency, a shared package, or
    (bundles that declare nothing, such as anywidget's) a module its container consumes."""
    for key in ("dependencies", "peerDependencies"):
        deps = package.get(key)
        if isinstance(deps, dict) and WIDGETS_BASE in deps:
            return True
    lab = package.get("jupyterlab")
    shared = lab.get("sharedPackages") if isinstance(lab, dict) else None
    if isinstance(shared, dict) and WIDGETS_BASE in shared:
        return True
    try:
        with entry.open("rb") as f:
            return WIDGETS_BASE.encode() in f.read(ENTRY_SCAN_BYTES)
    except OSError:
        return False


def _extension_of(name: str, folder: Path) -> WidgetExtension | None:
    try:
        package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(package, dict) or package.get("name") != name:
        return None  # a folder whose package.json names another package is not served
    lab = package.get("jupyterlab")
    build = lab.get("_build") if isinstance(lab, dict) else None
    if not isinstance(build, dict):
        return None  # a source extension, not built for loading at run time
    load, exposed = build.get("load"), build.get("extension")
    if not isinstance(load, str) or not isinstance(exposed, str):
        return None
    entry = load.removeprefix("./")
    try:
        safefs.names_of(entry, "the package folder")
    except DomainError:
        return None
    entry_path = folder / entry
    if entry_path.is_symlink() or not entry_path.is_file() or not safefs.inside(folder, entry_path):
        return None
    if not _uses_widgets(package, entry_path):
        return None
    version = package.get("version")
    return WidgetExtension(name=name, version=version if isinstance(version, str) else "0.0.0",
                           entry=entry, exposed=exposed)


def widget_extensions(labextensions: Path) -> list[WidgetExtension]:
    """The widget packages whose front ends are installed below ``labextensions``."""
    found = []
    for name, folder in _package_folders(labextensions):
        if name in MANAGER_PACKAGES:
            continue
        extension = _extension_of(name, folder)
        if extension is not None:
            found.append(extension)
    return found


def open_bundle_file(labextensions: Path, path: str) -> tuple[int, os.stat_result]:
    """A read-only descriptor (the caller closes it) for ``<package>/static/<file>`` below
    ``labextensions``: only files in a package's ``static`` folder, no ``..``, no links, nothing
    but a plain file."""
    safefs.check_path_text(path, "jupyter-leaflet/static/remoteEntry.js")
    try:
        parts = safefs.names_of(path, "the labextensions folder")
    except DomainError:
        raise BundleNotFound(path) from None
    package_parts = 2 if parts[0].startswith("@") else 1
    if len(parts) < package_parts + 2 or parts[package_parts] != "static":
        raise BundleNotFound(path)
    errors = _BundleWalkErrors(path)
    try:
        root = os.open(labextensions, safefs.DIR_FLAGS)
    except OSError:
        raise BundleNotFound(path) from None
    folder = safefs.walk(root, parts[:-1], errors)
    try:
        return safefs.open_file_at(folder, parts[-1], parts, errors)
    finally:
        os.close(folder)


class BundleKeys:
    """Access keys for bundle URLs: the signed-in page gets one, the opaque-origin frame uses it."""

    def __init__(self, secret: bytes | None = None) -> None:
        # Without a configured secret, keys last as long as this hub process: a page opened before
        # a restart fetches a new catalog when it reloads.
        self._secret = secret or secrets.token_bytes(32)

    def _mac(self, user_id: int, expires: int) -> str:
        message = f"widget-bundles:{user_id}:{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def issue(self, user_id: int, now: float | None = None) -> str:
        """A key for today (valid until tomorrow's end, so a page opened at midnight keeps working)."""
        today = int(now if now is not None else time.time()) // DAY_SECONDS
        expires = (today + 2) * DAY_SECONDS
        return f"{user_id}.{expires}.{self._mac(user_id, expires)}"

    def valid(self, key: str, now: float | None = None) -> bool:
        user, _, rest = key.partition(".")
        expires_text, _, mac = rest.partition(".")
        if not (user.isdigit() and expires_text.isdigit() and mac):
            return False
        expires = int(expires_text)
        if expires < (now if now is not None else time.time()):
            return False
        return hmac.compare_digest(mac, self._mac(int(user), expires))
