"""Which runtime backend a hub uses: the ``runtime_backend`` setting names one of these.

A backend is registered under a name with a factory that takes the hub's settings
(``register("fake", FakeBackend)`` in tests). ``create`` is called once by the composition root
at start; an unknown name stops the hub there with the names it knows.
"""

from __future__ import annotations

from collections.abc import Callable

from nbcloud.config import Settings

from .backend import RuntimeBackend
from .local import LocalBackend

BackendFactory = Callable[[Settings], RuntimeBackend]

_factories: dict[str, BackendFactory] = {"local": LocalBackend}


class UnknownBackend(ValueError):
    """``runtime_backend`` names no registered backend (a settings mistake: the hub does not start)."""


def register(name: str, factory: BackendFactory) -> None:
    """Make ``runtime_backend = name`` start runtimes with ``factory(settings)``."""
    _factories[name] = factory


def known() -> list[str]:
    return sorted(_factories)


def create(settings: Settings) -> RuntimeBackend:
    """The backend ``settings.runtime_backend`` names, made for these settings."""
    factory = _factories.get(settings.runtime_backend)
    if factory is None:
        raise UnknownBackend(
            f"runtime_backend = {settings.runtime_backend!r} is not a runtime backend this hub knows. "
            f"Set NBCLOUD_RUNTIME_BACKEND (or runtime_backend in the config file) to one of: {', '.join(known())}."
        )
    return factory(settings)
