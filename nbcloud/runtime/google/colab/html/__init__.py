"""HTML elements built from Python (Colab's ``google.colab.html``)."""

from google.colab.html._html import Element

__all__ = ["Element"]
