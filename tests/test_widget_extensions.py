"""Third-party widget front ends: the hub serves each installed widget package's JupyterLab
extension from the runtime environment (as JupyterLab does), only to signed-in pages, and never a
file outside a package's static folder."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from nbcloud.config import Settings, load_settings
from nbcloud.hub.runtimes.widget_extensions import DAY_SECONDS, BundleKeys, widget_extensions
from tests.widget_environment import widget_environment

ENTRY = "static/remoteEntry.0123456789abcdef.js"


def _package(labextensions: Path, name: str, package: dict[str, object], entry_text: str = "var _JUPYTERLAB;") -> Path:
    folder = labextensions / name
    (folder / "static").mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps({"name": name, "version": "1.2.3", **package}))
    (folder / ENTRY).write_text(entry_text)
    (folder / "static" / "42.fedcba9876543210.js").write_text("chunk")
    return folder


def _built(**more: object) -> dict[str, object]:
    return {"jupyterlab": {"_build": {"load": f"./{ENTRY}", "extension": "./extension"}, **more}}


@pytest.fixture
def environment(tmp_path: Path) -> Path:
    """A runtime environment with widget packages shaped as pip installs them, and a few that are not."""
    env = tmp_path / "env"
    (env / "bin").mkdir(parents=True)
    (env / "bin" / "python").symlink_to(sys.executable)
    labextensions = env / "share" / "jupyter" / "labextensions"
    _package(labextensions, "jupyter-leaflet", {"dependencies": {"@jupyter-widgets/base": "^6"}, **_built()})
    _package(labextensions, "bqplot", _built(sharedPackages={"@jupyter-widgets/base": {"bundled": False}}))
    # anywidget declares nothing: its container consumes @jupyter-widgets/base.
    _package(labextensions, "anywidget", _built(), 'shareKey: "@jupyter-widgets/base"')
    _package(labextensions, "@jupyter-widgets/jupyterlab-manager", {"dependencies": {"@jupyter-widgets/base": "^6"}, **_built()})
    _package(labextensions, "jupyterlab_pygments", _built())  # not a widget package
    _package(labextensions, "impostor", {"dependencies": {"@jupyter-widgets/base": "^6"}, **_built()})
    (labextensions / "impostor" / "package.json").write_text(json.dumps({"name": "bqplot", **_built()}))
    (tmp_path / "secret.txt").write_text("the hub's own file")
    return env


@pytest.fixture
def settings(tmp_path: Path, database_url: str, environment: Path) -> Settings:
    return load_settings(environ={}, data_dir=tmp_path / "data", database_url=database_url,
                         runtime_pool_size=0, runtime_environment=str(environment))


def _catalog(client: TestClient) -> dict[str, dict[str, str]]:
    r = client.get("/api/widget-extensions")
    assert r.status_code == 200, r.text
    return {e["name"]: e for e in r.json()["extensions"]}


def test_alice_sees_the_widget_packages_installed_in_the_runtime_environment_and_only_those(alice: TestClient) -> None:
    catalog = _catalog(alice)
    assert sorted(catalog) == ["anywidget", "bqplot", "jupyter-leaflet"]
    leaflet = catalog["jupyter-leaflet"]
    assert leaflet["exposed"] == "./extension" and leaflet["version"] == "1.2.3"
    assert re.fullmatch(rf"/widget-bundles/\d+\.\d+\.[0-9a-f]+/jupyter-leaflet/{ENTRY}", leaflet["url"])


def test_a_frame_loads_a_bundle_with_the_key_the_page_got_and_caches_it_for_good(alice: TestClient, anonymous: TestClient) -> None:
    url = _catalog(alice)["jupyter-leaflet"]["url"]
    r = anonymous.get(url)  # the frame has an opaque origin: no cookie, only the key
    assert r.status_code == 200 and r.text == "var _JUPYTERLAB;"
    assert r.headers["content-type"].startswith("text/javascript")
    assert "immutable" in r.headers["cache-control"]
    chunk = anonymous.get(url.rsplit("/", 1)[0] + "/42.fedcba9876543210.js?v=fedcba9876543210")
    assert chunk.status_code == 200 and chunk.text == "chunk"


def test_someone_signed_out_gets_neither_the_catalog_nor_a_bundle(anonymous: TestClient) -> None:
    assert anonymous.get("/api/widget-extensions").status_code == 401
    r = anonymous.get(f"/widget-bundles/1.99999999999.{'0' * 32}/jupyter-leaflet/{ENTRY}")
    assert r.status_code == 404 and r.json()["code"] == "widget_bundle_not_found"


def test_a_forged_or_expired_key_opens_nothing(alice: TestClient) -> None:
    url = _catalog(alice)["bqplot"]["url"]
    key = url.split("/")[2]
    user, expires, mac = key.split(".")
    for forged in (f"{int(user) + 1}.{expires}.{mac}", f"{user}.{int(expires) + DAY_SECONDS}.{mac}", f"{user}.{expires}.{'0' * 32}"):
        assert alice.get(url.replace(key, forged)).status_code == 404
    keys = BundleKeys(b"k" * 32)
    old = keys.issue(7, now=1_000_000.0)
    assert keys.valid(old, now=1_000_000.0) and not keys.valid(old, now=1_000_000.0 + 3 * DAY_SECONDS)


@pytest.mark.parametrize("path", [
    # %2E%2E: the client would fold a literal '..' away before the hub saw it.
    "jupyter-leaflet/%2E%2E/%2E%2E/%2E%2E/%2E%2E/secret.txt",
    "jupyter-leaflet/static/%2E%2E/package.json",
    "jupyter-leaflet/package.json",  # only a package's static folder is served
    "..%2F..%2Fsecret.txt",
    "jupyter-leaflet/static/",
    "jupyter-leaflet/static/escape.js",  # a link out of the folder
    "jupyter-leaflet/static/linked/x.js",  # a folder that is a link
])
def test_a_path_out_of_a_package_s_static_folder_is_refused(alice: TestClient, environment: Path, path: str) -> None:
    static = environment / "share" / "jupyter" / "labextensions" / "jupyter-leaflet" / "static"
    (static / "escape.js").symlink_to(environment.parent / "secret.txt")
    (static / "linked").symlink_to(environment.parent, target_is_directory=True)
    (environment.parent / "x.js").write_text("outside")
    key = _catalog(alice)["jupyter-leaflet"]["url"].split("/")[2]
    r = alice.get(f"/widget-bundles/{key}/{path}")
    assert r.status_code in (404, 422), r.text
    assert "the hub's own file" not in r.text and "outside" not in r.text


def test_the_real_packages_are_found_where_pip_installs_them() -> None:
    """ipyleaflet, bqplot, plotly and anywidget as pip installs them (the runtime environment the
    browser stories use): each is a widget extension with a container to load."""
    env = widget_environment()
    found = {e.name: e for e in widget_extensions(env / "share" / "jupyter" / "labextensions")}
    for name in ("jupyter-leaflet", "bqplot", "jupyterlab-plotly", "anywidget"):
        assert name in found, f"{name} is not installed in {env}: {sorted(found)}"
        assert found[name].entry.startswith("static/remoteEntry.")
        assert os.path.isfile(env / "share" / "jupyter" / "labextensions" / name / found[name].entry)
