"""New notebooks, as Colab makes them."""

from __future__ import annotations

import nbformat

from nbcloud.hub.drive.items import Item
from nbcloud.hub.drive.paths import check_name, split_path
from nbcloud.hub.drive.store import DriveStore
from nbcloud.hub.errors import Conflict, NotFound


def empty_notebook() -> bytes:
    nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    nb.cells.append(nbformat.v4.new_code_cell(""))  # type: ignore[no-untyped-call]
    nb.metadata.update(
        {
            "kernelspec": {"name": "python3", "display_name": "Python 3"},
            "language_info": {"name": "python"},
            "colab": {"provenance": []},
        }
    )
    text: str = nbformat.writes(nb)  # type: ignore[no-untyped-call]
    return text.encode()


def _names_in(drive: DriveStore, user_id: int, folder: str) -> set[str]:
    try:
        _parts, items = drive.list_folder(user_id, folder)
    except NotFound:  # the folder is gone; write_file makes it again
        return set()
    return {item.name for item in items}


def create_notebook(drive: DriveStore, user_id: int, parent: str, name: str | None) -> Item:
    """``Untitled0.ipynb`` (the first free number) or the given name, in ``parent``."""
    taken = _names_in(drive, user_id, parent)
    if name is None:
        n = 0
        while f"Untitled{n}.ipynb" in taken:
            n += 1
        name = f"Untitled{n}.ipynb"
    else:
        name = check_name(name if name.endswith(".ipynb") else name + ".ipynb", "A notebook name")
        if name in taken:
            raise Conflict(f"A file named '{name}' already exists here. Pick another name.", code="name_taken")
    path = "/".join((*split_path(parent), name))
    return drive.write_file(user_id, path, empty_notebook(), create_parents=True)
