"""Cached pages and feed validators: served again only while nothing they show has changed,
and never to anyone but anonymous visitors."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Response, g, session
from sqlalchemy import select

from fairplanner import pagecache
from fairplanner.cache import CacheGeneration, shared_cache
from fairplanner.calendars.services import feed_token
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus


def generation(db: Any, name: str) -> int:
    return db.session.scalar(select(CacheGeneration.value).where(CacheGeneration.name == name))


def register(db: Any, factories: Any, fair: Any) -> Registration:
    registration = Registration(
        fair=fair,
        company=factories.company(),
        role=RegistrationRole.VISITOR,
        status=RegistrationStatus.SUBMITTED,
    )
    db.session.add(registration)
    db.session.commit()
    return registration


class TestGenerations:
    def test_a_catalogue_change_replaces_the_catalogue_generation_only(self, db, make_fair):
        fair = make_fair()
        catalogue, registrations = generation(db, "catalogue"), generation(db, "registrations")
        fair.name_ru = "Новое имя"
        db.session.commit()
        assert generation(db, "catalogue") != catalogue
        assert generation(db, "registrations") == registrations

    def test_an_application_replaces_the_registrations_generation(self, db, factories):
        fair = factories.fair()
        db.session.commit()
        catalogue, registrations = generation(db, "catalogue"), generation(db, "registrations")
        register(db, factories, fair)
        assert generation(db, "registrations") != registrations
        assert generation(db, "catalogue") == catalogue

    def test_a_change_in_a_savepoint_is_counted_at_the_real_commit(self, db, make_fair):
        fair = make_fair()
        db.session.commit()
        before = generation(db, "catalogue")
        with db.session.begin_nested():
            fair.name_ru = "В точке сохранения"
        assert generation(db, "catalogue") == before  # not yet: the transaction goes on
        db.session.commit()
        assert generation(db, "catalogue") != before

    def test_a_rolled_back_savepoint_does_not_hide_later_changes(self, db, make_fair):
        fair, other = make_fair(), make_fair()
        db.session.commit()
        before = generation(db, "catalogue")
        savepoint = db.session.begin_nested()
        fair.name_ru = "Отменено"
        db.session.flush()
        savepoint.rollback()
        other.name_ru = "Сохранено"
        db.session.commit()
        assert generation(db, "catalogue") != before

    def test_a_rolled_back_change_keeps_the_generation(self, db, make_fair):
        fair = make_fair()
        db.session.commit()
        before = generation(db, "catalogue")
        fair.name_ru = "Не сохранится"
        db.session.flush()
        db.session.rollback()
        assert generation(db, "catalogue") == before


@pytest.mark.usefixtures("caching")
class TestPageCache:
    def test_the_second_visit_is_served_from_the_cache(self, client, make_fair):
        make_fair(name_ru="Белагро")
        first, second = client.get("/"), client.get("/")
        assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
        assert second.data == first.data
        assert "Белагро" in second.get_data(as_text=True)
        # The security headers are added to a cached page too.
        assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]

    def test_a_hit_costs_no_query(self, client, make_fair, count_queries):
        make_fair()
        client.get("/")
        with count_queries() as counter:
            assert client.get("/").headers["X-Cache"] == "hit"
        assert counter.count == 0

    def test_a_change_is_shown_at_once(self, client, db, make_fair):
        fair = make_fair(name_ru="Белагро")
        client.get("/")
        fair.name_ru = "Белагро-2027"
        db.session.commit()
        page = client.get("/")
        assert page.headers["X-Cache"] == "miss"
        assert "Белагро-2027" in page.get_data(as_text=True)

    def test_the_filters_offer_a_new_sector_at_once(self, client, db, factories, make_fair):
        make_fair()
        assert 'value="woodworking"' not in client.get("/?page=1").get_data(as_text=True)
        factories.sector("woodworking", name_ru="Деревообработка")
        db.session.commit()
        page = client.get("/?page=2").get_data(as_text=True)  # another page, not a stored one
        assert 'value="woodworking"' in page
        assert "Деревообработка" in page

    def test_a_new_application_renews_the_fair_page_with_its_free_stands(
        self, client, db, factories
    ):
        fair = factories.fair(capacity=10)
        db.session.commit()
        path = f"/fairs/{fair.slug}"
        client.get(path)
        assert client.get(path).headers["X-Cache"] == "hit"
        register(db, factories, fair)
        assert client.get(path).headers["X-Cache"] == "miss"

    def test_each_language_and_query_has_its_own_page(self, client, make_fair):
        make_fair(name_ru="Белагро", name_en="Belagro")
        russian = client.get("/", headers={"Accept-Language": "ru"})
        english = client.get("/", headers={"Accept-Language": "en"})
        assert english.headers["X-Cache"] == "miss"
        assert "Belagro" in english.get_data(as_text=True)
        assert "Белагро" in russian.get_data(as_text=True)
        client.set_cookie("lang", "en")
        assert client.get("/").data == english.data
        assert client.get("/?q=belagro").headers["X-Cache"] == "miss"

    def test_signed_in_visitors_get_their_own_page_and_leave_nothing(
        self, app, client, make_fair, member
    ):
        make_fair()
        page = client.get("/")
        assert "X-Cache" not in page.headers
        assert member.email in page.get_data(as_text=True)
        anonymous = app.test_client()
        assert member.email not in anonymous.get("/").get_data(as_text=True)
        assert anonymous.get("/").headers["X-Cache"] == "hit"  # the anonymous page, stored once

    def test_a_visitor_with_a_session_is_not_served_from_the_cache(self, client, make_fair):
        make_fair()
        client.get("/")
        with client.session_transaction() as session:
            session["_flashes"] = [("info", "Только для вас")]
        page = client.get("/")
        assert "X-Cache" not in page.headers
        assert "Только для вас" in page.get_data(as_text=True)

    def test_a_page_that_changed_the_session_is_not_stored(self, app):
        with app.test_request_context("/"):
            g.page_key = "page:test"
            session["flash"] = "personal"
            pagecache._store(Response("personal"))
            assert shared_cache().get("page:test") is None

    def test_another_version_of_the_code_has_its_own_pages(self, app, client, make_fair):
        make_fair()
        client.get("/")
        assert client.get("/").headers["X-Cache"] == "hit"
        this_version = app.extensions["cache_build"]
        app.extensions["cache_build"] = "next-deploy"
        try:
            assert client.get("/").headers["X-Cache"] == "miss"
        finally:
            app.extensions["cache_build"] = this_version

    def test_errors_are_not_stored(self, client):
        for _ in range(2):
            response = client.get("/fairs/no-such-fair")
            assert response.status_code == 404
            assert "X-Cache" not in response.headers


@pytest.mark.usefixtures("caching")
class TestFeedValidators:
    def test_a_poll_with_the_current_etag_costs_no_query(self, client, make_fair, count_queries):
        make_fair()
        etag = client.get("/calendar.ics").headers["ETag"]
        with count_queries() as counter:
            response = client.get("/calendar.ics", headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert counter.count == 0

    def test_a_subscription_poll_is_answered_before_the_app(self, client, make_fair, count_queries):
        make_fair()
        first = client.get("/calendar.ics?lang=ru")
        client.get("/calendar.ics?lang=ru", headers={"If-None-Match": first.headers["ETag"]})
        with count_queries() as counter:
            poll = client.get(
                "/calendar.ics?lang=ru", headers={"If-None-Match": first.headers["ETag"]}
            )
        assert poll.status_code == 304
        assert counter.count == 0
        assert poll.headers["ETag"] == first.headers["ETag"]
        assert poll.headers["Cache-Control"] == "public, max-age=300"
        # Flask's hooks did not run: no security headers, which an empty answer has no use for.
        assert "Content-Security-Policy" not in poll.headers
        other = client.get(
            "/calendar.ics?lang=en", headers={"If-None-Match": first.headers["ETag"]}
        )
        assert other.status_code == 200  # another language: another calendar

    def test_a_blank_first_language_is_left_to_the_app(self, client, make_fair):
        make_fair()
        english = client.get("/calendar.ics?lang=en").headers["ETag"]
        client.get("/calendar.ics?lang=en", headers={"If-None-Match": english})
        # The app reads the first `lang` (blank: the interface language, Russian here).
        response = client.get(
            "/calendar.ics?lang=&lang=en",
            headers={"If-None-Match": english, "Accept-Language": "ru"},
        )
        assert response.status_code == 200
        assert response.headers["ETag"] != english

    def test_a_change_gives_a_new_etag_at_once(self, client, db, make_fair):
        fair = make_fair(name_en="Belagro")
        etag = client.get("/calendar.ics?lang=en").headers["ETag"]
        fair.name_en = "Belagro 2027"
        db.session.commit()
        response = client.get("/calendar.ics?lang=en", headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert response.headers["ETag"] != etag
        assert b"SUMMARY:Belagro 2027" in response.data

    def test_the_etag_is_the_one_computed_without_the_cache(self, app, client, make_fair):
        make_fair()
        cached = client.get("/calendar.ics").headers["ETag"]
        app.config["PAGE_CACHE"] = False
        assert client.get("/calendar.ics").headers["ETag"] == cached

    def test_a_private_feed_follows_its_applications(self, client, db, factories):
        fair = factories.fair(name_en="Belagro")
        db.session.commit()
        registration = register(db, factories, fair)
        token = feed_token(registration.company).token
        db.session.commit()
        url = f"/calendar/{token}.ics?lang=en"
        first = client.get(url)
        assert b"[Submitted]" in first.data
        etag = first.headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        registration.status = RegistrationStatus.APPROVED
        registration.version += 1
        db.session.commit()
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 200
        assert b"[Approved]" in again.data
