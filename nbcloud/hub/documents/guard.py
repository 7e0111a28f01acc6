"""The update guard: no update from a page may make its notebook unsavable.

A Y update is only bytes; a page (or anyone with a socket) can send one that is perfectly well
formed and still puts a string where ``cells`` holds maps, a map where a cell's ``source`` is,
or a word where ``nbformat`` is a number. Once applied, every later save of that notebook fails,
and Yjs has no way to take back an update from another client.

So each room keeps a shadow: a second Doc that mirrors the live one. An update from a page is
applied to the shadow first; what it changed there (its deep events) is checked against the
notebook schema, and only then is it applied to the live document. Typing (string inserts and
deletes in a cell's ``source`` text) needs no check; anything else re-checks just the cells and
notebook fields it touched, as a save would convert and validate them. A refused update leaves
the shadow spoiled; it is rebuilt from the live document (the rare, costly path: the sender's
socket is closed, so it cannot be repeated cheaply).

An update whose structs cannot all be placed yet (they wait for changes the hub has never
seen) is refused too: the hub is every page's only peer, so a page never legitimately depends
on something the hub lacks, and such a struct would land later, inside someone else's change.
"""

from __future__ import annotations

import warnings
from typing import Any

import nbformat
from jupyter_ydoc import YNotebook
from jupyter_ydoc.utils import cast_all
from nbformat.validator import ValidationError
from pycrdt import Array, ArrayEvent, Doc, Map, Text, TextEvent, get_state

from nbcloud.hub.documents.notebook_io import clean_for_disk, describe_validation_error
from nbcloud.hub.documents.state_vector import decode_state_vector


class RejectedUpdate(Exception):
    """An update that would make the notebook unsavable. ``reason`` says what is wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Cells(YNotebook):
    """YNotebook's conversions (what a save uses) over the shadow, without its undo manager,
    which would keep every deleted item of the shadow alive."""

    def __init__(self, doc: Doc[Any]) -> None:  # noqa: D107 - deliberately not calling super()
        self._ydoc = doc
        self._ymeta = doc.get("meta", type=Map)
        self._ycells = doc.get("cells", type=Array)


class UpdateGuard:
    def __init__(self, live: Doc[Any]) -> None:
        self._live = live
        self._build()

    def _build(self) -> None:
        self.shadow: Doc[Any] = Doc()
        self.shadow.apply_update(self._live.get_update())
        self._nb = _Cells(self.shadow)
        self._events: list[Any] = []
        self._watching = False
        self._subs = [
            (self._nb.ycells, self._nb.ycells.observe_deep(self._on_events)),
            (self._nb._ymeta, self._nb._ymeta.observe_deep(self._on_meta_events)),
        ]
        self._meta_touched = False

    def _on_events(self, events: list[Any]) -> None:
        if self._watching:
            self._events.extend(events)

    def _on_meta_events(self, _events: list[Any]) -> None:
        if self._watching:
            self._meta_touched = True

    def mirror(self, update: bytes) -> None:
        """A change the hub made itself (outputs, execution counts): trusted, copied as it is."""
        try:
            self.shadow.apply_update(update)
        except Exception:  # never let the shadow drift from the live document
            self.rebuild()

    def rebuild(self) -> None:
        for owner, sub in self._subs:
            try:
                owner.unobserve(sub)
            except Exception:  # noqa: BLE001 - the old shadow is dropped anyway
                pass
        self._build()

    def check(self, update: bytes) -> None:
        """Apply ``update`` to the shadow and raise RejectedUpdate if the notebook it leaves
        could not be saved (the shadow is then rebuilt; the live document was never touched).
        Bytes that are no Y update raise what pycrdt raises."""
        self._events = []
        self._meta_touched = False
        self._watching = True
        try:
            self.shadow.apply_update(update)
        except Exception:
            # Not a Y update at all: the caller treats it as a malformed frame.
            self._watching = False
            self.rebuild()
            raise
        finally:
            self._watching = False
        try:
            self._check_placed(update)
            self._check_changes()
        except RejectedUpdate:
            self.rebuild()
            raise

    def _check_placed(self, update: bytes) -> None:
        have = decode_state_vector(self.shadow.get_state())
        for client, clock in decode_state_vector(get_state(update)).items():
            if have.get(client, 0) < clock:
                raise RejectedUpdate("it builds on changes the hub never received (reload the notebook)")

    def _check_changes(self) -> None:
        events, self._events = self._events, []
        if not events and not self._meta_touched:
            return
        touched: set[int] = set()
        for event in events:
            path = event.path
            if not path:
                # The cells array itself: new entries must be cells (maps); check each one.
                if isinstance(event, ArrayEvent):
                    touched.update(_inserted_indices(_delta(event)))
                continue
            index = path[0]
            if not isinstance(index, int):
                raise RejectedUpdate("it changes the cell list in a way no notebook has")
            if len(path) == 2 and path[1] == "source" and isinstance(event, TextEvent) and _plain_text(_delta(event)):
                continue  # typing: a cell's text stays text
            touched.add(index)
        if not touched and not self._meta_touched:
            return  # only typing
        meta = self._meta()
        if self._meta_touched:
            self._validate_top(meta)
        cells = self._nb.ycells
        for index in sorted(touched):
            if index >= len(cells):
                continue
            self._validate_cell(index, cells[index], meta)

    def _meta(self) -> dict[str, Any]:
        meta = self._nb._ymeta.to_py()
        if not isinstance(meta, dict):
            raise RejectedUpdate("the notebook's fields are not a map")
        cast_all(meta, float, int)
        return meta

    def _validate_top(self, meta: dict[str, Any]) -> None:
        try:
            top = {
                "cells": [],
                "metadata": meta.get("metadata", {}),
                "nbformat": int(meta.get("nbformat", 0)),
                "nbformat_minor": int(meta.get("nbformat_minor", 0)),
            }
        except (TypeError, ValueError):
            raise RejectedUpdate("nbformat and nbformat_minor must be numbers") from None
        _validate(top)

    def _validate_cell(self, index: int, ycell: Any, meta: dict[str, Any]) -> None:
        if not isinstance(ycell, Map):
            raise RejectedUpdate(f"cell {index + 1} is not a cell (the notebook's cells are maps)")
        source = ycell.get("source")
        if not isinstance(source, (Text, str)):
            raise RejectedUpdate(f"cell {index + 1}'s source is not text")
        try:
            cell = self._nb._cell_to_py(ycell, meta)
            minor = int(meta.get("nbformat_minor", 5))
        except Exception as e:  # noqa: BLE001 - whatever breaks the conversion breaks a save
            raise RejectedUpdate(f"cell {index + 1} cannot be read as a cell ({type(e).__name__})") from None
        if not isinstance(cell, dict):
            raise RejectedUpdate(f"cell {index + 1} is not a cell")
        for output in cell.get("outputs") or []:
            if isinstance(output, dict):
                output.pop("nbcloud_kept", None)  # restored whole before a save (kept_text.py)
        _validate({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": minor}, index)


def _validate(nb: dict[str, Any], index: int | None = None) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(clean_for_disk(nb), version=4)
    except ValidationError as e:
        reason = describe_validation_error(e)
        if index is not None:
            reason = reason.replace("cell 1", f"cell {index + 1}")
        raise RejectedUpdate(reason) from None
    except Exception as e:  # noqa: BLE001 - odd types nbformat chokes on
        raise RejectedUpdate(f"the notebook would not be valid ({type(e).__name__})") from None


def _delta(event: ArrayEvent | TextEvent) -> list[dict[str, Any]]:
    """An event's changes. pycrdt declares ``delta`` in ``__slots__`` only, unseen by type checkers."""
    delta: list[dict[str, Any]] = event.delta  # type: ignore[union-attr]
    return delta


def _plain_text(delta: list[dict[str, Any]]) -> bool:
    """Only characters inserted or deleted: no embedded objects."""
    return all(isinstance(op.get("insert", ""), str) for op in delta)


def _inserted_indices(delta: list[dict[str, Any]]) -> list[int]:
    """Where an array delta's inserts are in the array after it."""
    indices: list[int] = []
    position = 0
    for op in delta:
        if "retain" in op:
            position += op["retain"]
        elif "insert" in op:
            count = len(op["insert"])
            indices.extend(range(position, position + count))
            position += count
    return indices
