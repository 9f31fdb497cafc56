"""Words read as others, in fair texts and searches alike: abbreviations, the beginnings of
compound words, and stems Snowball leaves whole. Kept small on purpose: each entry is a word
people type that the fair texts spell out (or the other way round)."""

from __future__ import annotations

# Stems Snowball leaves whole: the genitive plural drops the fleeting vowel of the other forms
# ("ярмарок", "выставок") and would otherwise not be the generic "ярмарк", "выставк".
STEMS = {"ярмарок": "ярмарк", "выставок": "выставк"}

# Whole (folded) words read as others, in texts and searches.
WORDS = {
    "ит": "икт",
    "айти": "икт",
    "сельхоз": "сельскохозяйственный",
    "стройматериалы": "строительные материалы",
    "стройматериалов": "строительных материалов",
}

# Read so in searches only: in English descriptions "it" is a pronoun (and is not indexed).
QUERY_WORDS = {"it": "ict"}
NOT_INDEXED = frozenset({"it"})

# Beginnings of compound words, split off as a word of their own ("сельхозярмарка" = сельхоз +
# ярмарка): prefix -> (the word it stands for, the beginnings the rest must have, or None for
# any rest of three letters or more). "мед" and "строй" only before the words listed: a
# "медовая ярмарка" sells honey.
PREFIXES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "сельхоз": ("сельскохозяйственный", None),
    "агро": ("агро", None),
    "мед": ("медицинский", ("техник", "оборудован", "препарат", "издели", "услуг", "центр")),
    "строй": ("строительный", ("материал", "техник", "индустри")),
}
MIN_REST = 3


def split_compound(word: str) -> tuple[str, str] | None:
    """(the word a known prefix stands for, the rest) of a folded compound word, or None."""
    for prefix, (meaning, rests) in PREFIXES.items():
        rest = word[len(prefix) :]
        fits = rests is None or rest.startswith(rests)
        if word.startswith(prefix) and len(rest) >= MIN_REST and fits:
            return meaning, rest
    return None
