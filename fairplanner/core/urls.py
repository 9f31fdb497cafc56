"""Addresses as the public knows them: PUBLIC_BASE_URL, not the host a request came in on
(mails, calendar files, structured data and the sitemap leave the site, and the page cache
stores blocks for every host)."""

from __future__ import annotations

from flask import current_app


def public_url(path: str) -> str:
    """`path` (starting with "/") under the site's public address."""
    return current_app.config["PUBLIC_BASE_URL"] + path
