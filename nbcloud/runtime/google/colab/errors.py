"""Colab's error types."""


class Error(Exception):
    """Base class of every error google.colab raises on purpose."""


class AuthorizationError(Error):
    """A sign-in or credential was asked for that this runtime cannot provide."""
