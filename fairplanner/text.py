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


# Russian and Belarusian letters in Latin (ICAO, as in passports): company page addresses.
_LATIN_WORDS = "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch _ y _ e iu ia i u"
_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіў", _LATIN_WORDS.split(" "), strict=True))
_LATIN.update({"ъ": "", "ь": ""})


def slugify(text: str, *, max_length: int = 90) -> str:
    """A name as a URL part: "ООО «Вятка-Агро»" → "ooo-viatka-agro" (ASCII letters, digits
    and single hyphens only; "" when nothing is left)."""
    out = []
    for char in unicodedata.normalize("NFC", fold(text)):
        latin = _LATIN.get(char)
        if latin is None:
            # Latin letters lose their accents (é → e); a combining mark alone is dropped.
            latin = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
        if latin:
            out.append(latin if latin.isascii() and latin.isalnum() else " ")
    words = "".join(out).split()
    slug = "-".join(words)[:max_length].strip("-")
    return slug


def unique_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`… : the first that is not `taken`."""
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
