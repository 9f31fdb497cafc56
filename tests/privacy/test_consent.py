"""Creating an account needs consent to the privacy notice; the consent records which version
was agreed to, in which language and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fairplanner.accounts.models import User
from fairplanner.accounts.services import invite_member
from fairplanner.privacy.models import PrivacyConsent
from fairplanner.privacy.notice import PRIVACY_NOTICE_VERSION

SIGNUP = {
    "email": "new@vyatka.example",
    "password": "a long enough password",
    "confirm": "a long enough password",
    "company_name": "ООО «Вятские кружева»",
}
REFUSED = {
    "ru": "Отметьте согласие на обработку персональных данных",
    "en": "Tick the box to agree to the processing of personal data",
}


def consents(db) -> list[PrivacyConsent]:
    return list(db.session.scalars(select(PrivacyConsent)))


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("consent", [None, "", "false"])
def test_signup_without_consent_is_refused(client, db, lang, consent):
    data = SIGNUP if consent is None else {**SIGNUP, "consent": consent}
    response = client.post("/signup", data=data, headers={"Accept-Language": lang})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert REFUSED[lang] in page
    assert 'aria-invalid="true"' in page
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert consents(db) == []


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_signup_with_consent_records_version_language_and_time(client, db, lang):
    response = client.post(
        "/signup", data={**SIGNUP, "consent": "y"}, headers={"Accept-Language": lang}
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == SIGNUP["email"]))
    (consent,) = consents(db)
    assert consent.user_id == user.id
    assert consent.notice_version == PRIVACY_NOTICE_VERSION
    assert consent.lang == lang
    assert datetime.now(UTC) - consent.given_at < timedelta(minutes=1)


@pytest.mark.parametrize(("lang", "label"), [("ru", "Даю согласие"), ("en", "I agree")])
def test_signup_form_links_to_the_notice(client, db, lang, label):
    page = client.get("/signup", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert label in page
    assert 'href="/privacy"' in page
    assert 'name="consent"' in page


@pytest.fixture
def invitation_token(db, make_user):
    inviter = make_user()
    _invitation, token = invite_member(inviter.company, "colleague@example.com", invited_by=inviter)
    db.session.commit()
    return token


def test_joining_by_invitation_needs_consent_too(app, db, invitation_token):
    guest = app.test_client()
    data = {"password": "colleague password", "confirm": "colleague password"}
    refused = guest.post(f"/invite/{invitation_token}", data=data)
    assert refused.status_code == 422
    assert REFUSED["ru"] in refused.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "colleague@example.com")) is None

    accepted = guest.post(f"/invite/{invitation_token}", data={**data, "consent": "y"})
    assert accepted.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "colleague@example.com"))
    (consent,) = consents(db)
    assert (consent.user_id, consent.notice_version) == (user.id, PRIVACY_NOTICE_VERSION)


def test_profile_shows_the_consent_given(client, db, member):
    assert "Открыть эту версию" not in client.get("/company").get_data(as_text=True)
    db.session.add(PrivacyConsent(user_id=member.id, notice_version=1, lang="ru"))
    db.session.commit()
    page = client.get("/company").get_data(as_text=True)
    assert "по версии 1 политики конфиденциальности" in page
    assert 'href="/privacy/v1"' in page
