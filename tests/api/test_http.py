"""HTTP around the API (SQLite only: no query here depends on the database): problem
details, ETag and 304, Cache-Control, CORS for reads alone, and the OpenAPI document
agreeing with the app's routes."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.sqlite_only

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"sector": "no-such-sector"}, "sector"),
        ({"city": "atlantis"}, "city"),
        ({"limit": "500"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"from": "yesterday"}, "from"),
        ({"kind": "party"}, "kind"),
        ({"cursor": "forged"}, "cursor"),
    ],
)
def test_bad_parameter_is_a_422_problem_naming_it(client, args, field):
    response = client.get("/api/v1/fairs", query_string=args)
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == 422
    assert {"type", "title", "detail"} <= body.keys()
    assert list(body["errors"]) == [field]


def test_end_before_start_is_a_422(client):
    response = client.get("/api/v1/fairs", query_string={"from": "2030-05-10", "to": "2030-05-01"})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["to"]


def test_unknown_fair_is_a_404_problem_in_the_readers_language(client):
    response = client.get("/api/v1/fairs/nope", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert response.get_json()["title"] == "Not Found"
    assert client.get("/api/v1/nowhere").mimetype == PROBLEM


def test_html_pages_keep_their_error_pages(client):
    response = client.get("/fairs/nope")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_etag_gives_304_without_running_the_view(client, make_fair, count_queries):
    make_fair(slug="one")
    first = client.get("/api/v1/fairs/one")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=300"
    tag = first.headers["ETag"]
    with count_queries() as counted:
        again = client.get("/api/v1/fairs/one", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["ETag"] == tag
    assert not any("FROM fairs" in s for s in counted.statements)
    other = client.get("/api/v1/fairs", headers={"If-None-Match": tag})
    assert other.status_code == 200  # another address, another tag


def test_a_committed_change_gives_a_new_etag(client, db, make_fair):
    fair = make_fair(slug="one")
    db.session.commit()
    tag = client.get("/api/v1/fairs/one").headers["ETag"]
    fair.name_en = "Renamed"
    db.session.commit()
    fresh = client.get("/api/v1/fairs/one", headers={"If-None-Match": tag})
    assert fresh.status_code == 200
    assert fresh.get_json()["name"]["en"] == "Renamed"
    assert fresh.headers["ETag"] != tag


def test_cors_open_for_reads_only(client):
    response = client.get("/api/v1/sectors", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/fairs",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    refused = client.post("/api/v1/fairs")
    assert refused.status_code == 405
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert "Access-Control-Allow-Origin" not in client.get("/").headers
    for read in ("/api/v1/openapi.json", "/api/v1/fairs/nope", "/api/v1/nowhere"):
        assert client.get(read).headers["Access-Control-Allow-Origin"] == "*"


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def test_openapi_document_and_routes_agree(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }
    routed = {
        (_openapi_path(rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        # The document itself is the one address it does not describe.
        and rule.rule != "/api/v1/openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == routed
    assert ("/api/v1/fairs/{slug}", "GET") in routed
