"""Personal API tokens: how the API reads them, refuses bad ones, and counts calls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from fairplanner.accounts import apitokens
from fairplanner.accounts.models import ApiToken, TokenScope
from fairplanner.db import utcnow


def test_a_token_is_stored_as_a_digest_and_shown_once(db, make_user):
    user = make_user()
    token, secret = apitokens.create_token(
        user, name="  CRM   sync ", scope=TokenScope.READ, lifetime_days=30
    )
    assert secret.startswith("fp_")
    assert len(secret) == 46
    assert token.name == "CRM sync"
    assert token.token_hash == apitokens.digest(secret)
    assert secret not in token.token_hash
    assert token.prefix == secret[:10]
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)


def test_an_unknown_revoked_or_expired_token_is_a_401_problem(client, db, make_user, make_token):
    user = make_user()
    for header in (
        {"Authorization": "Bearer fp_nonsense"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
    ):
        response = client.get("/api/v1/sectors", headers=header)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="FairPlanner API"')
        assert response.json["status"] == 401
        assert response.json["detail"]
    header = make_token(user)
    assert client.get("/api/v1/sectors", headers=header).status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/sectors", headers=header).status_code == 401
    token.expires_at = None
    token.revoked_at = utcnow()
    db.session.commit()
    assert client.get("/api/v1/sectors", headers=header).status_code == 401
    token.revoked_at = None
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/sectors", headers=header).status_code == 401


def test_use_is_noted_at_most_once_a_minute(client, db, make_user, make_token):
    user = make_user()
    header = make_token(user)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.last_used_at is None
    client.get("/api/v1/sectors", headers=header)
    db.session.refresh(token)
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/sectors", headers=header)
    db.session.refresh(token)
    assert token.last_used_at == first
