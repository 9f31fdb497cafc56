"""`flask seed-demo`: the demo fairs get exhibitors (invented companies marked as examples, of
kinds real for Belarus and the Kirov region) with catalogue entries, stands and logos, through
the services, and a second run adds nothing."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlparse

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select
from stdnum.by import unp
from stdnum.ru import inn

from fairplanner.accounts.identifiers import check_ogrn, check_phone, check_tax_id, regions
from fairplanner.accounts.models import Company, Country
from fairplanner.catalogue.models import Fair
from fairplanner.demo.activity import load_activity_file, seed_activity
from fairplanner.demo.catalogue import load_demo_file, seed_demo
from fairplanner.demo.exhibitors import (
    EXAMPLE_MARK,
    initials,
    load_exhibitors_file,
    logo_png,
    seed_exhibitors,
)
from fairplanner.media.models import Image
from fairplanner.registrations.models import (
    Registration,
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
)

DATA = load_exhibitors_file()
# A day when the planned BelExpo fairs (Made in Belarus, the spring and autumn
# Beltekslegprom) and a regional fair (the Minsk region's, Belarusian CCI) take applications.
TODAY = date(2026, 11, 25)
BELEXPO_FAIRS = ("my-belarus", "beltekslegprom-spring", "beltekslegprom-autumn")
REGIONAL_FAIR = "minsk-region-fair"
KINDS = {"forestry", "machinery", "biopharma", "chemicals", "light-industry", "food"}


def seed(today: date = TODAY) -> dict:
    seed_demo(load_demo_file(), today=today)
    seed_activity(load_activity_file(), today=today)
    return seed_exhibitors(DATA, today=today)


def exhibitors(db, key: str) -> list[Registration]:
    """The demo companies' exhibitor applications at the open edition of the fair `key`."""
    return db.session.scalars(
        select(Registration)
        .join(Registration.fair)
        .join(Registration.company)
        .where(
            Fair.slug.like(f"{key}-%"),
            Registration.role == RegistrationRole.EXHIBITOR,
            Company.short_name.like(f"%{EXAMPLE_MARK}"),
        )
        .order_by(Registration.id)
    ).all()


@pytest.mark.parametrize("spec", DATA["companies"], ids=lambda s: s["key"])
def test_demo_exhibitors_are_marked_examples_with_valid_details(spec):
    profile = spec["profile"]
    country = Country(profile["country"])
    assert profile["short_name"].endswith(f" {EXAMPLE_MARK}")
    assert EXAMPLE_MARK in profile["legal_name"]
    assert check_tax_id(country, profile["tax_id"]) == profile["tax_id"]
    assert check_phone(profile["phone"], country=country) == profile["phone"]
    assert profile["region"] in {r.code for r in regions()[country]}
    if country == Country.BELARUS:
        assert unp.is_valid(profile["tax_id"])
        assert profile["ogrn"] is None
    else:
        assert profile["region"] == "43"  # the Kirov region
        assert inn.is_valid(profile["tax_id"])
        assert profile["tax_id"][:2] == "43"
        assert check_ogrn(profile["ogrn"], tax_id=profile["tax_id"]) == profile["ogrn"]
    assert urlparse(profile["website"]).hostname.endswith(".example")
    assert profile["email"].endswith(".example")
    assert spec["login"].endswith(".example")
    assert spec["entry_ru"]


def test_demo_exhibitors_cover_the_regions_kinds_and_languages():
    companies = DATA["companies"]
    assert 10 <= len(companies) <= 20
    assert {c["profile"]["country"] for c in companies} == {"BY", "RU"}
    assert {code for c in companies for code in c["profile"]["sectors"]} >= KINDS
    assert any(c["entry_en"] for c in companies)
    assert any(not c.get("entry_en") for c in companies)  # the English page's fallback
    assert any(c["logo"] for c in companies)
    assert any(not c["logo"] for c in companies)
    tax_ids = [c["profile"]["tax_id"] for c in companies]
    activity = [c["profile"]["tax_id"] for c in load_activity_file()["companies"] if "profile" in c]
    assert len(set(tax_ids)) == len(tax_ids)
    assert not set(tax_ids) & set(activity)
    planned = {e["company"] for plan in DATA["fairs"].values() for e in plan}
    assert planned <= {c["key"] for c in companies}
    for plan in DATA["fairs"].values():
        stands = [(e["hall"], e["stand"]) for e in plan if e.get("stand")]
        assert len(stands) == len(set(stands)), "a stand is given twice"


@pytest.mark.sqlite_only
def test_demo_fairs_get_approved_exhibitors_with_stands_through_the_services(db):
    seed()
    for key in (*BELEXPO_FAIRS, REGIONAL_FAIR):
        registrations = exhibitors(db, key)
        planned = DATA["fairs"][key]
        assert len(registrations) == len(planned), key
        by_company = {r.company.short_name: r for r in registrations}
        specs = {c["key"]: c for c in DATA["companies"]}
        for entry in planned:
            spec = specs[entry["company"]]
            registration = by_company[spec["profile"]["short_name"]]
            approved = entry.get("approved", True)
            # Not approved: waiting for a decision, or on the fair's waiting list.
            waiting = {RegistrationStatus.SUBMITTED, RegistrationStatus.WAITLISTED}
            assert registration.status in ({RegistrationStatus.APPROVED} if approved else waiting)
            assert registration.listed is entry.get("listed", True)
            assert registration.entry_ru == spec["entry_ru"]
            assert registration.entry_en == spec.get("entry_en")
            expected = (entry["hall"], entry["stand"]) if approved else (None, None)
            assert (registration.hall, registration.stand) == expected
            actions = [c.action for c in registration.history]
            assert actions[0] == "submitted"
            fair = registration.fair
            for change in registration.history:
                if change.action in ("approved", "stand"):
                    # by the staff of the fair's own organizer
                    assert change.actor.organizer_id == fair.organizer_id
            if approved and entry.get("stand"):
                assert actions[-2:] == ["approved", "stand"]
    regional = exhibitors(db, REGIONAL_FAIR)[0].fair
    assert regional.organizer.slug != "belexpo"


@pytest.mark.sqlite_only
def test_some_demo_exhibitors_put_up_a_drawn_logo(db):
    seed()
    for spec in DATA["companies"]:
        company = db.session.scalar(
            select(Company).where(Company.tax_id == spec["profile"]["tax_id"])
        )
        assert (company.logo is not None) is spec["logo"], spec["key"]
        if company.logo is not None:
            assert company.logo.width == company.logo.height  # re-encoded by media, square


def test_the_drawn_logo_is_a_square_png_of_the_initials():
    assert initials("Вятский фанерный комбинат (пример)") == "ВФ"
    assert initials("Неман-Полимер (пример)") == "НП"
    image = PILImage.open(io.BytesIO(logo_png("Неман-Полимер (пример)", "neman-polymer-primer")))
    assert image.format == "PNG"
    assert image.size[0] == image.size[1] >= 256
    assert len(image.getcolors(maxcolors=1 << 16)) > 2  # a colour, the white ground and the letters
    assert logo_png("Сожмаш (пример)", "same") != logo_png("Неман-Полимер (пример)", "same")


@pytest.mark.sqlite_only
def test_a_second_run_adds_nothing(db):
    first = seed()
    assert first["listings"].created >= 20
    assert first["stands"].created >= 15
    assert first["logos"].created >= 5
    before = {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Company, Registration, RegistrationChange, Image)
    }
    second = seed()
    assert {name: report.created for name, report in second.items()} == dict.fromkeys(second, 0)
    assert second["listings"].existing == first["listings"].created
    after = {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Company, Registration, RegistrationChange, Image)
    }
    assert after == before


@pytest.mark.sqlite_only
def test_the_catalogue_shows_the_demo_exhibitors_with_stands_and_logos(db, client):
    seed()
    fair = exhibitors(db, "my-belarus")[0].fair
    html = client.get(f"/fairs/{fair.slug}/exhibitors", headers={"Accept-Language": "ru"}).get_data(
        as_text=True
    )
    assert "Сожмаш (пример)" in html
    assert "Зал 1, стенд A-12" in html
    assert "Неман-Полимер (пример)" not in html  # not listed
    assert "Вятка-Биофарм (пример)" not in html  # not approved
    assert html.count('class="exhibitor-logo"') >= 5
    english = client.get(
        f"/fairs/{fair.slug}/exhibitors", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "Attachments for tractors and loaders" in english
    assert "(in Russian)" in english  # Вятские станки wrote its entry in Russian only
