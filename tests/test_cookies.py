"""The session cookie's signature is checked once per cookie and process
(fairplanner.cookies); what is remembered never lets through a cookie Flask would refuse."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from fairplanner import cookies


@pytest.fixture
def interface(app):
    return app.session_interface


def cookie_for(app, data: dict) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(data)


def opened(app, value: str):
    with app.test_request_context("/", headers={"Cookie": f"session={value}"}) as ctx:
        return app.session_interface.open_session(app, ctx.request)


def test_a_checked_cookie_opens_again_with_its_data(app, interface):
    assert isinstance(interface, cookies.CookieSessionInterface)
    value = cookie_for(app, {"_user_id": "7.1.abc.n", "items": [1, 2]})
    first, again = opened(app, value), opened(app, value)
    assert dict(first) == dict(again) == {"_user_id": "7.1.abc.n", "items": [1, 2]}
    first["items"].append(3)  # one request's change is not another's
    assert opened(app, value)["items"] == [1, 2]
    assert (interface._keys(app), value) in interface._verified


@pytest.mark.parametrize("change", ["payload", "signature"])
def test_an_altered_cookie_is_refused_even_after_the_genuine_one(app, change):
    value = cookie_for(app, {"_user_id": "7.1.abc.n"})
    assert opened(app, value)["_user_id"] == "7.1.abc.n"
    payload, stamp, signature = value.rsplit(".", 2)
    forged = cookie_for(app, {"_user_id": "1.1.abc.n"}).rsplit(".", 2)[0]
    altered = {
        "payload": f"{forged}.{stamp}.{signature}",
        "signature": f"{payload}.{stamp}.{signature[:-2]}AA",
    }[change]
    assert dict(opened(app, altered)) == {}


def test_a_checked_cookie_still_expires(app, monkeypatch):
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(days=1))
    value = cookie_for(app, {"_user_id": "7.1.abc.n"})
    assert opened(app, value)["_user_id"] == "7.1.abc.n"
    later = time.time() + 2 * 24 * 3600
    monkeypatch.setattr(cookies.time, "time", lambda: later)
    assert dict(opened(app, value)) == {}


def test_another_secret_key_checks_again(app, monkeypatch):
    value = cookie_for(app, {"_user_id": "7.1.abc.n"})
    assert opened(app, value)["_user_id"] == "7.1.abc.n"
    monkeypatch.setattr(app, "secret_key", "another-secret-key-of-at-least-32-characters")
    assert dict(opened(app, value)) == {}
