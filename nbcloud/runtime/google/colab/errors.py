"""Colab's error types."""


class Error(Exception):
    """Base class of every error google.colab raises on purpose."""


class AuthorizationError(Error):
    """A sign-in or credential was asked for that this runtime cannot provide."""


class RuntimeManagementError(Error):
    """The runtime could not be managed (``runtime.unassign()``)."""


class WidgetException(Error):
    """A google.colab.widgets widget was used in a way it does not support."""
