"""The hub's domain errors: what went wrong, a stable code, and a message that says what to do next.

Domain code raises these; it never knows about HTTP. The HTTP layer (``nbcloud.hub.http_errors``)
maps each class to a status and the JSON body ``{"detail": message, "code": code, **extra}``.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the hub reports to a caller. ``code`` is stable; ``message`` is for people."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None, **extra: object) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extra: dict[str, object] = extra  # more JSON fields for the body, e.g. {"offset": 12}


class InvalidRequest(DomainError):
    """The request is well-formed but asks for something impossible (422)."""

    code = "invalid_request"


class BadRequest(InvalidRequest):
    """The request itself is malformed: a missing header, a truncated body (400)."""

    code = "bad_request"


class NotSignedIn(DomainError):
    """No valid session or token (401)."""

    code = "signed_out"


class Forbidden(DomainError):
    """Signed in, but not allowed to do this (403)."""

    code = "not_permitted"


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know it exists (404)."""

    code = "not_found"


class Conflict(DomainError):
    """The request clashes with the current state: a name taken, a busy upload (409)."""

    code = "conflict"


class TooLarge(DomainError):
    """The body or file is bigger than allowed (413)."""

    code = "too_large"


class RateLimited(DomainError):
    """Too many attempts; try again in ``retry_after`` seconds (429, with a Retry-After header)."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None, **extra: object) -> None:
        super().__init__(message, code=code, retry_after=retry_after, **extra)
        self.retry_after = retry_after


class NotSupported(DomainError):
    """This hub or runtime cannot do that (501)."""

    code = "not_supported"


class Unavailable(DomainError):
    """A needed part is down or busy right now; retrying later may work (503)."""

    code = "unavailable"


class QuotaExceeded(DomainError):
    """The user's storage is full (507)."""

    code = "disk_full"


class StorageFailed(DomainError):
    """The hub's own disk or database failed (500): an I/O error, not the caller's fault."""

    code = "storage_broken"


def not_found(what: str = "That item") -> NotFound:
    return NotFound(f"{what} does not exist or you have no access to it.")
