"""Fifty companies race for the last free stands: the capacity holds, on each database."""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlalchemy import event, select

from fairplanner.registrations.models import Registration, RegistrationStatus
from tests.factories import Factories

RACERS = 50
CAPACITY = 5
ALREADY_TAKEN = 2
EXHIBIT = {"stand_type": "indoor", "area": "9"}


def test_fifty_requests_race_for_the_last_stands(app, committed):
    factories = Factories(committed.session)
    fair = factories.fair(slug="last-stands", capacity=CAPACITY)
    for _ in range(ALREADY_TAKEN):
        factories._save(
            Registration(
                fair_id=fair.id,
                company_id=factories.company().id,
                role="exhibitor",
                stand_type="indoor",
                area=9,
                status=RegistrationStatus.APPROVED,
            )
        )
    session_ids = [factories.user().get_id() for _ in range(RACERS)]
    committed.session.commit()

    # Widen the gap between counting the free stands and taking one, so that a missing lock
    # shows every time rather than now and then.
    def dawdle(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO REGISTRATIONS"):
            time.sleep(0.02)

    event.listen(committed.engine, "before_cursor_execute", dawdle)
    start = threading.Barrier(RACERS)
    statuses: list[int] = []

    def race(session_id: str) -> None:
        client = app.test_client()  # a client and a database session of its own
        with client.session_transaction() as session:
            session["_user_id"] = session_id
            session["_fresh"] = True
        start.wait()
        statuses.append(
            client.post("/fairs/last-stands/register/exhibitor", data=EXHIBIT).status_code
        )

    threads = [threading.Thread(target=race, args=(sid,)) for sid in session_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    event.remove(committed.engine, "before_cursor_execute", dawdle)

    assert statuses == [302] * RACERS
    committed.session.expire_all()
    rows = committed.session.scalars(
        select(Registration).where(Registration.fair_id == fair.id)
    ).all()
    by_status = Counter(r.status for r in rows)
    assert (
        by_status[RegistrationStatus.APPROVED] + by_status[RegistrationStatus.SUBMITTED] == CAPACITY
    )
    assert by_status[RegistrationStatus.WAITLISTED] == RACERS - (CAPACITY - ALREADY_TAKEN)
    numbers = [r.waitlist_number for r in rows if r.status == RegistrationStatus.WAITLISTED]
    assert len(set(numbers)) == len(numbers)
