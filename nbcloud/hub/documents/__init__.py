"""Live shared notebook documents: one Y.Doc (JupyterLab's YNotebook schema) per open notebook,
synced to browsers over y-websocket and autosaved to the ``.ipynb`` in Drive."""

from nbcloud.hub.documents.editing import CellNotFound, DocumentClosed
from nbcloud.hub.documents.notebook_io import BadNotebook
from nbcloud.hub.documents.notebook_store import DocumentNotFound, NotANotebook
from nbcloud.hub.documents.room import LiveDocument
from nbcloud.hub.documents.service import DocumentService

__all__ = [
    "BadNotebook",
    "CellNotFound",
    "DocumentClosed",
    "DocumentNotFound",
    "DocumentService",
    "LiveDocument",
    "NotANotebook",
]
