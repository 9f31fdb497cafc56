"""What the logs must never hold: the secrets that travel in URLs."""

from __future__ import annotations

import pytest

from fairplanner.observability.redact import redact

SECRET = "Qm9vbXNlY3JldA_-x9"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"/calendar/{SECRET}.ics", "/calendar/[redacted].ics"),
        (f"/calendar/{SECRET}.ics?lang=en", "/calendar/[redacted].ics?lang=en"),
        (f"GET /calendar/{SECRET}.ics HTTP/1.1", "GET /calendar/[redacted].ics HTTP/1.1"),
        (f"/password/reset/{SECRET}.Zx1.sig-2", "/password/reset/[redacted]"),
        (f"/verify/{SECRET}", "/verify/[redacted]"),
        (f"/invite/{SECRET}", "/invite/[redacted]"),
        (f"/unsubscribe/{SECRET}", "/unsubscribe/[redacted]"),
        (f"https://fairs.example.by/invite/{SECRET}", "https://fairs.example.by/invite/[redacted]"),
        (f"/login?next=%2Fcalendar%2F{SECRET}.ics", "/login?next=%2Fcalendar%2F[redacted].ics"),
        (
            f"/login?next=%2Fpassword%2Freset%2F{SECRET}",
            "/login?next=%2Fpassword%2Freset%2F[redacted]",
        ),
        (f"/?token={SECRET}&lang=ru", "/?token=[redacted]&lang=ru"),
        (f"/x?lang=ru&api_key={SECRET}", "/x?lang=ru&api_key=[redacted]"),
        (f"/x?reset_token={SECRET}", "/x?reset_token=[redacted]"),
    ],
)
def test_secrets_are_redacted(text, expected):
    assert redact(text) == expected
    assert SECRET not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "/calendar.ics",
        "GET /calendar/<token>.ics 200",  # a URL rule names the secret, it holds none
        "/password/reset/<token>",
        "/calendar",
        "/calendar/2027/5",
        "/fairs/belagro.ics",
        "/fairs/belagro/events/12.ics",
        "/password/forgot",
        "/organizer/fairs/belagro/invite",
        "/static/css/app.css?v=3",
        "/?q=минск&page=2",
        "",
    ],
)
def test_everything_else_is_left_alone(text):
    assert redact(text) == text
