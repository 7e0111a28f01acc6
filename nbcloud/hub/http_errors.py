"""Domain errors as HTTP responses: one map from error class to status, one JSON body shape."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from nbcloud.hub.errors import (
    BadRequest,
    Conflict,
    DomainError,
    Forbidden,
    InvalidRequest,
    NotFound,
    NotSignedIn,
    NotSupported,
    QuotaExceeded,
    RateLimited,
    StorageFailed,
    TooLarge,
    Unavailable,
)

# The most specific class wins: the handler walks each error's MRO and takes the first entry here.
STATUS: dict[type[DomainError], int] = {
    BadRequest: 400,
    InvalidRequest: 422,
    NotSignedIn: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    RateLimited: 429,
    NotSupported: 501,
    Unavailable: 503,
    QuotaExceeded: 507,
    StorageFailed: 500,
    DomainError: 500,
}


def status_of(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def headers_of(exc: DomainError) -> dict[str, str] | None:
    if isinstance(exc, RateLimited):
        return {"Retry-After": str(exc.retry_after)}
    return None


async def domain_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    body = {"detail": exc.message, "code": exc.code, **exc.extra}
    return JSONResponse(body, status_code=status_of(exc), headers=headers_of(exc))


def install_error_handlers(app: FastAPI) -> None:
    """Every DomainError raised by a route, a dependency or the domain becomes its JSON response."""
    app.add_exception_handler(DomainError, domain_error_handler)
