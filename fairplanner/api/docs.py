"""The API's documentation, served by the app itself under its strict Content-Security-Policy.

- /api/docs: the reference, rendered here from the generated OpenAPI document (the same dict
  that /api/v1/openapi.json serves, so it cannot drift from the code) inside the site's own
  page, in Russian or English: an introduction, then every operation and schema as tables.
- /api/docs/explorer: Swagger UI, to try the operations from the browser. Its files come from
  the pinned flask-swagger-ui package (Swagger UI 5.34, which reads OpenAPI 3.1 documents;
  swagger-ui-bundle 1.1.0 carries Swagger UI 4.15, which refuses them). We serve only its
  built files, from our own view: the package's blueprint writes its settings into an inline
  script, which our CSP (script-src 'self') refuses; ours start it from a static file.

Why outside /api/v1: the docs are pages for people (HTML, the site's chrome), not a versioned
resource; everything under /api/v1 is described by the document and answers JSON, and one
docs address will list v2 beside v1 when that comes.
"""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, abort, render_template, send_from_directory
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from fairplanner.api import PREFIX, api, reference
from fairplanner.catalogue.models import Fair, FairStatus
from fairplanner.core.urls import public_url
from fairplanner.exhibitors.queries import fairs_with_exhibitors
from fairplanner.extensions import db
from fairplanner.readonly import read_only

bp = Blueprint("api_guide", __name__, url_prefix="/api/docs")

SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
SWAGGER_UI_VERSION = (SWAGGER_UI_DIST / "VERSION").read_text(encoding="utf-8").strip()
# The only files of the package the explorer needs (its index.html and OAuth page are not ours).
SWAGGER_UI_FILES = frozenset({"swagger-ui-bundle.js", "swagger-ui.css"})
ASSET_MAX_AGE = 7 * 24 * 3600  # the URL carries the version: a new one is a new URL

# The rate limits' headers as fairplanner.api.limits sends them (tests/api/test_docs.py
# checks them against a real answer).
RATE_LIMIT_HEADERS = (
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
)
# How long v1 keeps answering once v2 is out (the versioning rules).
NOTICE_MONTHS = 6

# What a request with a bad parameter gets (tests/api/test_docs.py checks that it is what the
# API really answers).
PROBLEM_REQUEST = "/fairs?limit=500"
PROBLEM_EXAMPLE = """{
  "type": "about:blank",
  "title": "Unprocessable Entity",
  "status": 422,
  "detail": "Some parameters are not valid: limit.",
  "errors": {
    "limit": [
      "Must be greater than or equal to 1 and less than or equal to 100."
    ]
  }
}"""


def _samples() -> dict[str, str]:
    """Real values for the curl examples' path parameters: a fair whose exhibitor catalogue
    lists someone (so that every example answers with data), else any published fair."""
    slug = db.session.scalar(fairs_with_exhibitors().limit(1)) or db.session.scalar(
        select(Fair.slug).where(Fair.status == FairStatus.PUBLISHED).order_by(Fair.id).limit(1)
    )
    return {"slug": slug or "belagro-2027"}


@bp.get("")
@read_only
def docs() -> ResponseReturnValue:
    """The API reference: the introduction, every operation by tag, every schema."""
    document = api.spec.to_dict()
    base = public_url(PREFIX)
    return render_template(
        "api/docs.html",
        document=document,
        base=base,
        groups=reference.groups(document, base=public_url(""), samples=_samples()),
        schemas=reference.schema_tables(document),
        problem_request=base + PROBLEM_REQUEST,
        problem_example=PROBLEM_EXAMPLE,
        rate_limit_headers=RATE_LIMIT_HEADERS,
        notice_months=NOTICE_MONTHS,
    )


@bp.get("/explorer")
@read_only
def explorer() -> ResponseReturnValue:
    """Swagger UI over the generated document, started by static/js/api-explorer.js."""
    return render_template("api/explorer.html", swagger_ui_version=SWAGGER_UI_VERSION)


@bp.get("/explorer/<path:filename>")
@read_only
def explorer_file(filename: str) -> ResponseReturnValue:
    """Swagger UI's own script and stylesheet, from the pinned package."""
    if filename not in SWAGGER_UI_FILES:
        abort(404)
    return send_from_directory(SWAGGER_UI_DIST, filename, max_age=ASSET_MAX_AGE)
