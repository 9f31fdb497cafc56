"""Text folding shared by the search columns and the search queries."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, NFC-normalised, with ё read as е: how names are stored and searched."""
    text = unicodedata.normalize("NFC", text).casefold()
    return text.replace("ё", "е")


def strip(value: str | None) -> str | None:
    """A form filter: surrounding whitespace off."""
    return value.strip() if isinstance(value, str) else value


def blank_to_none(value: str | None) -> str | None:
    """A form filter: stripped, and an empty answer stored as NULL."""
    return strip(value) or None
