"""Demo exhibitors: companies of the kinds that really exhibit at Belarusian fairs (forestry
and woodworking, machine building, biotech and pharma, plastics and rubber, light industry,
agro-food and confectionery), from Belarus and the Kirov region, with invented names.

Every invented company says so: its short name ends with «(пример)» and its legal name carries
it too (exhibitors.json, "note"); websites and mail are on .example domains, and the tax ids
are made up with valid check digits, so that the profile passes the app's checks.

Everything goes through the services: the company signs up and fills its profile, applies as
an exhibitor with its catalogue entry (ru and en, or ru alone: the English page then shows the
Russian one with its marker), the fair's organizer staff approve it and give it a stand, and
some companies put up a logo (drawn here, stored by fairplanner.media). Only the editions whose
registration is open today get applications, as a company could only apply then.

Each step is skipped when its result exists already, so running the seed again adds nothing.
"""

from __future__ import annotations

import io
import json
import secrets
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, select

from fairplanner.accounts.models import Company, Role, User
from fairplanner.accounts.services import create_user, find_user, set_company_logo
from fairplanner.catalogue.models import Fair, FairStatus, Organizer, RegistrationState
from fairplanner.demo import timeline
from fairplanner.demo.activity import _member
from fairplanner.demo.catalogue import SeedReport
from fairplanner.extensions import db
from fairplanner.media.services import store_image
from fairplanner.registrations import services as registration_services
from fairplanner.registrations import stands
from fairplanner.registrations.models import (
    Registration,
    RegistrationRole,
    RegistrationStatus,
    StandType,
)

EXHIBITORS_FILE = Path(__file__).with_name("exhibitors.json")
EXAMPLE_MARK = "(пример)"  # what every invented company's name carries
REPORTS = ("exhibitor profiles", "listings", "stands", "logos")
LOGO_SIZE = 320
# A face with Cyrillic where the system has one (initials as the company writes them); else
# Pillow's own face, which has Latin letters only (the initials of the transliterated slug).
CYRILLIC_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
)
PALETTE = ("#1f5f8b", "#2e7d32", "#8d3b72", "#b3541e", "#37474f", "#00796b", "#5d4037")


def load_exhibitors_file(path: Path = EXHIBITORS_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def seed_exhibitors(data: dict[str, Any], *, today: date) -> dict[str, SeedReport]:
    """Companies with logos, then for each planned fair's open editions their applications,
    approvals and stands."""
    reports = {name: SeedReport() for name in REPORTS}
    members = {
        spec["key"]: _member(spec, reports["exhibitor profiles"]) for spec in data["companies"]
    }
    for spec in data["companies"]:
        if spec.get("logo"):
            _logo(members[spec["key"]].company, reports["logos"])
    for key, plan in data["fairs"].items():
        for fair in _open_editions(key, today=today):
            staff = _staff(fair.organizer, data["staff"])
            created = []
            for entry in plan:
                spec = next(c for c in data["companies"] if c["key"] == entry["company"])
                registration = _listing(
                    fair, spec, entry, member=members[spec["key"]], staff=staff, today=today
                )
                if registration is None:
                    reports["listings"].existing += 1
                    continue
                created.append(registration)
                reports["listings"].created += 1
            for entry in plan:
                _stand(fair, entry, members[entry["company"]].company, staff, reports["stands"])
            timeline.spread_after(fair, created, today=today)
    return reports


def _open_editions(key: str, *, today: date) -> list[Fair]:
    """The upcoming editions of the fair `key` whose registration is open today."""
    slugs = [f"{key}-{year}" for year in range(today.year, today.year + 3)]
    fairs = db.session.scalars(
        select(Fair)
        .where(Fair.slug.in_(slugs), Fair.status == FairStatus.PUBLISHED, Fair.starts_on > today)
        .order_by(Fair.starts_on)
    )
    return [f for f in fairs if f.registration_state(today) == RegistrationState.OPEN]


def _staff(organizer: Organizer, demo_staff: str) -> User:
    """Who decides for the organizer: its demo staff login, else a staff account made for the
    demo (nobody logs in as it: its password is random and never shown)."""
    staff = find_user(demo_staff)
    if staff is not None and staff.organizer_id == organizer.id:
        return staff
    email = f"staff@{organizer.slug}.example"
    return find_user(email) or create_user(
        email, secrets.token_urlsafe(24), role=Role.STAFF, organizer=organizer
    )


def _listing(
    fair: Fair,
    spec: dict[str, Any],
    entry: dict[str, Any],
    *,
    member: User,
    staff: User,
    today: date,
) -> Registration | None:
    """The company's exhibitor application with its catalogue entry, approved unless the plan
    says otherwise; None when the company has one for the fair already."""
    company = member.company
    if _exhibits(company, fair):
        return None
    request = registration_services.ExhibitorRequest(
        stand_type=StandType(entry.get("stand_type", "indoor")),
        area=Decimal(str(entry.get("area", 12))),
        needs_power=True,
        products=spec["profile"]["products"],
        listed=entry.get("listed", True),
        entry_ru=spec["entry_ru"],
        entry_en=spec.get("entry_en"),
    )
    registration = registration_services.submit_registration(
        company, fair, role=RegistrationRole.EXHIBITOR, request=request, actor=member, today=today
    )
    if entry.get("approved", True):
        # From the waiting list too (the fair has one: nobody overtakes it on submission).
        registration_services.decide_registration(
            registration, status=RegistrationStatus.APPROVED, actor=staff
        )
    return registration


def _exhibits(company: Company, fair: Fair) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.company_id == company.id,
                Registration.fair_id == fair.id,
                Registration.role == RegistrationRole.EXHIBITOR,
            )
        )
    )


def _stand(
    fair: Fair, entry: dict[str, Any], company: Company, staff: User, report: SeedReport
) -> None:
    """The planned hall and stand, given by the organizer's staff to an approved exhibitor that
    has none (a stand given or changed by hand since is left as it is)."""
    if not entry.get("stand"):
        return
    registration = db.session.scalar(
        select(Registration).where(
            Registration.company_id == company.id,
            Registration.fair_id == fair.id,
            Registration.role == RegistrationRole.EXHIBITOR,
            Registration.status == RegistrationStatus.APPROVED,
        )
    )
    if registration is None:
        return
    if registration.stand is not None:
        report.existing += 1
        return
    stands.assign_stand(registration, hall=entry["hall"], stand=entry["stand"], actor=staff)
    report.created += 1


def _logo(company: Company, report: SeedReport) -> None:
    """A simple logo (the name's initials on a colour) put up as a company would upload it."""
    if company.logo is not None:
        report.existing += 1
        return
    png = io.BytesIO(logo_png(company.short_name or company.legal_name, company.slug or ""))
    set_company_logo(company, store_image(png))
    report.created += 1


def initials(name: str) -> str:
    """Up to two initials of the name, the example mark and legal form left out."""
    words = name.replace(EXAMPLE_MARK, " ").replace("-", " ").replace("«", " ").split()
    return "".join(w[0] for w in words if w[:1].isalpha())[:2].upper()


def _font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    for path in CYRILLIC_FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size), True
    return ImageFont.load_default(size), False


def logo_png(name: str, slug: str) -> bytes:
    """A square PNG: the initials in white on a colour chosen by the slug, in a rounded
    frame."""
    font, cyrillic = _font(LOGO_SIZE * 2 // 5)
    text = initials(name) if cyrillic else initials(slug.replace("-", " ")) or "EX"
    colour = PALETTE[sum(slug.encode()) % len(PALETTE)]
    image = Image.new("RGB", (LOGO_SIZE, LOGO_SIZE), "white")
    draw = ImageDraw.Draw(image)
    margin = LOGO_SIZE // 16
    draw.rounded_rectangle(
        (margin, margin, LOGO_SIZE - margin, LOGO_SIZE - margin),
        radius=LOGO_SIZE // 6,
        fill=colour,
    )
    centre = LOGO_SIZE // 2
    draw.text((centre, centre), text, font=font, fill="white", anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
