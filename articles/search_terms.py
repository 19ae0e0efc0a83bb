"""What a reader typed, reduced to terms both search engines can take without an error.

Words (letters and digits), "quoted phrases", a leading - to exclude and `or` between two
terms; every other character is dropped, so "-----" or `& | ! <->` never reach the database
as operators. At most MAX_TERMS terms of at most MAX_PHRASE words count.

On SQLite the words are reduced with the Snowball stemmer `dutch_porter` (the algorithm of
PostgreSQL's `dutch` configuration, so both find the same forms: "verdragen" → "verdrag")
and Dutch stop words are left out, as PostgreSQL does.
"""

import functools
import html
import re
from dataclasses import dataclass

import snowballstemmer

MAX_TERMS = 8
MAX_PHRASE = 6
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\w+)')
_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]*>")

# Words too common to search for (our own list, after PostgreSQL's dutch.stop in spirit).
_STOP_TEXT = """
aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een
eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is
ja je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder
ons ook op over reeds te tegen toch toen tot u uit uw van veel voor want waren was wat werd wezen
wie wil worden wordt zal ze zelf zich zij zijn zo zonder zou
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    negated: bool = False
    or_before: bool = False


def parse(query: str) -> list[Term]:
    """The terms of `query`; empty when nothing searchable is left."""
    terms: list[Term] = []
    or_next = False
    for match in _TOKEN.finditer(query):
        phrase_sign, phrase, word_sign, word = match.groups()
        if word is not None and word.lower() == "or":
            or_next = bool(terms)
            continue
        words = tuple(_WORD.findall(phrase if word is None else word)[:MAX_PHRASE])
        if not words:
            continue
        negated = (phrase_sign if word is None else word_sign) == "-"
        terms.append(Term(words, negated, or_next and not negated))
        or_next = False
        if len(terms) == MAX_TERMS:
            break
    return terms


def has_positive(terms: list[Term]) -> bool:
    return any(not term.negated for term in terms)


def websearch(terms: list[Term]) -> str:
    """`terms` as input for PostgreSQL's websearch_to_tsquery."""
    parts = []
    for term in terms:
        text = " ".join(term.words)
        text = f'"{text}"' if len(term.words) > 1 else text
        parts.append(("or " if term.or_before else "") + ("-" if term.negated else "") + text)
    return " ".join(parts)


_stemmer = snowballstemmer.stemmer("dutch_porter")


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word.lower())


def stemmed_words(text: str) -> list[str]:
    """The stems of the words of `text` (HTML allowed), stop words left out."""
    words = _WORD.findall(html.unescape(_TAG.sub(" ", text or "")).lower())
    return [stem(word) for word in words if word not in STOP_WORDS]


def stemmed_text(text: str) -> str:
    return " ".join(stemmed_words(text))


def fts5_match(terms: list[Term]) -> str:
    """`terms` as an FTS5 MATCH expression over stemmed text; empty if nothing is left."""
    positive, negative = [], []
    for term in terms:
        stems = [stem(word) for word in term.words if word.lower() not in STOP_WORDS]
        if not stems:
            continue
        quoted = '"' + " ".join(stems) + '"'
        if term.negated:
            negative.append(quoted)
        else:
            joiner = ("OR " if term.or_before else "AND ") if positive else ""
            positive.append(joiner + quoted)
    if not positive:
        return ""
    return " ".join(positive) + "".join(f" NOT {quoted}" for quoted in negative)
