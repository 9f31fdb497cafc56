"""Sign-up and invitations answer alike whether or not an address has an account."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from fairplanner.accounts.models import Company, Invitation, User
from fairplanner.notifications.models import OutboxMessage

SIGNUP = {
    "email": "Export@Vyatka.example",
    "password": "a long enough password",
    "confirm": "a long enough password",
    "company_name": "ООО «Вятские кружева»",
    "consent": "y",
}
ADDRESS = "export@vyatka.example"


def mails(db, to: str) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.to_email == to).order_by(OutboxMessage.id)
    return db.session.scalars(stmt).all()


def answer(client, path: str, data: dict, **kw) -> tuple[int, str, str]:
    """What the visitor learns: the status, where it leads, and the page shown there."""
    response = client.post(path, data=data, **kw)
    page = client.get(response.headers["Location"], **kw) if response.status_code == 302 else None
    html = (page or response).get_data(as_text=True)
    html = re.sub(r'name="csrf_token"[^>]*>', "", html)
    return response.status_code, response.headers.get("Location", ""), html


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_signup_answers_the_same_for_a_taken_address(app, db, make_user, lang):
    headers = {"Accept-Language": lang}
    fresh = answer(app.test_client(), "/signup", SIGNUP, headers=headers)
    companies = db.session.scalar(select(func.count(Company.id)))
    owner = db.session.scalar(select(User).where(User.email == ADDRESS))
    # A second sign-up with the same address (the first is now an account) looks the same.
    taken = answer(app.test_client(), "/signup", SIGNUP, headers=headers)
    assert taken == fresh
    assert fresh[:2] == (302, "/login")
    assert db.session.scalar(select(func.count(Company.id))) == companies
    verification, exists = mails(db, ADDRESS)
    assert verification.kind == "verify_email"
    assert exists.kind == "account_exists"
    assert exists.lang == lang
    assert "/login" in exists.body_text
    assert "/password/forgot" in exists.body_text
    assert db.session.scalar(select(User).where(User.email == ADDRESS)) is owner


def test_signup_message_is_clear_in_russian(client, db):
    response = client.post("/signup", data=SIGNUP, follow_redirects=True)
    assert "Мы отправили письмо на export@vyatka.example" in response.get_data(as_text=True)


def test_signup_does_the_same_work_for_a_taken_address(client, db, make_user, monkeypatch):
    """Both answers hash the password once (the costly part), so their timing tells nothing.
    Counted rather than timed: a timed test would flake on a busy machine."""
    from fairplanner.accounts import services

    make_user("taken@vyatka.example")
    hashed = []
    real = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda p: hashed.append(p) or real(p))
    client.post("/signup", data={**SIGNUP, "email": "new@vyatka.example"})
    client.post("/signup", data={**SIGNUP, "email": "taken@vyatka.example"})
    assert hashed == [SIGNUP["password"], SIGNUP["password"]]


def test_the_new_account_opens_from_the_confirmation_link(app, client, db):
    client.post("/signup", data=SIGNUP)
    assert client.get("/my/fairs").status_code == 302  # not signed in by the sign-up itself
    (verification,) = mails(db, ADDRESS)
    link = re.search(r"http://127\.0\.0\.1:5000(/verify/\S+)", verification.body_text).group(1)
    response = client.get(link)
    assert response.headers["Location"] == "/company"
    assert client.get("/company").status_code == 200
    # The link opens the account once; later it only confirms.
    again = app.test_client()
    assert again.get(link).headers["Location"] == "/login"
    assert again.get("/my/fairs").status_code == 302


def test_invitation_answers_the_same_for_an_address_with_an_account(client, db, member, make_user):
    make_user("taken@example.com")
    fresh = answer(client, "/company/members", {"email": "new@example.com"})
    taken = answer(client, "/company/members", {"email": "taken@example.com"})
    assert fresh[0] == taken[0] == 302
    for html in (fresh[2], taken[2]):
        assert "/invite/" not in html  # the link goes only to the invitee's mailbox
    assert "new@example.com" in taken[2]  # both listed as open invitations
    assert "taken@example.com" in taken[2]
    assert db.session.scalar(select(func.count(Invitation.id))) == 2
    (invitation,) = mails(db, "new@example.com")
    assert invitation.kind == "invitation"
    assert "/invite/" in invitation.body_text
    (exists,) = mails(db, "taken@example.com")
    assert exists.kind == "account_exists"
    assert "/invite/" not in exists.body_text
    assert member.company.display_name in exists.body_text
    assert member.email in exists.body_text


def test_account_exists_mail_escapes_hostile_names(client, db, member, make_user):
    member.company.short_name = '<a href="http://evil">Ромашка</a>'
    db.session.commit()
    make_user("taken@example.com")
    client.post("/company/members", data={"email": "taken@example.com"})
    (exists,) = mails(db, "taken@example.com")
    assert '<a href="http://evil">' not in exists.body_html
    assert "&lt;a href=" in exists.body_html


def test_the_link_opens_no_account_in_another_browser(app, client, db):
    """Someone signs up with a stranger's address: the stranger's click on the genuine
    confirmation mail must not log them into the account whose password that someone chose."""
    client.post("/signup", data=SIGNUP)  # the one who typed the address
    (verification,) = mails(db, ADDRESS)
    link = re.search(r"http://127\.0\.0\.1:5000(/verify/\S+)", verification.body_text).group(1)
    owner = app.test_client()  # the mailbox owner's browser
    response = owner.get(link)
    assert response.headers["Location"] == "/login"
    assert owner.get("/my/fairs").status_code == 302  # confirmed, not signed in
