"""A company's endpoints: its profile, applications and calendar feed, with a member's token.
The pages' rules apply (the same forms and services), and the history says "through the API"."""

from __future__ import annotations

from sqlalchemy import func, select

from fairplanner.accounts.models import Role
from fairplanner.registrations.models import Registration, RegistrationChange


def _count(db, model):
    return db.session.scalar(select(func.count(model.id)))


def test_me_says_who_the_token_acts_for(client, make_user, make_token):
    user = make_user()
    response = client.get("/api/v1/me", headers=make_token(user, write=False))
    assert response.status_code == 200
    assert response.json["email"] == user.email
    assert response.json["role"] == "member"
    assert response.json["company"]["legal_name"] == user.company.legal_name
    assert response.json["token"]["scope"] == "read"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Access-Control-Allow-Origin" not in response.headers


def test_private_endpoints_need_a_token_and_a_company(client, factories, make_user, make_token):
    for path in ("/api/v1/me", "/api/v1/company", "/api/v1/company/applications"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="FairPlanner API"'
    staff = make_user(role=Role.STAFF, organizer_id=factories.organizer().id)
    response = client.get("/api/v1/company", headers=make_token(staff))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    # A browser's login cookie does not authenticate an API call.
    member = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = member.get_id()
    assert client.get("/api/v1/company").status_code == 401


def test_the_profile_is_read_and_patched_through_the_page_rules(client, db, make_user, make_token):
    user = make_user()
    header = make_token(user)
    profile = client.get("/api/v1/company", headers=header).json
    assert profile["country"] == "RU"
    assert profile["profile_complete"] is True
    response = client.patch(
        "/api/v1/company", json={"short_name": "Вятка", "language": "en"}, headers=header
    )
    assert response.status_code == 200, response.json
    assert response.json["short_name"] == "Вятка"
    assert '"short_name": "Вятка"' in response.get_data(as_text=True).replace('":"', '": "')
    assert response.json["legal_name"] == profile["legal_name"]  # the others stay
    # The tax number is checked against the country, as on the page: nothing is saved.
    response = client.patch(
        "/api/v1/company", json={"tax_id": "1234", "short_name": "X"}, headers=header
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"tax_id"}
    db.session.refresh(user.company)
    assert user.company.short_name == "Вятка"
    # Unknown fields and wrong types are refused by the schema.
    response = client.patch("/api/v1/company", json={"owner": "me"}, headers=header)
    assert response.status_code == 422
    assert "owner" in response.json["errors"]


def test_a_read_token_cannot_change_anything(client, db, make_user, make_token, make_fair):
    user = make_user()
    header = make_token(user, write=False)
    response = client.patch("/api/v1/company", json={"short_name": "X"}, headers=header)
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    fair = make_fair()
    response = client.post(
        "/api/v1/company/applications",
        json={
            "fair": fair.slug,
            "role": "visitor",
            "delegates": [{"name": "A"}],
            "aims": ["sales"],
        },
        headers=header,
    )
    assert response.status_code == 403
    assert _count(db, Registration) == 0


def test_apply_edit_withdraw_with_the_history_marked_api(
    client, db, make_user, make_token, make_fair
):
    user = make_user()
    header = make_token(user)
    fair = make_fair(capacity=100, stand_area_min=6, stand_area_max=50)
    body = {"fair": fair.slug, "role": "exhibitor", "stand_type": "indoor", "area": 12}
    response = client.post("/api/v1/company/applications", json=body, headers=header)
    assert response.status_code == 201, response.json
    created = response.json
    assert created["status"] == "submitted"
    assert created["fair"]["slug"] == fair.slug
    assert created["history"][0]["via"] == "api"
    assert created["history"][0]["token"] == "test"
    # The same application again: the service's rule, 409.
    again = client.post("/api/v1/company/applications", json=body, headers=header)
    assert again.status_code == 409
    assert again.json["detail"]
    # The fair's area limits are the form's: 422 per field, nothing changed.
    path = f"/api/v1/company/applications/{created['id']}"
    response = client.patch(path, json={"area": 500}, headers=header)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"area"}
    response = client.patch(path, json={"area": 20, "needs_power": True}, headers=header)
    assert response.status_code == 200
    assert response.json["area"] == 20.0
    assert response.json["needs_power"] is True
    assert response.json["stand_type"] == "indoor"  # kept
    edited = response.json["history"][-1]
    assert edited["action"] == "edited"
    assert edited["via"] == "api"
    assert [float(v) for v in edited["changes"]["area"]] == [12.0, 20.0]
    response = client.post(path + "/withdraw", headers=header)
    assert response.status_code == 200
    assert response.json["status"] == "withdrawn"
    assert client.post(path + "/withdraw", headers=header).status_code == 409
    tokens = db.session.scalars(select(RegistrationChange.api_token_id)).all()
    assert len(tokens) == 3
    assert None not in tokens


def test_visitor_application_checks_delegates_per_field(
    client, db, make_user, make_token, make_fair
):
    user = make_user()
    header = make_token(user)
    fair = make_fair()
    response = client.post(
        "/api/v1/company/applications",
        json={"fair": fair.slug, "role": "visitor", "delegates": [{"name": "", "position": "CEO"}]},
        headers=header,
    )
    assert response.status_code == 422
    assert "delegates.0.position" in response.json["errors"]
    assert "aims" in response.json["errors"]
    response = client.post(
        "/api/v1/company/applications",
        json={"fair": "no-such-fair", "role": "visitor"},
        headers=header,
    )
    assert response.status_code == 422
    assert "fair" in response.json["errors"]
    assert _count(db, Registration) == 0
    response = client.post(
        "/api/v1/company/applications",
        json={
            "fair": fair.slug,
            "role": "visitor",
            "delegates": [{"name": "Иванова Мария", "position": "директор"}],
            "aims": ["sales", "partners"],
        },
        headers=header,
    )
    assert response.status_code == 201, response.json
    assert response.json["delegates"] == [{"name": "Иванова Мария", "position": "директор"}]


def test_another_companys_application_is_404(client, factories, make_user, make_token, make_fair):
    fair = make_fair()
    other = factories.registration(fair, factories.company())
    user = make_user()
    header = make_token(user)
    for method, path in (
        ("get", f"/api/v1/company/applications/{other.id}"),
        ("patch", f"/api/v1/company/applications/{other.id}"),
        ("post", f"/api/v1/company/applications/{other.id}/withdraw"),
    ):
        response = getattr(client, method)(path, json={}, headers=header)
        assert response.status_code == 404, path
    assert client.get("/api/v1/company/applications", headers=header).json == []


def test_the_private_feed_address(client, make_user, make_token):
    user = make_user()
    header = make_token(user, write=False)
    first = client.get("/api/v1/company/calendar-feed", headers=header).json
    assert first["url"].startswith("http")
    assert first["webcal"].startswith("webcal://")
    assert client.get("/api/v1/company/calendar-feed", headers=header).json == first
    assert client.get(first["url"].split("localhost", 1)[-1]).status_code == 200


def test_the_pages_show_what_came_through_the_api(
    client, factories, make_user, make_token, make_fair, login_as
):
    user = make_user()
    fair = make_fair()
    body = {"fair": fair.slug, "role": "exhibitor", "stand_type": "indoor", "area": 12}
    header = make_token(user)
    created = client.post("/api/v1/company/applications", json=body, headers=header).json
    login_as(user)
    page = client.get(f"/my/registrations/{created['id']}")
    assert "через API (токен «test»)" in page.text
    staff = make_user(role=Role.STAFF, organizer_id=fair.organizer_id)
    login_as(staff)
    page = client.get(f"/organizer/registrations/{created['id']}")
    assert page.status_code == 200
    assert "через API (токен «test»)" in page.text
