"""Language choice, switching, fallback, formatting and the message catalogues."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from babel.messages.pofile import read_po

from fairplanner.core.views import safe_next
from fairplanner.i18n import format_date_range, localized


@pytest.mark.parametrize(
    ("header", "cookie", "lang"),
    [
        (None, None, "ru"),  # Russian by default
        ("en-US,en;q=0.9", None, "en"),
        ("de-DE,de;q=0.9", None, "ru"),  # neither language: the default
        ("de,en;q=0.5", None, "en"),
        ("en", "ru", "ru"),  # the remembered choice wins
        (None, "en", "en"),
        ("en", "fr", "en"),  # a junk cookie is ignored
    ],
)
def test_language_is_chosen_from_cookie_then_browser(client, header, cookie, lang):
    if cookie:
        client.set_cookie("lang", cookie)
    headers = {"Accept-Language": header} if header else {}
    html = client.get("/", headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html


def test_switcher_remembers_the_choice_and_returns(client):
    response = client.post("/language", data={"lang": "en", "next": "/?sector=food&page=2"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/?sector=food&page=2"
    cookie = response.headers["Set-Cookie"]
    assert "lang=en" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Trade fairs and exhibitions in Belarus" in html
    client.post("/language", data={"lang": "ru", "next": "/"})
    assert "Выставки и ярмарки Беларуси" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/fairs/x?y=1", "/fairs/x?y=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_next_only_goes_to_this_site(target, expected):
    assert safe_next(target, "/") == expected


def test_switcher_ignores_a_foreign_next(client):
    response = client.post("/language", data={"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_400(client):
    assert client.post("/language", data={"lang": "de"}).status_code == 400


@pytest.mark.parametrize(
    ("lang", "start", "end", "expected"),
    [
        ("ru", date(2027, 5, 12), date(2027, 5, 15), "12–15 мая 2027\u202fг."),
        ("en", date(2027, 5, 12), date(2027, 5, 15), "12–15 May 2027"),
        ("en", date(2027, 5, 30), date(2027, 6, 2), "30 May\u2009–\u20092 Jun 2027"),
        ("ru", date(2027, 5, 12), date(2027, 5, 12), "12 мая 2027\u202fг."),
        ("en", date(2027, 12, 30), date(2028, 1, 2), "30 Dec 2027\u2009–\u20092 Jan 2028"),
    ],
)
def test_date_ranges_are_formatted_for_the_locale(app, lang, start, end, expected):
    with app.test_request_context(headers={"Accept-Language": lang}):
        assert format_date_range(start, end) == expected


class Named:
    def __init__(self, ru: str | None, en: str | None) -> None:
        self.name_ru, self.name_en = ru, en


@pytest.mark.parametrize(
    ("ru", "en", "lang", "expected"),
    [
        ("Минск", "Minsk", "ru", "Минск"),
        ("Минск", "Minsk", "en", "Minsk"),
        ("Минск", None, "en", "Минск"),
        ("Минск", "", "en", "Минск"),
        (None, "Minsk", "ru", "Minsk"),
        (None, None, "ru", ""),
    ],
)
def test_localized_falls_back_to_the_other_language(ru, en, lang, expected):
    assert localized(Named(ru, en), "name", lang) == expected


def test_numbers_use_the_locale(client, make_fair):
    make_fair(slug="big", capacity=12500, capacity_unit="sqm")
    assert "12\xa0500 м²" in client.get("/fairs/big").get_data(as_text=True)
    english = client.get("/fairs/big", headers={"Accept-Language": "en"})
    assert "12,500 m²" in english.get_data(as_text=True)


def test_catalogues_are_current_and_russian_is_complete(project_root, tmp_path):
    """Every message in the code and templates is in the catalogue, translated into Russian."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--ignore-dirs",
            ".* __pycache__ instance",
            "-o",
            str(pot),
            "--no-location",
            ".",
        ],
        cwd=project_root,
        check=True,
    )
    with pot.open("rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    for lang in ("ru", "en"):
        path = project_root / f"fairplanner/translations/{lang}/LC_MESSAGES/messages.po"
        with path.open("rb") as f:
            catalogue = read_po(f)
        known = {m.id for m in catalogue if m.id}
        assert extracted <= known, f"{lang}: run `make i18n`; missing {extracted - known}"
        if lang == "ru":
            untranslated = [
                m.id
                for m in catalogue
                if m.id
                and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))
            ]
            assert untranslated == []
