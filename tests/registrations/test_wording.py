"""Wording on the company's pages: spaced separators, names rather than codes."""

from __future__ import annotations

import re
from datetime import date

import pytest

from fairplanner.registrations.models import RegistrationStatus, StandType


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def pages(db, factories, make_fair, member):
    factories.sector("food", name_ru="Пищевая промышленность", name_en="Food industry")
    factories.sector("forestry", name_ru="Лесная промышленность", name_en="Forestry")
    fair = make_fair(slug="belagro", starts_on=date(2027, 5, 10), sectors=["food", "forestry"])
    registration = factories.registration(
        fair,
        member.company,
        status=RegistrationStatus.SUBMITTED,
        stand_type=StandType.COLLECTIVE,
        area=9,
    )
    return [
        "/my/fairs",
        f"/my/registrations/{registration.id}",
        f"/my/registrations/{registration.id}/edit",
        "/fairs/belagro/register/visitor",
        "/company",
        "/company/members",
        "/calendar/2027/5",
        "/calendar/2027/2",
    ]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_separators_are_spaced_and_no_codes_show(client, pages, lang):
    for path in pages:
        response = client.get(path, headers={"Accept-Language": lang})
        assert response.status_code == 200, path
        text = visible_text(response.get_data(as_text=True))
        assert not re.search(r"\S·|·\S", text), (path, re.findall(r".{20}·.{20}", text))
        # English names may contain a code's word ("a collective stand"); Russian may not.
        codes = ["minsk-city", "9.0", "+78332641234"]
        if lang == "ru":
            codes += ["collective", "submitted", "exhibitor", "food", "forestry"]
        for code in codes:
            assert code not in text, (path, code)
