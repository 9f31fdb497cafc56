"""Issue 14's "Done when": two reminder runs at the same moment (two servers) queue exactly one
mail per member and deadline, which the outbox worker delivers to a real SMTP server."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fairplanner.following.services import follow
from fairplanner.notifications.delivery import Mailer
from fairplanner.notifications.services import run_once
from fairplanner.reminders import services
from fairplanner.reminders.models import SentReminder
from tests.factories import Factories
from tests.reminders.conftest import TODAY


def _two_runs_at_once(app) -> list[services.Summary]:
    start = threading.Barrier(2)
    summaries: list[services.Summary] = []
    errors: list[BaseException] = []

    def server() -> None:
        with app.app_context():
            start.wait()
            try:
                summaries.append(services.run(TODAY))
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=server) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    return summaries


@pytest.mark.parametrize("database_url", ["postgres", "sqlite"], indirect=True)
def test_two_concurrent_runs_send_one_mail_per_member_and_deadline(app, committed, smtp):
    inbox, config = smtp
    factories = Factories(committed.session)
    companies = [factories.company(language="ru"), factories.company(language="en")]
    members = {  # address -> the company's language
        factories.user(f"m{i}-{c.id}@example.com", company=c).email: c.language
        for c in companies
        for i in (1, 2)
    }
    fairs = [
        factories.fair(
            registration_opens_on=TODAY - timedelta(days=60),
            registration_deadline=TODAY + timedelta(days=days),
            starts_on=TODAY + timedelta(days=days + 10),
        )
        for days in (7, 1)
    ]
    for company in companies:
        for fair in fairs:
            follow(company, fair)
    committed.session.commit()

    summaries = _two_runs_at_once(app)
    # Between them the two runs queued every mail once; each reminder counts once as sent
    # by one run (and as already sent by the other, whichever got there first).
    assert sum(s.deadline for s in summaries) == len(members) * len(fairs)
    assert sum(s.already for s in summaries) == len(companies) * len(fairs)
    committed.session.remove()
    assert committed.session.scalar(select(func.count(SentReminder.id))) == 4

    mailer = Mailer({**app.config, **config}, app.instance_path)
    while run_once(mailer) != (0, 0):
        pass
    assert len(inbox.messages) == len(members) * len(fairs)
    # Exactly one mail per member and deadline: the subject names the deadline's fair.
    received = Counter((m["To"], m["Subject"]) for m in inbox.messages)
    assert set(received.values()) == {1}
    assert {to for to, _subject in received} == set(members)
    for to, subject in received:
        english = members[to] == "en"
        assert ("last day to register" in subject) is english
        assert ("последний день регистрации" in subject) is not english
