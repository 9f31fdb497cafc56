"""Language choice, bilingual content with fallback, and Minsk-local dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_interval
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import format_date, get_locale, get_translations

MINSK = ZoneInfo("Europe/Minsk")
# The Babel locale used to format dates and numbers for each interface language: English
# readers of a Belarusian calendar expect "12–15 May 2027", the British order.
FORMAT_LOCALES = {"ru": "ru", "en": "en_GB"}


def minsk_today() -> date:
    """Today's date in Minsk, which is what "upcoming" and deadlines mean here."""
    return datetime.now(MINSK).date()


def select_locale() -> str:
    """The remembered choice first, then the browser's Accept-Language, then Russian."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background work speak Russian
        return FORMAT_LOCALES[languages[0]]
    chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if chosen not in languages:
        chosen = request.accept_languages.best_match(languages) or languages[0]
    return FORMAT_LOCALES[chosen]


def current_language() -> str:
    """The interface language as a two-letter code ("ru" or "en")."""
    locale = get_locale()
    return locale.language if locale is not None else "ru"


def localized(obj: Any, field: str, lang: str | None = None) -> str:
    """`obj.<field>_<lang>`, falling back to the other language when it is empty."""
    lang = lang or current_language()
    other = "en" if lang == "ru" else "ru"
    return getattr(obj, f"{field}_{lang}", None) or getattr(obj, f"{field}_{other}", None) or ""


def format_date_range(start: date, end: date) -> str:
    """ "12–15 мая 2027 г." / "12–15 May 2027", collapsing what the two dates share."""
    locale = get_locale()
    if start == end:
        return format_date(start, "long")
    return format_interval(start, end, "yMMMd", locale=locale)


def template_translations() -> NullTranslations:
    """The catalogue of this request's locale, looked up once per request and locale.

    Templates call `_()` dozens of times per page, and Flask-Babel's own lookup walks the
    request context, the domain and the locale anew each time (about forty calls). Kept on `g`
    with the locale it was found for: `force_locale` (mail in the company's language) sets
    another locale object, so the catalogue is looked up again inside it and after it.
    """
    if not has_request_context():
        return get_translations()
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    kept = g.get("_template_translations")
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    g._template_translations = (getattr(g.get("_flask_babel"), "babel_locale", None), translations)
    return translations


def install_template_gettext(app: Flask) -> None:
    """Flask-Babel's `_`, `ngettext`, `pgettext` in templates, through `template_translations`."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: template_translations().ugettext(s),
        ngettext=lambda s, p, n: template_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: template_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: template_translations().unpgettext(c, s, p, n),
    )
