"""The numbers pages: a fair's dashboard and the organizer's season."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from fairplanner.accounts.models import Country, Role
from fairplanner.i18n import minsk_today
from fairplanner.organizers import charts, stats
from fairplanner.registrations import services
from fairplanner.registrations.models import (
    Registration,
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
)
from fairplanner.registrations.services import ExhibitorRequest, VisitRequest

S = RegistrationStatus
R = RegistrationRole


@pytest.fixture
def dashboard(factories, make_fair, make_user):
    """A fair of 10 stands with applications in every status, made through the services."""
    ours = factories.organizer("belexpo")
    theirs = factories.organizer("minskexpo")
    food = factories.sector("food", name_ru="Пищевая промышленность", name_en="Food industry")
    machinery = factories.sector("machinery", name_ru="Машиностроение", name_en="Machinery")
    fair = make_fair(slug="prodexpo", organizer=ours, capacity=10, name_ru="Продэкспо")
    other = make_fair(slug="woodworking", organizer=theirs)
    staff = make_user("staff@belexpo.by", role=Role.STAFF, organizer_id=ours.id)
    places = [
        (Country.RUSSIA, "43", [food]),
        (Country.BELARUS, "minsk-city", [food, machinery]),
        (Country.BELARUS, "minsk-city", [machinery]),
        (Country.BELARUS, "gomel", []),
        (Country.BELARUS, "gomel", [food]),
    ]
    companies = []
    for i, (country, region, sectors) in enumerate(places):
        kw = {"tax_id": f"19080{i}803"} if country == Country.BELARUS else {}
        company = factories.company(country=country, region=region, **kw)
        company.sectors = sectors
        companies.append(company)
    factories.session.commit()
    member = make_user(company=companies[0])
    today = minsk_today()

    def apply(company, area=None):
        if area is None:
            request = VisitRequest(
                delegates=[{"name": "Петров"}, {"name": "Сидоров"}], aims=["sales"]
            )
            role = R.VISITOR
        else:
            request = ExhibitorRequest(stand_type="indoor", area=Decimal(area))
            role = R.EXHIBITOR
        return services.submit_registration(
            company, fair, role=role, request=request, actor=member, today=today
        )

    approved = apply(companies[0], 12)
    pending = apply(companies[1], 18)
    rejected = apply(companies[2], 9)
    withdrawn = apply(companies[3], 6)
    visitor = apply(companies[4])
    services.decide_registration(approved, status=S.APPROVED, actor=staff)
    services.decide_registration(rejected, status=S.REJECTED, actor=staff, reason="Нет места")
    services.withdraw_registration(withdrawn, actor=member)
    factories.session.commit()
    return {
        "fair": fair,
        "other": other,
        "staff": staff,
        "member": member,
        "companies": companies,
        "regs": [approved, pending, rejected, withdrawn, visitor],
    }


def test_smoke(client, dashboard, login_as):
    login_as(dashboard["staff"])
    html = client.get("/organizer/fairs/prodexpo/numbers").text
    open("/tmp/shots-numbers/smoke.html", "w").write(html)
    season = client.get("/organizer/numbers").text
    open("/tmp/shots-numbers/season.html", "w").write(season)
    assert "Пищевая промышленность" in html
