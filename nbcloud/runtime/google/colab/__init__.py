"""nbcloud's ``google.colab``: the parts of Colab's runtime package that notebooks use.

It speaks Colab's own wire protocol with the hub (see ``_message``), so notebooks and
snippets written for Colab run unmodified. Nothing here imports the hub.
"""

__version__ = "0.3.0"

from google.colab import auth, data_table, drive, files, output, runtime, syntax, userdata, widgets  # noqa: E402,F401

__all__ = ["auth", "data_table", "drive", "files", "output", "runtime", "syntax", "userdata", "widgets"]
