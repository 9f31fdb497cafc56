"""Templates look the catalogue up once per request (fairplanner.i18n.template_translations),
and still follow `force_locale` (mail in the company's language) inside and after it."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale


def test_templates_follow_the_locale_forced_inside_a_request(app):
    source = '{{ _("Log out") }}'
    with app.test_request_context("/", headers={"Accept-Language": "ru"}):
        assert render_template_string(source) == "Выйти"
        with force_locale("en"):
            assert render_template_string(source) == "Log out"
        assert render_template_string(source) == "Выйти"


def test_the_catalogue_is_looked_up_once_per_request(app, monkeypatch):
    from fairplanner import i18n

    calls = []
    real = i18n.get_translations
    monkeypatch.setattr(i18n, "get_translations", lambda: calls.append(1) or real())
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string('{{ _("Log out") }} {{ _("Log in") }}') == "Log out Log in"
        render_template_string('{{ _("Log out") }}')
    assert len(calls) == 1
