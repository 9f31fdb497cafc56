"""A confirmation step before anything destructive, without script (the CSP stays strict).

The destructive button posts to its endpoint as before; the endpoint calls `ask(...)` unless
`confirmed()`, which answers with a page that says what will happen and who is told, and posts
the same fields again with `confirmed=1`. Nothing changes until that second post.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import render_template, request
from flask.typing import ResponseReturnValue

CSRF_FIELD = "csrf_token"


def confirmed() -> bool:
    """Whether this post comes from the confirmation page."""
    return request.form.get("confirmed") == "1"


def ask(
    *,
    title: str,
    lines: Sequence[str],
    button: str,
    back: str,
    items: Iterable[str] = (),
    hidden: Iterable[tuple[str, str]] | None = None,
) -> ResponseReturnValue:
    """The confirmation page for the current post; `hidden` defaults to the posted fields."""
    if hidden is None:
        hidden = [
            (name, value)
            for name, values in request.form.lists()
            if name not in (CSRF_FIELD, "confirmed")
            for value in values
        ]
    return render_template(
        "confirm.html",
        title=title,
        lines=lines,
        button=button,
        back=back,
        items=list(items),
        hidden=list(hidden),
        action=request.path,
    )
