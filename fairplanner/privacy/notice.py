"""The versions of the privacy notice. A changed text is a new version: a new pair of
templates (templates/privacy/notice_v<N>_{ru,en}.html), a new entry here, and
PRIVACY_NOTICE_VERSION raised. Older versions stay readable at /privacy/v<N>, because each
consent records the version that the person agreed to."""

from __future__ import annotations

from datetime import date

# version → the day it took effect
NOTICE_VERSIONS: dict[int, date] = {1: date(2026, 11, 27)}
PRIVACY_NOTICE_VERSION = max(NOTICE_VERSIONS)


def notice_template(version: int, lang: str) -> str:
    return f"privacy/notice_v{version}_{lang if lang in ('ru', 'en') else 'ru'}.html"
