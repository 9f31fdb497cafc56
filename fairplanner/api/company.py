"""A company's own data, with a company member's token: its profile, its applications and
its private calendar feed. The same forms check the input as on the pages, and the same
services apply it, so the rules are the pages' rules."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "api_company",
    __name__,
    url_prefix="/api/v1",
    description="A company's profile, applications and calendar feed (a member's token).",
)
