"""Following a fair: idempotent, private to the company, undone by unfollowing."""

from __future__ import annotations

from fairplanner.following import queries, services


def test_follow_twice_keeps_one_follow_and_unfollow_removes_it(db, factories):
    fair, other = factories.fair(), factories.fair()
    user = factories.user()
    first = services.follow(user.company, fair, by=user)
    db.session.flush()
    assert services.follow(user.company, fair, by=user).id == first.id
    assert queries.followed_fair_ids(user.company.id) == {fair.id}
    assert queries.is_following(user.company.id, fair.id)
    assert not queries.is_following(user.company.id, other.id)
    assert services.unfollow(user.company, fair)
    assert not services.unfollow(user.company, fair)
    assert queries.followed_fairs(user.company.id) == []


def test_another_company_does_not_see_the_follow(db, factories):
    fair = factories.fair()
    one, other = factories.user(), factories.user()
    services.follow(one.company, fair, by=one)
    db.session.flush()
    assert queries.followed_fair_ids(other.company.id) == set()
