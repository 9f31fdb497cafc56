"""The API's guide (/api/docs) and explorer (/api/docs/explorer): read from the generated
document (a new operation shows by itself), under the app's CSP with no inline script or
style, examples that are true (the problem, the curl commands), Swagger UI's own files served
from the pinned package. SQLite only: nothing here depends on the database."""

from __future__ import annotations

import inspect
import json
import re
import shlex
from html.parser import HTMLParser

import pytest

from fairplanner.api import docs, limits, reference

pytestmark = pytest.mark.sqlite_only


class Markup(HTMLParser):
    """What the CSP cares about: scripts (inline or not), style elements and attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str | None] = []
        self.styles = 0
        self.style_attributes = 0
        self.ids: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self.scripts.append(found.get("src"))
        if tag == "style":
            self.styles += 1
        if "style" in found:
            self.style_attributes += 1
        if found.get("id"):
            self.ids.append(found["id"])
        if tag == "a" and found.get("href"):
            self.hrefs.append(found["href"])


def parse(html: str) -> Markup:
    parsed = Markup()
    parsed.feed(html)
    return parsed


@pytest.fixture
def exhibited(factories, make_fair):
    fair = make_fair(slug="belagro", name_ru="Белагро", name_en="Belagro", programme=1)
    factories.registration(fair, factories.company(legal_name="ООО «Вятка»"))
    factories.session.commit()
    return fair


@pytest.mark.parametrize(("lang", "heading"), [("en", "Versions"), ("ru", '<html lang="ru">')])
def test_the_guide_has_every_operation_and_schema_of_the_document(client, lang, heading):
    document = client.get("/api/v1/openapi.json").get_json()
    response = client.get("/api/docs", headers={"Accept-Language": lang})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert heading in html
    ids = set(parse(html).ids)
    for path, item in document["paths"].items():
        for method in item:
            if method in reference.METHODS:
                assert reference.operation_anchor(method, path) in ids, (method, path)
    for name in document["components"]["schemas"]:
        assert reference.schema_anchor(name) in ids
    for section in ("basics", "languages", "errors", "pages", "caching", "cors", "tokens"):
        assert section in ids
    assert "versions" in ids


def test_the_guide_and_explorer_keep_to_the_csp(client):
    for url in ("/api/docs", "/api/docs/explorer"):
        response = client.get(url)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        found = parse(response.get_data(as_text=True))
        assert None not in found.scripts, f"an inline script on {url}"
        assert all(src.startswith("/") for src in found.scripts), found.scripts  # no CDN
        assert (found.styles, found.style_attributes) == (0, 0), url
    explorer = parse(client.get("/api/docs/explorer").get_data(as_text=True))
    assert "/static/js/api-explorer.js" in explorer.scripts
    assert any(
        src.startswith("/api/docs/explorer/swagger-ui-bundle.js") for src in explorer.scripts
    )


def test_the_explorer_serves_swagger_ui_5_from_the_package_and_nothing_else(client):
    # Swagger UI reads OpenAPI 3.1 documents from version 5 on.
    assert docs.SWAGGER_UI_VERSION.startswith("v5.")
    with client.get("/api/docs/explorer/swagger-ui-bundle.js") as script:
        assert script.status_code == 200
        assert script.mimetype == "text/javascript"
        assert script.cache_control.max_age == docs.ASSET_MAX_AGE
    with client.get("/api/docs/explorer/swagger-ui.css") as stylesheet:  # closes the file
        assert stylesheet.mimetype == "text/css"
    # The package's own index.html writes its settings into an inline script: not served.
    for name in ("index.html", "swagger-initializer.js", "..%2F__init__.py", "LICENSE"):
        assert client.get(f"/api/docs/explorer/{name}").status_code == 404


def test_the_problem_example_is_what_the_api_answers(client):
    response = client.get("/api/v1" + docs.PROBLEM_REQUEST, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.get_json() == json.loads(docs.PROBLEM_EXAMPLE)


def test_every_curl_example_answers(app, client, exhibited):
    html = client.get("/api/docs", headers={"Accept-Language": "en"}).get_data(as_text=True)
    commands = re.findall(r"<pre class=\"api-code\"><code>(curl [^<]*)</code></pre>", html)
    document = client.get("/api/v1/openapi.json").get_json()
    operations = [
        operation
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in reference.METHODS
    ]
    assert len(commands) == len(operations) > 6
    public = [c for c in commands if "Authorization" not in c]
    # Exactly the operations that need a token send one.
    assert len(commands) - len(public) == sum("security" in o for o in operations)
    for command in public:
        words = shlex.split(command.replace("&#39;", "'").replace("&amp;", "&"))
        url = words[-1]
        base = app.config["PUBLIC_BASE_URL"]
        assert url.startswith(base + "/api/v1/"), url
        response = client.get(url.removeprefix(base))
        assert response.status_code == 200, (url, response.get_json())
    assert "/api/v1/fairs/belagro/exhibitors" in html  # a fair with exhibitors, for real data


def test_the_guide_follows_the_document_not_a_copy_of_it():
    """An operation with a token, a body and a nullable enum: all read from the document."""
    document = {
        "openapi": "3.1.0",
        "tags": [{"name": "applications", "description": "A company's applications"}],
        "paths": {
            "/api/v1/applications/{id}": {
                "parameters": [{"in": "path", "name": "id", "required": True}],
                "patch": {
                    "tags": ["applications"],
                    "summary": "Change an application.",
                    "security": [{"bearerAuth": ["write"]}],
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Change"}}
                        }
                    },
                    "responses": {"200": {"description": "OK"}},
                },
            }
        },
        "components": {
            "schemas": {
                "Change": {
                    "type": "object",
                    "properties": {
                        "area": {"type": "integer", "minimum": 6, "maximum": 500},
                        "role": {"enum": ["exhibitor", "visitor", None]},
                        "note": {"type": ["string", "null"]},
                    },
                    "required": ["area", "role"],
                }
            }
        },
    }
    (group,) = reference.groups(document, base="https://fairs.example", samples={"id": "7"})
    (operation,) = group.operations
    assert (group.tag, operation.method, operation.scopes) == ("applications", "PATCH", ["write"])
    assert [p.name for p in operation.parameters] == ["id"]
    assert 'href="#schema-Change"' in operation.body_type
    words = shlex.split(operation.curl)
    assert words[:3] == ["curl", "-X", "PATCH"]
    assert "Authorization: Bearer $FAIRPLANNER_TOKEN" in words
    assert json.loads(words[words.index("--data") + 1]) == {"area": 6, "role": "exhibitor"}
    assert words[-1] == "https://fairs.example/api/v1/applications/7"
    (table,) = reference.schema_tables(document)
    types = {f.name: str(f.type) for f in table.fields}
    assert types["area"] == "<code>integer</code>, 6–500"
    assert types["role"].endswith(" | <code>null</code>")
    assert "<code>exhibitor</code>" in types["role"]
    assert types["note"] == "<code>string</code> | <code>null</code>"
    assert [f.required for f in table.fields] == [True, True, False]


def test_descriptions_from_the_document_are_escaped():
    document = {
        "paths": {"/x": {"get": {"summary": "<script>alert(1)</script>", "responses": {}}}},
        "components": {"schemas": {"<b>": {"enum": ["<i>"]}}},
    }
    (table,) = reference.schema_tables(document)
    assert "<i>" not in str(table.type)
    assert str(reference.type_of({"$ref": "#/components/schemas/<b>"})).count("<b>") == 0


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"].rsplit("/", 1)[-1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_answers_are_open_to_new_fields(client):
    """The versioning rules let v1 answers gain fields: no schema that a public read's answer
    uses may say `additionalProperties: false`, or a strict generated client would break on
    the first; the token operations' answers included."""
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    seen: set[str] = set()
    todo = [
        name
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in reference.METHODS
        for name in _refs(operation.get("responses", {}))
    ]
    todo += list(_refs(document["components"].get("responses", {})))
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        assert schemas[name].get("additionalProperties") is not False, name
        todo += list(_refs(schemas[name]))
    assert {"Fair", "FairDetail", "Exhibitor", "Problem", "Text"} <= seen


def test_every_page_links_to_the_guide(client):
    assert 'href="/api/docs"' in client.get("/").get_data(as_text=True)
    assert 'href="/api/docs"' in client.get("/privacy").get_data(as_text=True)


def test_the_guide_names_the_rate_limit_headers_the_app_sends(client):
    html = client.get("/api/docs", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert ", ".join(docs.RATE_LIMIT_HEADERS) in html
    # The limits module sets each of them (tests/api/test_tokens.py checks them on answers;
    # an app with the limits on here would leave the shared limiter on for later tests).
    source = inspect.getsource(limits.headers)
    for name in docs.RATE_LIMIT_HEADERS:
        assert f'response.headers["{name}"]' in source
