"""Text that people type (fair, venue, company and programme names, reasons) cannot add markup
to the HTML part of any mail; the plain-text part and the subject show it exactly as typed."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from jinja2 import meta

from fairplanner.accounts.services import invite_member
from fairplanner.catalogue.models import EventKind, ProgrammeEvent
from fairplanner.notifications.messages import fair_changed, registration_event
from fairplanner.notifications.models import OutboxMessage
from fairplanner.notifications.services import enqueue
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus

EMAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"
HOSTILE = (
    "</title><a href=\"https://evil.example/\">win</a><img src=x onerror='alert(1)'>"
    '<script>alert("x")</script>"\' & <b>bold</b>'
)
# What the layout and the templates themselves put into a mail, and nothing else.
ALLOWED_TAGS = {"html", "head", "meta", "title", "body", "p", "a", "hr"}
ALLOWED_ATTRS = {"lang", "charset", "style", "href"}
EVENTS = ("received", "approved", "promoted", "rejected", "waitlisted", "withdrawn")
# Variables that steer a template rather than being shown; the rest get the hostile text.
# The reminders (fairplanner.reminders) get their fairs, applications and programme as records.
HOSTILE_FAIR = {"name": HOSTILE, "dates": HOSTILE, "place": HOSTILE, "url": HOSTILE}
HOSTILE_APPLICATION = SimpleNamespace(
    id=1, role=HOSTILE, stand_type=HOSTILE, area=None, stand_number=HOSTILE
)
HOSTILE_ITEM = {"day": HOSTILE, "time": HOSTILE, "title": HOSTILE, "hall": HOSTILE}
# Their footer (an included template, which find_undeclared_variables does not look into).
LINKS = {"unsubscribe_url": HOSTILE, "settings_url": HOSTILE}
VARIANTS: dict[str, list[dict[str, object]]] = {
    "registration": [{"event": e, "position": 3, "waitlisted": True} for e in EVENTS],
    "fair_changed": [{"cancelled": True}, {"cancelled": False}],
    "stand": [
        {"previous": None},
        {"previous": (HOSTILE, HOSTILE)},
        {"stand": None, "previous": (HOSTILE, HOSTILE)},
    ],
    "reminder_deadline": [{"days": d, "fair": HOSTILE_FAIR} | LINKS for d in (7, 1)],
    "reminder_opening": [
        {
            "days": 1,
            "fair": HOSTILE_FAIR,
            "registrations": [HOSTILE_APPLICATION],
            "registration_urls": {1: HOSTILE},
            "programme": [HOSTILE_ITEM],
        }
        | LINKS
    ],
    "digest": [
        {
            "days": 7,
            "new_fairs": [HOSTILE_FAIR],
            "changed_fairs": [HOSTILE_FAIR | {"cancelled": True}],
            "more_new_fairs": 3,
            "catalogue_url": HOSTILE,
        }
        | LINKS
    ],
    "webhook_disabled": [{"failures": 10}],
}


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert(html: str, *, shown: str = HOSTILE, base_url: str) -> None:
    """No element or attribute came from the hostile text, which is there as plain text."""
    assert HOSTILE not in html
    for raw in ("<script", "<img", "<b>", 'evil.example/">'):
        assert raw not in html
    parsed = Structure()
    parsed.feed(html)
    parsed.close()
    assert set(parsed.tags) <= ALLOWED_TAGS, parsed.tags
    assert {name for name, _value in parsed.attrs} <= ALLOWED_ATTRS, parsed.attrs
    hrefs = [value for name, value in parsed.attrs if name == "href"]
    assert all(h is not None and h.startswith(base_url) for h in hrefs if h != HOSTILE), hrefs
    assert parsed.tags.count("title") == 1
    assert shown in "".join(parsed.text)


def templates() -> list[str]:
    return sorted(p.name.removesuffix(".html") for p in EMAIL_TEMPLATES.glob("[!_]*.html"))


def template_cases() -> list[object]:
    return [
        pytest.param(kind, v, id="-".join([kind, *(str(x) for x in v.values())][:2]))
        for kind in templates()
        for v in VARIANTS.get(kind, [{}])
    ]


def test_every_mail_template_is_checked() -> None:
    assert {"registration", "fair_changed", "invitation", "password_reset"} <= set(templates())


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize(("kind", "variant"), template_cases())
def test_every_template_escapes_every_shown_value(app, db, kind, variant, lang):
    """Each template's variables, all of them hostile: the HTML stays ours."""
    names: set[str] = set()
    for suffix in (".html", ".txt", ".subject.txt"):
        source = (EMAIL_TEMPLATES / f"{kind}{suffix}").read_text(encoding="utf-8")
        names |= meta.find_undeclared_variables(app.jinja_env.parse(source))
    context = {name: HOSTILE for name in names} | variant
    message = enqueue(kind, to="x@example.com", lang=lang, **context)
    assert_inert(message.body_html, base_url=app.config["PUBLIC_BASE_URL"])
    if names - set(variant) - {"link"}:
        # The text part and the subject carry no markup: the text is shown as it was typed.
        assert HOSTILE in message.body_text


@pytest.fixture
def hostile_registration(factories):
    venue = factories.venue(name_ru=HOSTILE, name_en=HOSTILE)
    fair = factories.fair(name_ru=HOSTILE, name_en=HOSTILE, venue=venue)
    fair.programme = [
        ProgrammeEvent(
            title_ru=HOSTILE,
            title_en=HOSTILE,
            kind=EventKind.SEMINAR,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
        )
        for p in factories.fair(programme=1).programme
    ]
    company = factories.company(legal_name=HOSTILE, short_name=None)
    registration = Registration(
        fair=fair,
        company=company,
        role=RegistrationRole.VISITOR,
        status=RegistrationStatus.SUBMITTED,
        delegates=[{"name": HOSTILE, "position": HOSTILE}],
    )
    factories._save(registration)
    return registration


def outbox(db) -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("event", EVENTS)
def test_registration_mail_with_hostile_texts(app, db, hostile_registration, event, lang):
    hostile_registration.company.language = lang
    registration_event(hostile_registration, event, reason=HOSTILE, position=2)
    (message,) = outbox(db)
    assert_inert(message.body_html, base_url=app.config["PUBLIC_BASE_URL"])
    assert HOSTILE in message.body_text
    assert " ".join(HOSTILE.split()) in message.subject


@pytest.mark.parametrize("cancelled", [True, False])
def test_fair_changed_mail_with_hostile_names_and_reason(app, db, hostile_registration, cancelled):
    assert fair_changed(hostile_registration.fair, cancelled=cancelled, reason=HOSTILE) == 1
    (message,) = outbox(db)
    assert_inert(message.body_html, base_url=app.config["PUBLIC_BASE_URL"])
    assert HOSTILE in message.body_text
    assert " ".join(HOSTILE.split()) in message.subject


def test_invitation_from_a_hostile_company_name(app, db, factories):
    company = factories.company(legal_name=HOSTILE)
    inviter = factories.user(company=company)
    invite_member(company, "new@example.com", invited_by=inviter)
    (message,) = outbox(db)
    assert_inert(message.body_html, base_url=app.config["PUBLIC_BASE_URL"])
    assert HOSTILE in message.body_text
