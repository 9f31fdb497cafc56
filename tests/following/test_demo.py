"""The demo company follows a few fairs, so "My fairs" → Followed has something to show."""

from __future__ import annotations

from sqlalchemy import func, select

from fairplanner.accounts.models import User
from fairplanner.demo.activity import load_activity_file, seed_activity
from fairplanner.demo.catalogue import load_demo_file, seed_demo
from fairplanner.following import queries
from fairplanner.following.models import Follow
from fairplanner.i18n import minsk_today


def test_the_demo_company_follows_upcoming_fairs_once(db):
    today = minsk_today()
    demo = load_demo_file()
    seed_demo(demo, today=today)
    seed_activity(load_activity_file(), today=today)
    reports = seed_activity(load_activity_file(), today=today)  # again: nothing doubled
    member = db.session.scalar(select(User).where(User.email == demo["accounts"][0]["email"]))
    followed = list(db.session.scalars(queries.watch_list(member.company.id)))
    assert len(followed) == 3
    assert all(fair.starts_on > today for fair in followed)
    assert reports["follows"].existing == 3
    assert reports["follows"].created == 0
    assert db.session.scalar(select(func.count(Follow.id))) == 3
