"""Ending sessions everywhere at once: the database rows (done by the caller, committed first),
then this process's memory of them (the principal cache) and their open sockets.

Call these after the commit, so that a socket reconnecting at once is refused.
"""

from __future__ import annotations

from nbcloud.hub.auth.principals import PrincipalCache
from nbcloud.hub.auth.socket_registry import SignedInSockets

SIGNED_OUT_HERE = "You signed out. Sign in again."
PASSWORD_CHANGED = "The password of this account changed. Sign in again."
ACCOUNT_CHANGED = "An administrator changed this account. Sign in again."


def session_ended(principals: PrincipalCache, sockets: SignedInSockets, session_digest: str,
                  reason: str = SIGNED_OUT_HERE) -> int:
    """One browser session ended (sign-out). Returns how many sockets were closed."""
    principals.forget_all()
    return sockets.close_session(session_digest, reason)


def password_changed(principals: PrincipalCache, sockets: SignedInSockets, user_id: int,
                     reason: str = PASSWORD_CHANGED, *, keep_session: str | None = None) -> int:
    """Every browser session of an account ended but ``keep_session`` (the one that changed its
    own password); API tokens stay valid. Returns how many sockets were closed."""
    principals.forget_all()
    return sockets.close_account(user_id, reason, keep_session=keep_session, browser_only=True)


def account_disabled(principals: PrincipalCache, sockets: SignedInSockets, user_id: int,
                     reason: str = ACCOUNT_CHANGED) -> int:
    """The account may do nothing more: every socket closes, API tokens' too."""
    principals.forget_all()
    return sockets.close_account(user_id, reason)
