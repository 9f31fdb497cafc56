"""What search engines read: the fair page's schema.org JSON-LD and Open Graph tags (read with
extruct, as a crawler would), /sitemap.xml and /robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import extruct
import pytest

from fairplanner.catalogue.models import FairStatus
from fairplanner.organizers.services import log_change

BASE = "http://127.0.0.1:5000"  # PUBLIC_BASE_URL of the tests
# What Google's event rich results require, and what they recommend that a fair has.
REQUIRED = ("name", "startDate", "location")
RECOMMENDED = ("endDate", "eventStatus", "eventAttendanceMode", "organizer", "description", "url")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def structured(client: Any, path: str, lang: str = "ru") -> dict[str, Any]:
    response = client.get(path, headers={"Accept-Language": lang})
    assert response.status_code == 200
    return extruct.extract(
        response.get_data(as_text=True), base_url=BASE, syntaxes=["json-ld", "opengraph"]
    )


def event_of(client: Any, path: str, lang: str = "ru") -> dict[str, Any]:
    found = [item for item in structured(client, path, lang)["json-ld"] if item]
    assert [item["@type"] for item in found] == ["ExhibitionEvent"]
    return found[0]


def test_a_fair_page_describes_the_event_in_its_language(client, make_fair):
    fair = make_fair(
        slug="belagro",
        name_ru="Белагро",
        name_en="Belagro",
        description_ru="Международная выставка сельского хозяйства.",
        description_en="International agricultural exhibition.",
    )
    ru = event_of(client, "/fairs/belagro")
    for field in (*REQUIRED, *RECOMMENDED):
        assert ru.get(field), field
    assert ru["name"] == "Белагро"
    assert ru["description"] == "Международная выставка сельского хозяйства."
    assert (ru["startDate"], ru["endDate"]) == (
        fair.starts_on.isoformat(),
        fair.ends_on.isoformat(),
    )
    assert ru["eventStatus"] == "https://schema.org/EventScheduled"
    assert ru["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert ru["url"] == f"{BASE}/fairs/belagro"
    place = ru["location"]
    assert place["@type"] == "Place"
    assert place["name"] == fair.venue.name_ru
    assert place["address"]["@type"] == "PostalAddress"
    assert place["address"]["addressLocality"] == fair.venue.city.name_ru
    assert place["address"]["addressCountry"] == "BY"
    assert ru["organizer"] == {"@type": "Organization", "name": fair.organizer.name_ru}

    en = event_of(client, "/fairs/belagro", "en")
    assert (en["name"], en["inLanguage"]) == ("Belagro", "en")
    assert en["location"]["address"]["addressLocality"] == fair.venue.city.name_en


def test_the_programme_gives_the_first_and_last_day_their_hours_in_minsk(client, make_fair):
    # The factory's programme starts at 10:00 Minsk time on the first day; the third item (on
    # the third and last day) ends at 13:00.
    fair = make_fair(slug="timed", programme=3, days=3)
    event = event_of(client, "/fairs/timed")
    assert event["startDate"] == f"{fair.starts_on.isoformat()}T10:00:00+03:00"
    assert event["endDate"] == f"{fair.ends_on.isoformat()}T13:00:00+03:00"


def test_a_cancelled_fair_says_so(client, make_fair):
    make_fair(slug="cancelled", status=FairStatus.CANCELLED)
    assert event_of(client, "/fairs/cancelled")["eventStatus"] == (
        "https://schema.org/EventCancelled"
    )


def test_a_published_fair_that_moved_is_rescheduled_from_its_earlier_day(client, db, make_fair):
    fair = make_fair(slug="moved")
    first = fair.starts_on
    log_change(fair, "edited", actor=None, changes={"starts_on": ["2020-01-01", str(first)]})
    log_change(fair, "published", actor=None)  # edits of a draft move nothing
    later = first + timedelta(days=14)
    log_change(fair, "edited", actor=None, changes={"starts_on": [str(first), str(later)]})
    fair.starts_on, fair.ends_on = later, later + timedelta(days=2)
    db.session.commit()
    event = event_of(client, "/fairs/moved")
    assert event["eventStatus"] == "https://schema.org/EventRescheduled"
    assert event["previousStartDate"] == [first.isoformat()]
    assert event["startDate"] == later.isoformat()


def test_no_text_of_a_fair_can_leave_its_script_element(client, make_fair):
    hostile = '</script><script>alert("x")</script> & <!--'
    make_fair(slug="hostile", name_ru=hostile, description_ru=hostile)
    page = client.get("/fairs/hostile").get_data(as_text=True)
    assert '<script>alert("x")' not in page
    event = event_of(client, "/fairs/hostile")
    assert event["name"] == hostile  # read back as written
    assert event["description"] == hostile


def test_open_graph_tags_name_the_fair_at_its_public_address(client, make_fair):
    make_fair(slug="og", name_ru="Белагро", description_ru="Сельское хозяйство.")
    page = client.get("/fairs/og").get_data(as_text=True)
    assert f'<link rel="canonical" href="{BASE}/fairs/og">' in page
    og = dict(structured(client, "/fairs/og")["opengraph"][0]["properties"])
    assert og["og:title"] == "Белагро"
    assert og["og:url"] == f"{BASE}/fairs/og"
    assert og["og:description"] == "Сельское хозяйство."
    assert og["og:locale"] == "ru_RU"


def sitemap_urls(client: Any) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)  # noqa: S314 - our own output
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.iter(f"{SITEMAP}url")
    }


def test_the_sitemap_lists_every_public_fair_page(client, make_fair):
    published = make_fair(slug="published")
    make_fair(slug="cancelled", status=FairStatus.CANCELLED)
    make_fair(slug="draft", status=FairStatus.DRAFT)
    urls = sitemap_urls(client)
    assert f"{BASE}/" in urls
    assert f"{BASE}/fairs/cancelled" in urls
    assert f"{BASE}/fairs/draft" not in urls
    assert urls[f"{BASE}/fairs/published"] == published.updated_at.date().isoformat()


@pytest.mark.usefixtures("caching")
def test_the_stored_sitemap_follows_the_catalogue(client, db, make_fair):
    make_fair(slug="first")
    assert f"{BASE}/fairs/second" not in sitemap_urls(client)
    fair = make_fair(slug="second")
    db.session.commit()
    assert f"{BASE}/fairs/second" in sitemap_urls(client)
    fair.status = FairStatus.DRAFT
    db.session.commit()
    assert f"{BASE}/fairs/second" not in sitemap_urls(client)


def test_robots_keep_crawlers_to_the_public_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    disallowed = {line.split(": ", 1)[1] for line in lines if line.startswith("Disallow: ")}
    assert {"/organizer", "/my", "/account", "/company$", "/company/", "/calendar"} <= disallowed
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    # Nothing public is caught by a rule (robots rules match by prefix).
    for public in ("/fairs/belagro", "/companies/vyatka-les", "/sitemap.xml"):
        assert not any(
            public.startswith(rule) for rule in disallowed if not rule.endswith(("$", "?"))
        )
