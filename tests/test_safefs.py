"""The safe file-system layer that Drive and a runtime's /content share (nbcloud.hub.safefs).

Each story is something a runtime's code (which can write anywhere in its folder) or a crafted
request would try in order to make the hub read, write or block on something outside its root.
"""

from __future__ import annotations

import errno
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from nbcloud.hub import safefs
from nbcloud.hub.drive.fs import UserFs
from nbcloud.hub.drive.paths import split_path as drive_path
from nbcloud.hub.errors import DomainError, InvalidRequest, NotFound
from nbcloud.hub.runtimes.files import split_path as content_path
from nbcloud.hub.safefs import Parts


class Refused(DomainError):
    def __init__(self, why: str, parts: Parts) -> None:
        super().__init__(f"{why}: {'/'.join(parts)}", code=why)
        self.why = why
        self.parts = parts


@dataclass
class Errors:
    """WalkErrors that say which rule fired and where, so the stories can check both."""

    def missing(self, parts: Parts) -> DomainError:
        return Refused("missing", parts)

    def link(self, parts: Parts) -> DomainError:
        return Refused("link", parts)

    def not_a_folder(self, parts: Parts) -> DomainError:
        return Refused("not_a_folder", parts)

    def is_a_folder(self, parts: Parts) -> DomainError:
        return Refused("is_a_folder", parts)

    def not_a_file(self, parts: Parts) -> DomainError:
        return Refused("not_a_file", parts)


ERRORS = Errors()


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """root/ (the walk's root, with a/b/file.txt) and outside/secret.txt next to it."""
    root = tmp_path / "root"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "file.txt").write_text("inside")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    return root, outside


def open_root(root: Path) -> int:
    return os.open(root, safefs.DIR_FLAGS)


def walk(root: Path, parts: Parts, **kw: bool) -> int:
    return safefs.walk(open_root(root), parts, ERRORS, **kw)


def read(root: Path, parts: Parts) -> bytes:
    dfd = walk(root, parts[:-1])
    try:
        fd, _st = safefs.open_file_at(dfd, parts[-1], parts, ERRORS)
    finally:
        os.close(dfd)
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


def refusal(exc: pytest.ExceptionInfo[Refused]) -> tuple[str, Parts]:
    return exc.value.why, exc.value.parts


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


# -- links --------------------------------------------------------------------------------
def test_a_link_to_a_file_outside_the_root_is_not_read(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    (root / "a" / "leak.txt").symlink_to(outside / "secret.txt")
    with pytest.raises(Refused) as exc:
        read(root, ("a", "leak.txt"))
    assert refusal(exc) == ("link", ("a", "leak.txt"))


def test_a_link_to_a_folder_outside_the_root_is_not_entered(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    (root / "a" / "out").symlink_to(outside)
    with pytest.raises(Refused) as exc:
        read(root, ("a", "out", "secret.txt"))
    assert refusal(exc) == ("link", ("a", "out"))


def test_a_link_that_points_inside_the_root_is_refused_all_the_same(tree: tuple[Path, Path]) -> None:
    # Following "harmless" links would make the answer depend on where they point at the
    # moment of use; refusing every link is the rule that cannot be raced.
    root, _outside = tree
    (root / "alias").symlink_to(root / "a")
    (root / "a" / "b" / "same.txt").symlink_to(root / "a" / "b" / "file.txt")
    with pytest.raises(Refused) as exc:
        walk(root, ("alias", "b"))
    assert refusal(exc) == ("link", ("alias",))
    with pytest.raises(Refused) as exc:
        read(root, ("a", "b", "same.txt"))
    assert refusal(exc) == ("link", ("a", "b", "same.txt"))


def test_a_link_in_the_middle_of_a_path_stops_the_walk_there(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    (outside / "deeper").mkdir()
    (outside / "deeper" / "x.txt").write_text("outside")
    (root / "a" / "b" / "mid").symlink_to(outside)
    with pytest.raises(Refused) as exc:
        walk(root, ("a", "b", "mid", "deeper"), create=True)
    assert refusal(exc) == ("link", ("a", "b", "mid"))
    assert sorted(os.listdir(outside)) == ["deeper", "secret.txt"]  # nothing was created outside


def test_walking_with_create_makes_missing_folders_but_never_through_a_file(tree: tuple[Path, Path]) -> None:
    root, _outside = tree
    os.close(walk(root, ("a", "new", "deeper"), create=True))
    assert (root / "a" / "new" / "deeper").is_dir()
    with pytest.raises(Refused) as exc:
        walk(root, ("a", "b", "file.txt", "x"), create=True)
    assert refusal(exc) == ("not_a_folder", ("a", "b", "file.txt"))
    with pytest.raises(Refused) as exc:
        walk(root, ("a", "nothing"))
    assert refusal(exc) == ("missing", ("a", "nothing"))


def test_a_failed_walk_leaves_no_descriptor_open(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    (root / "a" / "out").symlink_to(outside)
    before = open_fds()
    for _ in range(50):
        with pytest.raises(Refused):
            walk(root, ("a", "out", "x"))
        with pytest.raises(Refused):
            walk(root, ("a", "b", "missing"))
    assert open_fds() == before


# -- things that are not files ------------------------------------------------------------
def test_a_fifo_planted_where_a_file_was_is_refused_without_blocking(tree: tuple[Path, Path]) -> None:
    # Opened without O_NONBLOCK, a FIFO with no writer would hang this thread forever.
    root, _outside = tree
    os.mkfifo(root / "a" / "b" / "pipe")
    result: list[object] = []
    reader = threading.Thread(target=lambda: result.append(_refusal_of(root, ("a", "b", "pipe"))), daemon=True)
    reader.start()
    reader.join(timeout=30)
    assert not reader.is_alive(), "opening a FIFO blocked the hub"
    assert result == [("not_a_file", ("a", "b", "pipe"))]


def _refusal_of(root: Path, parts: Parts) -> tuple[str, Parts] | None:
    try:
        read(root, parts)
    except Refused as exc:
        return exc.why, exc.parts
    return None


def test_a_folder_is_not_opened_as_a_file(tree: tuple[Path, Path]) -> None:
    root, _outside = tree
    assert _refusal_of(root, ("a", "b")) == ("is_a_folder", ("a", "b"))
    assert read(root, ("a", "b", "file.txt")) == b"inside"


# -- paths as text --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    ["..", "a/../../etc/passwd", "a/..", "a//b", "a/./b", "./a", "a/", "a\x00b", "a/b\\c"],
)
def test_dot_dot_empty_parts_nul_and_backslashes_are_refused_as_bad_paths(path: str) -> None:
    with pytest.raises(InvalidRequest) as exc:
        safefs.names_of(safefs.check_path_text(path, "a/b.txt"), "My Drive")
    assert exc.value.code == "bad_path"


def test_a_path_that_is_not_text_or_too_long_is_refused() -> None:
    for path in (b"a/b", None, "a/" * 3000):
        with pytest.raises(InvalidRequest) as exc:
            safefs.check_path_text(path, "a/b.txt")
        assert exc.value.code == "bad_path"


def test_an_absolute_path_is_refused_by_drive_and_outside_content_by_the_files_panel() -> None:
    for path in ("/etc/passwd", "\\windows", "C:/x"):
        with pytest.raises(InvalidRequest):
            drive_path(path)
    with pytest.raises(InvalidRequest):
        content_path("/etc/passwd")
    assert content_path("/content/a/b") == ("a", "b") == drive_path("a/b")


def test_names_being_created_may_not_hide_as_temporary_files_or_carry_control_characters() -> None:
    for name in (".nbcloud-x.tmp", " lead", "trail ", "line\nbreak", "", ".", "..", "a/b", "x" * 256):
        with pytest.raises(InvalidRequest):
            safefs.check_name(name)
    # A runtime may already have written such a name: it stays reachable, only never created.
    assert safefs.check_name(" lead", new=False) == " lead"


# -- races ------------------------------------------------------------------------------------
def test_a_folder_swapped_for_a_link_during_the_walk_never_leads_outside(tree: tuple[Path, Path]) -> None:
    """A runtime flips ``a`` between its real folder and a link to outside as fast as it can
    while the hub walks ``a/b``: every walk ends in the real folder or is refused as a link."""
    root, outside = tree
    (outside / "b").mkdir()
    real_b = os.stat(root / "a" / "b")
    outside_b = os.stat(outside / "b")
    (root / "a-link").symlink_to(outside)
    stop = threading.Event()

    def flip() -> None:
        while not stop.is_set():
            os.rename(root / "a", root / "a-real")
            os.rename(root / "a-link", root / "a")
            os.rename(root / "a", root / "a-link")
            os.rename(root / "a-real", root / "a")

    flipper = threading.Thread(target=flip, daemon=True)
    flipper.start()
    outcomes: dict[str, int] = {}
    try:
        for _ in range(3000):
            try:
                fd = walk(root, ("a", "b"))
            except Refused as exc:
                outcomes[exc.why] = outcomes.get(exc.why, 0) + 1
                continue
            try:
                st = os.fstat(fd)
            finally:
                os.close(fd)
            assert (st.st_dev, st.st_ino) != (outside_b.st_dev, outside_b.st_ino), "the walk followed the link"
            assert (st.st_dev, st.st_ino) == (real_b.st_dev, real_b.st_ino)
            outcomes["inside"] = outcomes.get("inside", 0) + 1
    finally:
        stop.set()
        flipper.join(timeout=30)
    assert set(outcomes) <= {"inside", "link", "missing"}
    assert outcomes.get("inside", 0) > 0


# -- atomic writes ----------------------------------------------------------------------------
def test_an_atomic_write_that_fails_midway_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "notebook.ipynb"
    target.write_bytes(b"old content")

    def chunks() -> object:
        yield b"new "
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        safefs.atomic_write(target, chunks())  # type: ignore[arg-type]
    assert target.read_bytes() == b"old content"
    assert os.listdir(tmp_path) == ["notebook.ipynb"]  # no temporary file left behind


def test_an_atomic_write_replaces_a_link_at_the_target_instead_of_writing_through_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep me")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").symlink_to(outside)
    assert safefs.atomic_write(folder / "a.txt", [b"new", b" bytes"]) == 9
    assert outside.read_bytes() == b"keep me"
    assert not (folder / "a.txt").is_symlink()
    assert (folder / "a.txt").read_bytes() == b"new bytes"


# -- whole-tree helpers -------------------------------------------------------------------------
def test_removing_a_folder_removes_links_inside_but_not_what_they_point_to(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    (root / "a" / "b" / "out").symlink_to(outside)
    fd = open_root(root)
    try:
        assert safefs.tree_bytes(fd) == len("inside")  # the link's target is not counted
        safefs.remove_at(fd, "a")
    finally:
        os.close(fd)
    assert not (root / "a").exists()
    assert (outside / "secret.txt").read_text() == "secret"


def test_domain_errors_of_the_walk_are_the_callers_own(tree: tuple[Path, Path]) -> None:
    """Drive words a missing name as 404 not_found with the path as the user sees it."""
    root, _outside = tree
    (root / "MyDrive").mkdir()
    fs = UserFs(root.parent, root)
    with pytest.raises(NotFound) as exc:
        fs.open_file(("MyDrive", "a.txt"), skip=1)
    assert exc.value.code == "not_found" and "'a.txt'" in exc.value.message
