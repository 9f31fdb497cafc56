"""Text to search terms, the same at write time and at query time: fold (case, ё/е, the
Belarusian і/ў, Latin diacritics), split into words, drop stop words, stem (Snowball: Russian
for Cyrillic words, English for Latin ones)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from fairplanner.catalogue.search import synonyms

MAX_TERM = 60  # the term column's length
_RUSSIAN = Stemmer.Stemmer("russian")
_ENGLISH = Stemmer.Stemmer("english")
WORD = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[а-я]")

# Latin letters with diacritics read as their base letter (Homieĺ = Homiel, Mahilioŭ = Mahiliou);
# Cyrillic is left alone (й is not и), apart from the Belarusian і and ў and the ё.
_SPECIAL = {"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss"} | {
    "ё": "е",
    "і": "и",
    "ў": "у",
}


def _fold_table() -> dict[int, str]:
    table = {ord(k): v for k, v in _SPECIAL.items()}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if code not in table and base.isascii() and base.isalpha():
            table[code] = base.lower()
    return table


_FOLD = _fold_table()

# Russian: prepositions, conjunctions, particles, pronouns.
_RU_STOP = (
    "а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже "
    "для до его ее ей ему если есть еще же за здесь и из или им их к как ко когда кто ли либо "
    "между меня мне мо мы на над надо наш не него нее нет ни них но ну о об однако он она они "
    "оно от очень по под после при про с со так также такой там те тем то того тоже той только "
    "том ты у уже хотя чего чей чем что чтобы чье чья эта эти это этот я"
)
# Not "it": a sector (IT) people search for (see synonyms.QUERY_WORDS).
_EN_STOP = (
    "a about above after all also an and any are as at be been but by can could did do does "
    "for from had has have he her his how i if in into is its me more my no nor not of on "
    "or our out over she so some such than that the their them then there these they this "
    "those to too under up very was we were what when where which while who whom why will "
    "with would you your"
)
STOP_WORDS = frozenset(_RU_STOP.split()) | frozenset(_EN_STOP.split())

# Stems of words that name the kind of event rather than its subject: "ярмарка мебели" means a
# furniture event, whatever it is called. Next to other words they only favour fairs of that
# kind (the value of FairKind they name, if any); alone, they are searched like any word.
GENERIC = {
    "выставк": "exhibition",
    "exhibit": "exhibition",
    "ярмарк": "fair",
    "fair": "fair",
    "форум": "forum",
    "forum": "forum",
    "выставочн": None,
    "экспозиц": None,
    "show": None,
    "expo": None,
    "trade": None,
}


def fold(text: str) -> str:
    """Lower case, ё as е, Belarusian і/ў as и/у, Latin letters without diacritics."""
    return unicodedata.normalize("NFC", text).casefold().translate(_FOLD)


def words(text: str) -> list[str]:
    """The folded words of `text`, stop words left out."""
    return [w for w in WORD.findall(fold(text)) if w not in STOP_WORDS]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a folded word: Russian rules for Cyrillic, English for the rest."""
    stemmer = _RUSSIAN if _CYRILLIC.search(word) else _ENGLISH
    stemmed = stemmer.stemWord(word)
    return synonyms.STEMS.get(stemmed, stemmed)[:MAX_TERM]


def expand(found: Iterable[str], *, query: bool = False) -> list[str]:
    """Folded words with abbreviations spelt out and compounds split (synonyms). In a text
    the compound itself stays too ("сельхозтехника": itself, сельскохозяйственный, техника);
    in a search only its parts, which any fair holding the compound also has."""
    out: list[str] = []
    for word in found:
        if query and word in synonyms.QUERY_WORDS:
            word = synonyms.QUERY_WORDS[word]
        elif not query and word in synonyms.NOT_INDEXED:
            continue
        if word in synonyms.WORDS:
            out += synonyms.WORDS[word].split()
        elif parts := synonyms.split_compound(word):
            out += [*([] if query else [word]), *parts]
        else:
            out.append(word)
    return out


def terms(text: str) -> list[str]:
    """The stems of `text`, in order, stop words left out, synonyms spelt out."""
    return [stem(w) for w in expand(words(text))]


# Weights of where a term was found: the name counts most, the description least.
NAME, ASIDE, DESCRIPTION = 8, 4, 1  # ASIDE: sector, city, venue, organizer


def document(fields: Iterable[tuple[str | None, int]]) -> dict[str, int]:
    """The terms of a fair's texts, each weighing the sum of the kinds of field it occurs in
    (in the name and the description: 9; in a sector's name only: 4)."""
    found: dict[str, set[int]] = {}
    for text, weight in fields:
        for term in terms(text or ""):
            found.setdefault(term, set()).add(weight)
    return {term: sum(weights) for term, weights in found.items()}


def vocabulary(fields: Iterable[tuple[str | None, int]]) -> dict[str, tuple[str, int]]:
    """The words of a fair's texts as typed (folded -> (as written, weight)): what a
    misspelt query word is compared with."""
    found: dict[str, tuple[str, int]] = {}
    for text, weight in fields:
        for match in WORD.finditer(unicodedata.normalize("NFC", text or "")):
            written = match.group()
            folded = fold(written)
            if folded in STOP_WORDS or len(folded) < 3 or folded.isdigit():
                continue
            if found.get(folded, ("", 0))[1] < weight:
                found[folded] = (written[:MAX_TERM], weight)
    return {k[:MAX_TERM]: v for k, v in found.items()}


@dataclass(frozen=True)
class QueryTerm:
    """One word of a search: its stem, and whether it may match the start of longer terms."""

    word: str  # folded, as typed
    stem: str
    required: bool

    @property
    def prefix(self) -> bool:
        # "мебели" (мебел) finds "мебельного" (мебельн); a two-letter stem would find anything.
        return len(self.stem) >= 3


def query_terms(q: str | None, *, limit: int = 8) -> list[QueryTerm]:
    """The distinct terms of a search, at most `limit`; generic words are optional when the
    query has other words."""
    seen: dict[str, str] = {}
    for word in expand(words(q or ""), query=True):
        seen.setdefault(stem(word), word)
        if len(seen) == limit:
            break
    specific = any(s not in GENERIC for s in seen)
    return [QueryTerm(w, s, required=not (specific and s in GENERIC)) for s, w in seen.items()]
