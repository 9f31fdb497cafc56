"""What the fair page tells search engines: schema.org `ExhibitionEvent` as JSON-LD.

Google's event rich results need `name`, `startDate` and `location` (a `Place` with an
address); they recommend `description`, `endDate`, `eventStatus`, `eventAttendanceMode`,
`image`, `organizer` and `url`, and `previousStartDate` for a rescheduled event. A fair runs
whole days (its calendar entry is all-day), so its dates are days; when its programme says
when the first day starts or the last one ends, that time is given with Minsk's offset
(+03:00). Everything is in the page's language, falling back to the other one.

The JSON is written for an HTML `<script>` element: `<`, `>` and `&` are escaped as `\\u003c`
and so on, so no text of a fair (a description holding "</script>") can end the element.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from markupsafe import Markup

from fairplanner.catalogue.models import Fair, FairStatus
from fairplanner.core.urls import public_url
from fairplanner.i18n import MINSK, localized

SCHEMA = "https://schema.org"
# Longer descriptions are cut at a word (search engines show about this much).
DESCRIPTION_CHARS = 500


def fair_event(
    fair: Fair,
    *,
    lang: str,
    url: str,
    previous_starts: list[date] | None = None,
    image: str | None = None,
) -> dict[str, Any]:
    """The fair as an `ExhibitionEvent`. `url`: the page's path; `previous_starts`: the days it
    was to start on before it was moved (after its publication), oldest first; `image`: the
    absolute address of its picture, if it has one."""
    venue, city = fair.venue, fair.venue.city
    address: dict[str, Any] = {
        "@type": "PostalAddress",
        "addressLocality": localized(city, "name", lang),
        "addressRegion": str(city.oblast.title),
        "addressCountry": "BY",
    }
    street = localized(venue, "address", lang)
    if street:
        address["streetAddress"] = street
    place: dict[str, Any] = {
        "@type": "Place",
        "name": localized(venue, "name", lang),
        "address": address,
    }
    if venue.latitude is not None and venue.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": venue.latitude,
            "longitude": venue.longitude,
        }
    organizer: dict[str, Any] = {
        "@type": "Organization",
        "name": localized(fair.organizer, "name", lang),
    }
    if fair.organizer.website:
        organizer["url"] = fair.organizer.website
    start, end = _times(fair)
    event: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "ExhibitionEvent",
        "name": localized(fair, "name", lang),
        "startDate": start,
        "endDate": end,
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "location": place,
        "organizer": organizer,
        "url": public_url(url),
        "inLanguage": lang,
    }
    description = _shortened(localized(fair, "description", lang))
    if description:
        event["description"] = description
    if image:
        event["image"] = [image]
    if fair.status == FairStatus.CANCELLED:
        event["eventStatus"] = f"{SCHEMA}/EventCancelled"
    elif previous_starts:
        event["eventStatus"] = f"{SCHEMA}/EventRescheduled"
        event["previousStartDate"] = [day.isoformat() for day in previous_starts]
    return event


def _times(fair: Fair) -> tuple[str, str]:
    """The first day's start and the last day's end: a time when the programme has one on that
    day, else the day."""
    start: str = fair.starts_on.isoformat()
    end: str = fair.ends_on.isoformat()
    starts = [item.starts_at.astimezone(MINSK) for item in fair.programme]
    ends = [item.ends_at.astimezone(MINSK) for item in fair.programme]
    first = [moment for moment in starts if moment.date() == fair.starts_on]
    last = [moment for moment in ends if moment.date() == fair.ends_on]
    if first:
        start = _local(min(first))
    if last:
        end = _local(max(last))
    return start, end


def _local(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= DESCRIPTION_CHARS:
        return text
    return text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"


def json_ld(data: dict[str, Any]) -> Markup:
    """`data` in a `<script type="application/ld+json">` element, safe inside HTML."""
    text = (
        json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return Markup('<script type="application/ld+json">{}</script>').format(Markup(text))  # noqa: S704 - escaped above
