"""CSRF tokens: made here, checked by the HTTP layer (``nbcloud.hub.http.csrf`` for every
state-changing request, ``nbcloud.hub.http.dependencies`` against the signed-in session).

A browser holds a CSRF token in a readable cookie and echoes it in the ``X-CSRF-Token``
header (double submit); a cross-site page can neither read the cookie nor set the header.
For a signed-in browser the token is also bound to its session.
Scripts that authenticate with ``Authorization: Bearer`` carry no ambient credentials and
are exempt.
"""

from __future__ import annotations

import hmac
import secrets

CSRF_COOKIE = "nbcloud_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode(), b.encode())
