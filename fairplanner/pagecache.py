"""Whole pages for anonymous visitors, kept in the shared cache (fairplanner.cache).

Only the catalogue's public pages, only for requests that carry neither a session nor a
remember-me cookie (so nothing personal can be on the page), and only when rendering them left
the session untouched. The key holds the generations of what the page shows, the interface
language, the date in Minsk, the path and the query parameters the page reads: their names
in a fixed order with every value as sent (a parameter the page does not read is not part of
the key, so `/?utm_source=…` is served the page of `/`). A page is stored only for a request
with no other parameters: junk parameters can neither fill the cache with copies of one page
(each under its own key) nor put their text on a page that others are served (the page links
back to its full address, junk included, in "Log in" and the language switch). The hook runs
before every other one, which keeps a hit almost as cheap as a bare route; the security
headers are still added to it.

Signed-in visitors never get a stored page (it shows who they are, and their CSRF token), but
the same pages' own blocks (title and content: the list, the month, the fair) show nothing of
the reader except what `render_page` is told (the fair page: the reader's company, whose
applications it shows). `render_page` keeps those blocks in the shared cache under the same
key as the page plus that, and renders around them, for each request, only base.html: the
header with the reader's links, the CSRF token, the flashed messages. The view's queries run
only when the blocks are not stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask.signals import before_render_template, template_rendered
from jinja2.runtime import Context
from markupsafe import Markup

from fairplanner.cache import cache_key, shared_cache
from fairplanner.chrome import page_frame
from fairplanner.i18n import current_language, minsk_today

# The page that holds stored blocks: base.html around them.
PARTS_TEMPLATE = "_page_parts.html"

# What the catalogue's filter form reads from the query string (FilterForm's field names):
# tests/test_pagecache.py checks that the two agree.
FILTER_PARAMETERS = (
    "q",
    "sector",
    "oblast",
    "city",
    "organizer",
    "kind",
    "from",
    "to",
    "past",
    "page",
)

# endpoint -> (the generations its page depends on, the query parameters it reads)
CACHED_PAGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "catalogue.index": (("catalogue",), FILTER_PARAMETERS),
    "catalogue.month": (("catalogue",), FILTER_PARAMETERS),
    # It shows the free stands and the B2B programme's days.
    "catalogue.fair": (("catalogue", "registrations", "meetings"), ()),
}


def public_page() -> bool:
    """Whether this request reads one of the catalogue's public pages (nothing private on it
    but the reader's header and what `render_page` is told)."""
    return request.method in ("GET", "HEAD") and request.endpoint in CACHED_PAGES


def read_parameters(names: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The parameters among `names` that the request has, in the order of `names`, each with
    all its values in the order sent (a form field may read more than the first)."""
    args = request.args
    return tuple((name, tuple(args.getlist(name))) for name in names if name in args)


def page_key() -> tuple[str, bool] | None:
    """The cache key of this request's page and whether the page may be stored under it, or
    None when it must be rendered."""
    config = current_app.config
    if request.method not in ("GET", "HEAD"):
        return None
    page = CACHED_PAGES.get(request.endpoint or "")
    if page is None:
        return None
    generations, parameters = page
    cookies = request.cookies
    if config["SESSION_COOKIE_NAME"] in cookies or (
        config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
    ):
        return None
    read = read_parameters(parameters)
    key = cache_key("page", generations, (current_language(), minsk_today(), request.path, read))
    if key is None:
        return None
    storable = all(name in parameters for name in request.args)
    return key, storable


def _serve() -> Response | None:
    found = page_key()
    if found is None:
        return None
    key, storable = found
    body = shared_cache().get(key)
    if body is None:
        if storable:
            g.page_key = key
        return None
    response = Response(body, mimetype="text/html")
    response.headers["X-Cache"] = "hit"
    return response


def _store(response: Response) -> Response:
    key = g.pop("page_key", None)
    if key is None:
        return response
    if response.status_code != 200 or response.is_streamed or session.modified:
        return response
    if "Set-Cookie" in response.headers:
        return response
    shared_cache().set(key, response.get_data(), ttl=current_app.config["PAGE_CACHE_SECONDS"])
    response.headers["X-Cache"] = "miss"
    return response


def render_page(
    template_name: str, context: Callable[[], dict[str, Any]], *, reader: tuple[Any, ...] = ()
) -> str | bytes:
    """`template_name` rendered with `context()`; its own blocks come from the shared cache
    when stored (then `context` is not called). `reader` is what of the reader those blocks
    show; everything else they show must be in the page's key (CACHED_PAGES)."""
    generations, parameters = CACHED_PAGES[request.endpoint or ""]
    parts = (current_language(), minsk_today(), request.path, read_parameters(parameters), reader)
    key = cache_key("blocks", generations, (request.endpoint, *parts))
    stored = shared_cache().get(key) if key is not None else None
    if stored is not None:
        return page_frame(PARTS_TEMPLATE, *_parsed(key, stored))
    page, blocks = _render_keeping_blocks(template_name, context())
    if key is not None and not _personal(blocks):
        ttl = current_app.config["PAGE_CACHE_SECONDS"]
        shared_cache().set(key, json.dumps(blocks, ensure_ascii=False).encode(), ttl=ttl)
    return page


# Stored blocks parsed (and encoded, for chrome.page_frame), by key: the key holds the
# generations, so a key's blocks never change.
_PARSED_MAX = 256
_parsed_blocks: dict[str, tuple[dict[str, Markup], dict[str, bytes]]] = {}


def _parsed(key: str, stored: bytes) -> tuple[dict[str, Markup], dict[str, bytes]]:
    found = _parsed_blocks.get(key)
    if found is None:
        if len(_parsed_blocks) >= _PARSED_MAX:
            _parsed_blocks.clear()
        blocks = {name: Markup(html) for name, html in json.loads(stored).items()}  # noqa: S704 - HTML rendered by our templates
        found = (blocks, {name: html.encode() for name, html in blocks.items()})
        _parsed_blocks[key] = found
    return found


def _personal(blocks: dict[str, str]) -> bool:
    """Whether the blocks hold this session's CSRF token (a form added to a page's content):
    then they are the reader's own and must not be stored for others."""
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    return bool(token) and any(token in html for html in blocks.values())


def _render_keeping_blocks(name: str, context: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The page, as `render_template` makes it, and the output of each block that the page's
    own template defines (not those of base.html it extends)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_template(name)
    app.update_template_context(context)
    before_render_template.send(
        app, _async_wrapper=app.ensure_sync, template=template, context=context
    )
    kept: dict[str, str] = {}
    render_context = template.new_context(context)
    for block in template.blocks:
        render_context.blocks[block][0] = _keeping(block, render_context.blocks[block][0], kept)
    try:
        page = app.jinja_env.concat(template.root_render_func(render_context))  # type: ignore[attr-defined]
    except Exception:
        app.jinja_env.handle_exception()
    template_rendered.send(app, _async_wrapper=app.ensure_sync, template=template, context=context)
    return page, kept


def _keeping(
    name: str, block: Callable[[Context], Iterator[str]], kept: dict[str, str]
) -> Callable[[Context], Iterator[str]]:
    def render(context: Context) -> Iterator[str]:
        kept[name] = html = "".join(block(context))
        yield html

    return render


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _serve)
    app.after_request(_store)
