"""The REST API (`/api/v1`): JSON views over the other domains' queries, documented by an
OpenAPI document that flask-smorest builds from the code (served at /api/v1/openapi.json)."""

from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from fairplanner.api.schemas import ProblemSchema

PREFIX = "/api/v1"


class FairPlannerApi(Api):
    """flask-smorest's Api without its error handlers: fairplanner.errors answers every error
    under /api/ as problem details (RFC 9457), the HTML pages' errors stay pages."""

    ERROR_SCHEMA = ProblemSchema
    PROBLEM_CONTENT_TYPE = "application/problem+json"

    def _register_error_handlers(self) -> None:
        return None

    def _register_responses(self) -> None:
        """The document's error responses as fairplanner.errors sends them (smorest's own
        are its error schema in application/json)."""
        for status in http.HTTPStatus:
            response: dict[str, object] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, self.PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Problem details (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, self.PROBLEM_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


api = FairPlannerApi()


def init_app(app: Flask) -> None:
    """The API's settings (the app's config may override them) and its blueprints."""
    app.config.setdefault("API_TITLE", "FairPlanner API")
    app.config.setdefault("API_VERSION", "1")
    # apispec 6.10 writes 3.1 documents (nullable as a list of types, JSON Schema 2020-12).
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    # Cyrillic as UTF-8 rather than \u escapes: half the bytes, and readable in a terminal.
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.setdefault("API_TOKEN_RATE_LIMIT", "600 per minute")
    app.config.setdefault("API_ANONYMOUS_RATE_LIMIT", "120 per minute")
    from fairplanner.api import auth, body, exhibitors, headers, limits, stored  # noqa: F401
    from fairplanner.api.company import blp as company_blp
    from fairplanner.api.organizer import blp as organizer_blp
    from fairplanner.api.views import blp
    from fairplanner.api.webhooks import blp as webhooks_blp
    from fairplanner.extensions import csrf

    api.init_app(
        app,
        spec_kwargs={
            "info": {
                "description": "Trade fairs in Belarus: the public catalogue. "
                "Texts come in Russian and English ({ru, en}); dates are ISO dates, "
                "times ISO 8601 with the Minsk offset.",
            },
        },
    )
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (fp_…), created on the API tokens page of "
            "the profile. Its scope is read or write; it acts as its owner.",
        },
    )
    api.register_blueprint(blp)
    for private in (company_blp, organizer_blp, webhooks_blp):
        api.register_blueprint(private)
        # A token in a header, never a cookie, authenticates an API call: nothing to forge.
        csrf.exempt(private)

    def _before() -> None:
        auth.authenticate()
        limits.check()
        body.check()

    # First of all hooks: before the read-only views' autocommit and the ETag's 304.
    app.before_request_funcs.setdefault(None, []).insert(0, _before)
    app.after_request(limits.headers)
    headers.init_app(app)
    stored.init_app(app)
    from fairplanner.api.docs import bp as docs_bp

    app.register_blueprint(docs_bp)  # /api/docs: the guide and the explorer
