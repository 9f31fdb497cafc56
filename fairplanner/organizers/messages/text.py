"""A message's text as people typed it: one-line subjects, escaped bodies with live links."""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup, escape

# http(s) only: "javascript:", "data:" and the rest stay text. Quotes and angle brackets end a
# link, as they cannot be part of a typed address without being escaped.
URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?)]}»”’"


def one_line(value: str | None) -> str | None:
    """A subject for a mail header: control characters (CR, LF, tabs…) become spaces, runs of
    space one; so a typed "Hi\\r\\nBcc: x" can never add a header."""
    if value is None:
        return None
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in value)
    return " ".join(cleaned.split())


def plain(value: str | None) -> str | None:
    """A body as typed, with Windows and old Mac line ends made "\\n"."""
    if value is None:
        return None
    return value.replace("\r\n", "\n").replace("\r", "\n").strip("\n") or None


def _line(line: str) -> Markup:
    out = Markup()
    pos = 0
    for match in URL.finditer(line):
        url = match.group(0).rstrip(TRAILING)
        end = match.start() + len(url)
        out += escape(line[pos : match.start()])
        out += Markup('<a href="{0}" rel="noopener">{0}</a>').format(url)
        pos = end
    return out + escape(line[pos:])


def body_html(text: str | None) -> Markup:
    """The body as HTML: every character escaped, line breaks kept, http(s) addresses links."""
    return Markup("<br>\n").join(_line(line) for line in (plain(text) or "").split("\n"))
