"""A browser session seen a moment ago is not looked up again, but nothing stale outlives a
sign-out, a disabled account or the cache's few seconds."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from nbcloud.hub.auth.principals import PrincipalCache


def principal(expires_in: float = 3600):
    session = SimpleNamespace(expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=expires_in))
    return SimpleNamespace(user=SimpleNamespace(id=1), session=session)


def test_a_session_is_remembered_for_a_few_seconds_only():
    now = [100.0]
    cache = PrincipalCache(ttl=5, clock=lambda: now[0])
    seen = principal()
    cache.put("digest", seen)
    assert cache.get("digest") is seen
    now[0] += 5
    assert cache.get("digest") is None


def test_an_expired_session_is_never_answered_from_memory():
    cache = PrincipalCache(ttl=60)
    cache.put("digest", principal(expires_in=-1))
    assert cache.get("digest") is None


def test_forgetting_drops_everyone():
    cache = PrincipalCache()
    cache.put("a", principal())
    cache.put("b", principal())
    cache.forget_all()
    assert cache.get("a") is None and cache.get("b") is None
