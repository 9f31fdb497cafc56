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

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from flask_babel import get_locale
from markupsafe import Markup


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
    app.jinja_env.globals["kept"] = kept
