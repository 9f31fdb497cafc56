"""/sitemap.xml and /robots.txt: what search engines may read, and every public page to read.

The pages come from the packages that own them (the catalogue its fairs, later the exhibitor
lists and company pages): each registers a source at start-up (`provide`), with the cache
generations its pages follow, and this module knows none of them. The sitemap is built once
per generation and kept in the shared cache (fairplanner.cache); addresses are the public ones
(PUBLIC_BASE_URL). One file holds up to 50,000 addresses (the protocol's limit); the catalogue
at national scale has about 5,000.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from flask import Flask, current_app

from fairplanner.cache import cached
from fairplanner.core.urls import public_url

# The protocol's limit for one file (sitemaps.org).
MAX_URLS = 50_000
EXTENSION = "fairplanner.sitemap"


@dataclass(frozen=True)
class Page:
    path: str
    modified: date | None = None


@dataclass(frozen=True)
class Source:
    pages: Callable[[], Iterable[Page]]
    generations: tuple[str, ...]


def provide(
    app: Flask, pages: Callable[[], Iterable[Page]], *, generations: tuple[str, ...]
) -> None:
    """Add the public pages `pages()` lists (read when the sitemap is built), which change with
    `generations`."""
    app.extensions.setdefault(EXTENSION, []).append(Source(pages, generations))


def sitemap() -> bytes:
    sources: list[Source] = current_app.extensions.get(EXTENSION, [])
    generations = tuple(sorted({name for source in sources for name in source.generations}))
    return cached("sitemap", generations, (current_app.config["PUBLIC_BASE_URL"],), _build)


def _build() -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    count = 0
    for source in current_app.extensions.get(EXTENSION, []):
        for page in source.pages():
            if count == MAX_URLS:
                break
            count += 1
            modified = f"<lastmod>{page.modified.isoformat()}</lastmod>" if page.modified else ""
            lines.append(f"<url><loc>{escape(public_url(page.path))}</loc>{modified}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


# Private or endless addresses: accounts, the console, applications, the month grids and feeds
# (every fair has its own page in the sitemap), and any address with a query (filters, search,
# pages of the list).
DISALLOWED = (
    "/account",
    "/company$",
    "/company/",
    "/my",
    "/organizer",
    "/login",
    "/logout",
    "/signup",
    "/password",
    "/invite",
    "/verify",
    "/unsubscribe",
    "/language",
    "/calendar",
    "/metrics",
    "/healthz",
    "/*?",
)


def robots() -> str:
    rules = "".join(f"Disallow: {path}\n" for path in DISALLOWED)
    return f"User-agent: *\n{rules}\nSitemap: {public_url('/sitemap.xml')}\n"
