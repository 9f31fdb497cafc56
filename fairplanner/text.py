"""Text folding shared by the search columns and the search queries."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, NFC-normalised, with ё read as е: how names are stored and searched."""
    text = unicodedata.normalize("NFC", text).casefold()
    return text.replace("ё", "е")
