"""nbcloud: a self-hosted, Colab-compatible notebook platform."""

__version__ = "0.1.0"
