"""Two staff members approve the last stand at the same moment: capacity still holds."""

from __future__ import annotations

import threading
import time

from sqlalchemy import event, select

from fairplanner.accounts.models import Role
from fairplanner.registrations.models import Registration, RegistrationStatus
from tests.factories import Factories

S = RegistrationStatus


def test_two_staff_approving_the_last_stand(app, committed):
    factories = Factories(committed.session)
    organizer = factories.organizer("belexpo")
    fair = factories.fair(slug="last-stand", capacity=1, organizer=organizer)
    waiting = [
        factories._save(
            Registration(
                fair_id=fair.id,
                company_id=factories.company().id,
                role="exhibitor",
                status=S.WAITLISTED,
                stand_type="indoor",
                area=9,
                waitlist_number=n,
            )
        )
        for n in (1, 2)
    ]
    staff = [factories.user(role=Role.STAFF, organizer_id=organizer.id).get_id() for _ in range(2)]
    targets = [(w.id, w.version) for w in waiting]
    committed.session.commit()

    def dawdle(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE REGISTRATIONS"):
            time.sleep(0.05)

    event.listen(committed.engine, "before_cursor_execute", dawdle)
    start = threading.Barrier(2)
    statuses: list[int] = []

    def approve(session_id: str, registration_id: int, version: int) -> None:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
        start.wait()
        response = client.post(
            f"/organizer/registrations/{registration_id}/decide",
            data={"action": "approve", "version": version},
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=approve, args=(sid, rid, ver))
        for sid, (rid, ver) in zip(staff, targets, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    event.remove(committed.engine, "before_cursor_execute", dawdle)

    assert statuses == [302, 302]
    committed.session.expire_all()
    final = committed.session.scalars(
        select(Registration.status).where(Registration.fair_id == fair.id)
    ).all()
    assert sorted(final) == sorted([S.APPROVED, S.WAITLISTED])
