"""One error type for the API: a status, a stable code, and a message that says what to do."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None,
                 **extra: object) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers  # e.g. Retry-After on a 429
        self.extra = extra


async def api_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse({"detail": exc.message, "code": exc.code, **exc.extra}, status_code=exc.status,
                        headers=exc.headers)


def not_found(what: str = "That item") -> ApiError:
    return ApiError(404, "not_found", f"{what} does not exist or you have no access to it.")
