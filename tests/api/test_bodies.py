"""What a write's body must be: JSON, well formed, no NUL; every refusal a problem in the
reader's language, and nothing saved."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "detail"),
    [
        ('{"short_name": "a\\u0000b"}', "application/json", 400, "NUL"),
        ('{"short_name": ', "application/json", 400, "not valid JSON"),
        ("short_name=x", "application/x-www-form-urlencoded", 415, "Content-Type"),
        ('{"short_name": "x"}', "text/plain", 415, "Content-Type"),
    ],
)
def test_bad_bodies_are_refused_before_the_view(
    client, db, make_user, make_token, body, content_type, status, detail
):
    user = make_user()
    before = user.company.short_name
    response = client.patch(
        "/api/v1/company",
        data=body,
        headers={**make_token(user), "Content-Type": content_type, "Accept-Language": "en"},
    )
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    assert detail in response.json["detail"]
    db.session.refresh(user.company)
    assert user.company.short_name == before


def test_problem_titles_speak_russian(client, make_user, make_token):
    response = client.get("/api/v1/fairs/nope", headers={"Accept-Language": "ru"})
    assert response.json["title"] == "Не найдено"
    response = client.get("/api/v1/me")
    assert response.json["title"] == "Требуется авторизация"
    response = client.patch(
        "/api/v1/company",
        data="x",
        headers={**make_token(make_user()), "Content-Type": "text/plain"},
    )
    assert response.json["title"] == "Неподдерживаемый формат"
