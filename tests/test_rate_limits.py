"""Flask-Limiter's check before every request is skipped while no limit covers every request
(this app limits only some forms, in their views); a default limit, when configured, still
counts every request, and the views' own limits count as before."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import config
from fairplanner import create_app
from fairplanner.extensions import limiter
from tests.accounts.apps import limited_app


@pytest.fixture(autouse=True)
def _reset_limiter() -> Iterator[None]:
    """One limiter serves every app of the process: leave it as TestingConfig sets it."""
    yield
    create_app(config.TestingConfig)


def counted_keys() -> list[str]:
    return list(limiter.storage.storage)  # limits' memory storage: one key per counted window


def test_pages_without_limits_skip_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    client = limited_app().test_client()
    evaluated: list[str] = []
    evaluate = limiter._Limiter__evaluate_limits  # type: ignore[attr-defined]
    monkeypatch.setattr(
        limiter,
        "_Limiter__evaluate_limits",
        lambda endpoint, limits: evaluated.append(endpoint) or evaluate(endpoint, limits),
    )
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert evaluated == []
    assert counted_keys() == []
    client.post("/login", data={"email": "a@example.com", "password": "wrong-password"})
    assert evaluated == ["accounts.login"]  # the view's own check, once


def test_a_default_limit_still_counts_every_request() -> None:
    client = limited_app(RATELIMIT_DEFAULT="3 per minute").test_client()
    assert [client.get("/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert counted_keys()


def test_a_views_own_limit_still_counts() -> None:
    client = limited_app(LOGIN_RATE_LIMIT="2 per minute").test_client()
    data = {"email": "nobody@example.com", "password": "wrong-password"}
    statuses = [client.post("/login", data=data).status_code for _ in range(3)]
    assert statuses[-1] == 429
    assert statuses[:2] != [429, 429]
