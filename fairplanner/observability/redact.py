"""Secrets that travel in URLs, taken out of anything written to a log.

The private calendar feed (`/calendar/<token>.ics`), the password-reset, email-confirmation and
invitation links each carry a secret in their path: whoever reads a log line with one can read
the company's calendar, take over an account or join a company. `redact()` replaces those path
segments (also percent-encoded, as in a `next=` parameter) and the values of query parameters
whose names say they are secret.

Standard library only: gunicorn.conf.py loads this file by its path, so that gunicorn's master
process never imports the application (see the comment there).
"""

from __future__ import annotations

import re

MARK = "[redacted]"

# A path separator, plain or percent-encoded.
_SEP = r"(?:/|%2[fF])"
# One path segment: anything up to the next separator, query, fragment, space or quote (not
# `<`: a URL rule such as /calendar/<token>.ics names the secret, it does not hold one).
_SEGMENT = r"(?:(?!%2[fF])[^/?#&<>\s\"'])+"

_PATTERNS = [
    # /calendar/<token>.ics: the company's private feed
    (re.compile(rf"({_SEP}calendar{_SEP}){_SEGMENT}?(\.ics)", re.IGNORECASE), rf"\g<1>{MARK}\g<2>"),
    # /password/reset/<token>, /verify/<token>, /invite/<token>, /unsubscribe/<token>
    (
        re.compile(
            rf"({_SEP}(?:password{_SEP}reset|verify|invite|unsubscribe){_SEP}){_SEGMENT}", re.I
        ),
        rf"\g<1>{MARK}",
    ),
    # ?token=…, &api_key=…, &password=… (the name may be percent-encoded too)
    (
        re.compile(
            r"((?:^|[?&;]|%3[fF]|%26)[\w.%-]*?"
            r"(?:token|secret|password|passwd|api_?key|signature|auth)[\w.%-]*?(?:=|%3[dD]))"
            r"[^&;#\s\"']*",
            re.IGNORECASE,
        ),
        rf"\g<1>{MARK}",
    ),
]


def redact(text: str) -> str:
    """`text` with every secret-bearing URL part replaced by `[redacted]`."""
    if not text:
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
