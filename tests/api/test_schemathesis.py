"""schemathesis against the app's own OpenAPI document, in-process (WSGI): every operation is
called with generated valid and invalid input, over a small realistic catalogue, and every
answer must be no 5xx and conform to the document (status codes, content types, bodies,
headers). Derandomized and bounded (max_examples), with no example database on disk, so that
a run is the same every time and takes well under a minute (SQLite; the reads are the same on
PostgreSQL, whose own tests are in test_fairs.py and test_exhibitors.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, configuration, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

from fairplanner.accounts.models import Country, Role
from fairplanner.catalogue.models import FairKind, FairStatus
from fairplanner.i18n import minsk_today

pytestmark = pytest.mark.sqlite_only

# Slugs that the seeded catalogue has, so that the generated calls reach real rows as well as
# the 404s of made-up slugs: a fair with exhibitors and a programme, a cancelled one, a draft.
KNOWN_SLUGS = ("belagro", "prodexpo", "cancelled", "draft")
MAX_EXAMPLES = 30


@pytest.fixture
def api_token_header(factories, make_user, make_token) -> dict[str, str]:
    """`Authorization: Bearer <token>` (security scheme `bearerAuth`) for every call: a write
    token of a company member with a complete profile, so that the company's operations run
    for real (the organizer's answer this token's 403, as documented)."""
    return make_token(make_user(), write=True)


@pytest.fixture
def staff_token_header(factories, make_user, make_token) -> dict[str, str]:
    """A write token of the seeded fairs' organizer's staff, for the organizer's operations."""
    organizer = factories.organizer("belexpo")
    return make_token(make_user(role=Role.STAFF, organizer_id=organizer.id), write=True)


@pytest.fixture
def seeded(factories, make_fair) -> None:
    """A small catalogue as the demo has it: two cities, organizers, sectors, a programme,
    a cancelled fair, a draft, exhibitors with entries in one language or both."""
    today = minsk_today()
    gomel = factories.city("gomel", name_ru="Гомель", name_en="Gomel")
    belagro = make_fair(
        slug="belagro",
        name_ru="Белагро",
        name_en="Belagro",
        sectors=["agro", "food"],
        programme=3,
        starts_on=today + timedelta(days=20),
        website="https://belagro.example",
    )
    make_fair(
        slug="prodexpo",
        name_ru="Продэкспо",
        name_en=None,
        city=gomel,
        organizer="gomelexpo",
        kind=FairKind.FAIR,
        starts_on=today + timedelta(days=40),
    )
    make_fair(slug="cancelled", status=FairStatus.CANCELLED, cancel_reason_ru="Перенос")
    make_fair(slug="draft", status=FairStatus.DRAFT)
    make_fair(slug="past", starts_on=today - timedelta(days=60))
    for name, kw in (
        ("ООО «Вятка»", {"entry_ru": "Комбайны", "hall": "1", "stand": "A1"}),
        ("Молочный двор", {"entry_en": "Cheese"}),
        ("АгроБел", {"entry_ru": "Сеялки", "entry_en": "Seeders"}),
    ):
        company = factories.company(legal_name=name, website="https://example.org")
        if name == "АгроБел":
            company.country, company.region = Country.BELARUS, "MINSK"
        company.sectors = [factories.sector("agro")]
        factories.registration(belagro, company, **kw)
    factories.session.commit()


def strategies(operation: Any) -> Any:
    """Valid and invalid requests of the operation, and with the seeded fairs' slugs too."""
    found = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        found.append(operation.as_strategy(mode))
        if "{slug}" in operation.path:
            found += [operation.as_strategy(mode, path_parameters={"slug": s}) for s in KNOWN_SLUGS]
    return st.one_of(found)


@pytest.fixture
def hypothesis_home(tmp_path):
    """Hypothesis keeps a cache of the code's constants beside its example database
    (`.hypothesis/`): in a temporary folder, so that nothing is left in the work tree."""
    configuration.set_hypothesis_home_dir(tmp_path / "hypothesis")
    yield
    configuration.set_hypothesis_home_dir(None)  # back to its default


def test_every_operation_answers_as_documented(
    app, seeded, api_token_header, staff_token_header, hypothesis_home
):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    answered: dict[str, set[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6

    for operation in operations:

        @given(case=strategies(operation))
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case: Any) -> None:
            # A filter naming a sector, city or organizer that does not exist is a 422 by
            # design (the catalogue page's notice), though any string fits the document.
            # Valid requests carry the token; invalid ones go as generated, so that one
            # without its required Authorization is refused as the document says (401).
            valid = case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE
            staffs = case.operation.path.startswith("/api/v1/organizer/")
            token = staff_token_header if staffs else api_token_header
            response = case.call_and_validate(
                headers=token if valid else None,
                excluded_checks=[positive_data_acceptance],
            )
            answered.setdefault(case.operation.label, set()).add(response.status_code)

        try:
            answers_as_documented()
        except (Exception, FailureGroup) as error:  # every operation is tried and reported
            failures[operation.label] = str(error)
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    # The seeded rows and the token are reached, not only refusals.
    assert 200 in answered["GET /api/v1/fairs/{slug}/exhibitors"]
    assert 200 in answered["GET /api/v1/company/applications"]
    assert 200 in answered["GET /api/v1/organizer/fairs"]
    assert 200 in answered["GET /api/v1/organizer/fairs/{slug}/applications"]
