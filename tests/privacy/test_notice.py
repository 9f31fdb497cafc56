"""The privacy notice: a page of the site in both languages, each version kept readable."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairplanner.privacy.notice import NOTICE_VERSIONS, PRIVACY_NOTICE_VERSION

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "privacy"
# What the notice must say (Law No. 99-З art. 4 and 6; 152-ФЗ art. 14 and 18.1).
MUST_SAY = {
    "ru": [
        "Политика конфиденциальности",
        "Какие данные мы храним",
        "имена и должности членов делегаций",
        "журнал писем",
        "Зачем",
        "№ 99-З",
        "«О защите персональных данных»",
        "№ 152-ФЗ",
        "30 дней",
        "в обезличенном виде",
        "только организаторы тех выставок",
        "отозвать согласие",
        "privacy@fairplanner.by",
    ],
    "en": [
        "Privacy notice",
        "What we keep",
        "names and positions of delegation members",
        "No. 99-З of 7 May 2021",
        "No. 152-ФЗ",
        "30 days",
        "anonymised",
        "only by the organizers of the fairs the company applies to",
        "withdraw your consent",
        "privacy@fairplanner.by",
    ],
}


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("path", ["/privacy", f"/privacy/v{PRIVACY_NOTICE_VERSION}"])
def test_notice_says_what_the_law_asks(client, lang, path):
    response = client.get(path, headers={"Accept-Language": lang})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in MUST_SAY[lang]:
        assert text in page, text
    # The rights lead to where they are exercised.
    assert 'href="/company#your-data"' in page
    assert 'href="/company#delete-account"' in page


@pytest.mark.parametrize("path", ["/privacy/v0", "/privacy/v999", "/privacy/vx"])
def test_unknown_versions_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("version", sorted(NOTICE_VERSIONS))
def test_every_version_has_both_languages(version):
    for lang in ("ru", "en"):
        assert (TEMPLATES / f"notice_v{version}_{lang}.html").is_file()


def test_footer_links_to_the_notice(client, db):
    page = client.get("/").get_data(as_text=True)
    footer = page[page.index('<footer class="site-footer">') :]
    assert 'href="/privacy"' in footer
    assert "Политика конфиденциальности" in footer
