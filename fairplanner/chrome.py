"""The page chrome of base.html, rendered once per language and kept in the process.

Most of base.html — the head's links, the header's links and labels, the language switch, the
footer — depends only on the interface language, the page (its endpoint, for the link marked
`aria-current`) and the build (templates and translations, both fixed for the life of a
process). A signed-in page rendered around stored blocks (fairplanner.pagecache.render_page)
spent a third of its time on it: twenty-odd `_()` and `url_for()` calls for the same output.
`{% call kept("name", *key) %}…{% endcall %}` in a template renders its body the first time and
returns the same markup afterwards for the same name, key, locale and script root. Anything of
the reader (their address, company links, CSRF token, flashed messages, the verify banner, the
page's own address in "next") stays outside these blocks and is rendered per request.

The locale is that of the moment (Flask-Babel's, so `force_locale` renders its own), and keys
are few (names × endpoints × two languages). With templates reloading (debug) or
TEMPLATE_CHROME off, every block is rendered afresh; tests/test_page_chrome.py checks that both
give the same bytes.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from functools import cached_property
from typing import Any

from flask import (
    Flask,
    current_app,
    g,
    get_flashed_messages,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

log = logging.getLogger(__name__)


def kept(*key: Any, caller: Callable[[], str]) -> Markup:
    """The output of `caller` for this name/key, locale and script root, rendered once."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    memo: dict[tuple[Any, ...], Markup] = app.extensions["chrome"]
    # No memo while templates reload (debug): an edited template shows at once.
    if app.jinja_env.auto_reload or not app.config.get("TEMPLATE_CHROME", True):
        return Markup(caller())  # noqa: S704 - the template's own output
    locale = get_locale()
    full_key = (key, str(locale) if locale is not None else "", request.script_root)
    found = memo.get(full_key)
    if found is None:
        found = memo[full_key] = Markup(caller())  # noqa: S704 - the template's own output
    return found


def init_app(app: Flask) -> None:
    app.extensions["chrome"] = {}
    app.jinja_env.globals.update(kept=kept, page_reader=Reader)


# The reader's own values in base.html ---------------------------------------------------------


class Reader:
    """What base.html shows of the person reading it: their address, the CSRF token of their
    forms, the page's own address for "next", and their flashed messages. Each is read only
    when the page shows it (an anonymous page gets no CSRF token, so no session cookie)."""

    @cached_property
    def email(self) -> str:
        return str(current_user.email) if current_user.is_authenticated else ""

    @cached_property
    def csrf(self) -> str:
        return csrf_token()

    @cached_property
    def next(self) -> str:
        return request.full_path if request.query_string else request.path

    @cached_property
    def login_href(self) -> str:
        return url_for("accounts.login", next=self.next)

    @cached_property
    def flashes(self) -> Markup:
        messages = get_flashed_messages(with_categories=True)
        if not messages:
            return Markup("")
        items = Markup("").join(
            Markup('<p class="flash flash-{}">{}</p>').format(category, message)
            for category, message in messages
        )
        return Markup('    <div class="flashes" role="status">\n      {}\n    </div>\n').format(
            items
        )


READER_FIELDS = ("email", "csrf", "next", "login_href", "flashes")
MARK = re.compile("\x00([a-z_:]+)\x00")


class _MarkedReader:
    """A Reader whose values are marks, for rendering a frame (see `page_frame`)."""

    def __getattr__(self, name: str) -> Markup:
        if name not in READER_FIELDS:
            raise AttributeError(name)
        return Markup(f"\x00{name}\x00")  # noqa: S704 - a fixed mark, filled in `page_frame`


# The CSRF token, signed once a minute ---------------------------------------------------------

# Flask-WTF signs the session's token anew for every request that shows a form (the header's
# "Log out" button is one): an HMAC and a timestamp, a few percent of a signed-in page. A token
# signed in the last minute is as good (it is checked against the session's raw token and,
# when WTF_CSRF_TIME_LIMIT is set, its age), so it is reused for the same session token.
CSRF_REUSE_SECONDS = 60.0
_signed_tokens: dict[tuple[str, str], tuple[float, str]] = {}
_SIGNED_TOKENS_MAX = 10_000


def csrf_token() -> str:
    """`flask_wtf.csrf.generate_csrf()`, with a recent signature of the same token reused."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.get(field)
    if token is not None:
        return str(token)
    raw = session.get(field)
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    if not isinstance(raw, str) or not isinstance(secret, str | bytes):
        return str(generate_csrf())
    key = (str(secret), raw)
    now = time.monotonic()
    found = _signed_tokens.get(key)
    if found is not None and now - found[0] < CSRF_REUSE_SECONDS:
        setattr(g, field, found[1])
        return found[1]
    token = str(generate_csrf())
    if len(_signed_tokens) >= _SIGNED_TOKENS_MAX:
        _signed_tokens.clear()
    _signed_tokens[key] = (now, token)
    return token


# The frame of a page around stored blocks ---------------------------------------------------


def page_frame(
    template_name: str, blocks: dict[str, Markup], encoded: dict[str, bytes] | None = None
) -> str | bytes:
    """`template_name` (`_page_parts.html`: base.html around `blocks`) for this request, as the
    UTF-8 bytes of the response.

    base.html around stored blocks is the same for every reader of one kind (signed in or not,
    with a company or not, organizer staff or not, address confirmed or not) on one page in
    one language, but for the reader's values (`Reader`) and the blocks. The first such
    request renders it with marks in their place and keeps the result split at the marks;
    later ones join the parts with their own values, escaped as Jinja escapes them. Parts and
    blocks are kept encoded (`encoded`: the blocks' UTF-8, kept by the caller): encoding a
    month view of Cyrillic text to UTF-8 anew for each request cost as much as the rest of
    the request. The first rendering is checked against a
    full one: if they differed (base.html came to show something of the reader that is
    neither in the key nor in `Reader`), that page keeps being rendered in full, and an error
    is logged.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.jinja_env.auto_reload or not app.config.get("TEMPLATE_CHROME", True):
        return render_template(template_name, blocks=blocks)
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    signed_in = bool(user.is_authenticated)
    kind = (
        signed_in,
        signed_in and bool(user.company),
        signed_in and user.role.value in ("staff", "admin"),
        signed_in and user.email_verified_at is None,
    )
    key = (
        "frame",
        template_name,
        get_locale(),
        request.script_root,
        request.endpoint,
        request.blueprint,
        kind,
        tuple(sorted(blocks)),
    )
    frames: dict[tuple[Any, ...], list[bytes | str] | None] = app.extensions["chrome"]
    frame = frames.get(key, False)
    if encoded is None:
        encoded = {name: str(html).encode() for name, html in blocks.items()}
    if frame is False:
        frame = frames[key] = _make_frame(template_name, blocks, encoded)
    if frame is None:
        return render_template(template_name, blocks=blocks)
    return _fill(frame, Reader(), encoded)


def _make_frame(
    template_name: str, blocks: dict[str, Markup], encoded: dict[str, bytes]
) -> list[bytes | str] | None:
    marks = {name: Markup(f"\x00block:{name}\x00") for name in blocks}  # noqa: S704 - fixed marks
    marked = render_template(template_name, blocks=marks, reader=_MarkedReader())
    frame: list[bytes | str] = [
        part.encode() if place % 2 == 0 else part for place, part in enumerate(MARK.split(marked))
    ]
    full = render_template(template_name, blocks=blocks)
    if _fill(frame, Reader(), encoded) != full.encode():
        log.error("base.html shows what its frame does not: %s renders in full", request.endpoint)
        return None
    return frame


def _fill(frame: list[bytes | str], reader: Reader, block_bytes: dict[str, bytes]) -> bytes:
    """The frame's parts (literal bytes at even places, mark names at odd ones), joined."""
    out: list[bytes] = []
    for place, part in enumerate(frame):
        if place % 2 == 0:
            out.append(part)  # type: ignore[arg-type]
        elif part.startswith("block:"):  # type: ignore[union-attr]
            out.append(block_bytes[part[6:]])  # type: ignore[index]
        else:
            out.append(str(escape(getattr(reader, part))).encode())  # type: ignore[arg-type]
    return b"".join(out)
