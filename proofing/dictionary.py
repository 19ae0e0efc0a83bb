"""The Dutch dictionary: Hunspell with the OpenTaal word list shipped in `dictionaries/`.

`known()` is fast (a few microseconds, cached per word); `near()` finds dictionary words one
edit away, which is most typos, in about a millisecond; Hunspell's own `suggest()` can take
half a second, so callers ration it (see `checks.Budget`).
"""

from functools import lru_cache
from pathlib import Path

import hunspell

DICTIONARY_DIR = Path(__file__).parent / "dictionaries"
# Longer "words" are pasted garbage (or German); Hunspell gets slow on them and finds nothing.
MAX_WORD_LENGTH = 40
_TREMA = str.maketrans("eiouaEIOUA", "ëïöüäËÏÖÜÄ")
_VOWELS = set("aeiouAEIOU")


@lru_cache(maxsize=1)
def _hunspell() -> hunspell.Hunspell:
    return hunspell.Hunspell("nl_NL", hunspell_data_dir=str(DICTIONARY_DIR))


def load() -> None:
    """Read the dictionary now (about a second, once per process), not on a check's clock."""
    _hunspell()
    _listed()


@lru_cache(maxsize=200_000)
def in_dictionary(word: str) -> bool:
    """Whether Hunspell accepts `word`.

    Hunspell takes up to a quarter of a second on a long compound ("fietsparkeerplekken"),
    so long words are first split into listed parts here, which takes microseconds.
    """
    if len(word) > MAX_WORD_LENGTH:
        return False
    if listed(word):
        return True
    if len(word) >= LONG_WORD and _split_known(word, depth=0):
        return True
    if len(word) > HUNSPELL_MAX_LENGTH:
        return False
    return _hunspell().spell(word)


# From this length a word is tried as a compound of listed words before Hunspell sees it.
LONG_WORD = 13
# Hunspell's compound search grows steeply with length; longer words must split into parts.
HUNSPELL_MAX_LENGTH = 24
_LINKS = ("s", "en", "e", "er", "-")


def _split_known(word: str, *, depth: int) -> bool:
    """`word` as listed head(s) (with a linking s, e, en or er) and a known last part."""
    if depth > 3:
        return False
    for cut in range(len(word) - 3, 3, -1):
        head, tail = word[:cut], word[cut:]
        if not (listed(head) or _linked_head(head)):
            continue
        if listed(tail) or (len(tail) < LONG_WORD and _hunspell().spell(tail)):
            return True
        if len(tail) >= LONG_WORD and _split_known(tail, depth=depth + 1):
            return True
    return False


def _linked_head(head: str) -> bool:
    """A listed word with a linking s, e, en or er ("verkiezing-s"); an s only after a noun."""
    for link in _LINKS:
        if head.endswith(link) and listed(head[: -len(link)]):
            return link != "s" or takes_linking_s(head[:-1])
    return False


@lru_cache(maxsize=1)
def _listed() -> dict[str, str]:
    """Each entry of the word list with the flags of all its lines ("markt" → "CcCAYbZbCBVq")."""
    entries: dict[str, str] = {}
    with open(DICTIONARY_DIR / "nl_NL.dic", encoding="utf-8") as dic:
        next(dic)  # the first line counts the entries
        for line in dic:
            word, _, word_flags = line.strip().partition("/")
            entries[word] = entries.get(word, "") + word_flags
    return entries


def flags(word: str) -> frozenset[str]:
    """The OpenTaal flags of a listed word (two letters each; see nl_NL.aff), else none.

    Those that tell a word class: Y… (diminutive) and Z… (plural, except Zm) mark nouns,
    A… adjectives and adverbs, P… and Vi irregular and weak verb forms, N… and Q… numbers,
    Ca/Ce/CA a possible first part of a compound and Cc a possible last part.
    """
    found = _listed().get(word, "")
    return frozenset(found[i : i + 2] for i in range(0, len(found), 2))


def listed(word: str) -> bool:
    """Whether `word` is an entry of the word list itself, not a compound Hunspell allows.

    Hunspell accepts nearly any two Dutch nouns written together; only a listed compound
    says that "zieken huis" should have been one word.
    """
    return word in _listed()


def takes_linking_s(word: str) -> bool:
    """Whether `word` may begin a compound with an s: a noun, or flagged for it (Cd, Ch)."""
    word_flags = flags(word)
    return bool(word_flags & {"Cd", "Ch"}) or is_noun_entry(word_flags)


def is_noun_entry(word_flags: frozenset[str]) -> bool:
    """Whether flags mark a noun: a diminutive (Y…) or a plural (Z…, but Zm is "-heid")."""
    return any(flag[0] == "Y" or (flag[0] == "Z" and flag != "Zm") for flag in word_flags)


@lru_cache(maxsize=50_000)
def is_plural_noun(word: str) -> bool:
    """Whether Hunspell reads `word` as a noun's plural ("ouderen": ouder + en)."""
    return any("ts:NN2" in reading for reading in _hunspell().analyze(word))


def known(word: str, *, sentence_start: bool = False) -> bool:
    """Whether Hunspell accepts `word`; a capital at a sentence start may also be dropped."""
    if in_dictionary(word):
        return True
    return sentence_start and word[:1].isupper() and in_dictionary(word[:1].lower() + word[1:])


def trema_variants(word: str) -> list[str]:
    """`word` with a trema on a vowel that starts a new syllable ("ideeen" → "ideeën")."""
    found = []
    for index in range(1, len(word)):
        if word[index] in _VOWELS and word[index - 1] in _VOWELS | set("ëïöü"):
            candidate = word[:index] + word[index].translate(_TREMA) + word[index + 1 :]
            if candidate != word and in_dictionary(candidate):
                found.append(candidate)
    return found


def near(word: str, *, limit: int = 3) -> list[str]:
    """Dictionary words one typical slip away from `word`, cheapest candidates first.

    Not every edit (that would be ~60 per letter, and unknown words are slow to look up):
    the Dutch sound-alikes ei/ij, au/ou and dt, two letters swapped, a letter doubled or
    undoubled or typed with a neighbouring key, and a letter left out.
    """
    if len(word) > MAX_WORD_LENGTH:
        return []
    found = []
    for candidate in dict.fromkeys(_slips(word.lower())):
        if len(candidate) > 1 and candidate != word.lower() and in_dictionary(candidate):
            found.append(same_case(candidate, word))
            if len(found) >= limit:
                break
    return found


def _slips(word: str):
    pairs = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for a, b in _SOUND_ALIKES:
        if a in word:
            yield word.replace(a, b, 1)
    for head, tail in pairs:
        if len(tail) > 1:
            yield head + tail[1] + tail[0] + tail[2:]  # swapped
        if tail:
            yield head + tail[1:]  # left out, or undoubled
            yield head + tail[0] + tail  # doubled
            for key in _NEIGHBOURS.get(tail[0], ""):
                yield head + key + tail[1:]  # a neighbouring key instead
    for head, tail in pairs:
        for letter in "enraitodslgvkmuhbpwjczfxyq":  # a letter left out, most frequent first
            yield head + letter + tail


_SOUND_ALIKES = [("ei", "ij"), ("ij", "ei"), ("au", "ou"), ("ou", "au"), ("dt", "d"), ("dt", "t")]
_NEIGHBOURS = {
    key: "".join(sorted(set(near_keys)))
    for key, near_keys in {
        "q": "wa",
        "w": "qeas",
        "e": "wrsd",
        "r": "etdf",
        "t": "ryfg",
        "y": "tugh",
        "u": "yihj",
        "i": "uojk",
        "o": "ipkl",
        "p": "ol",
        "a": "qwsz",
        "s": "awedxz",
        "d": "serfcx",
        "f": "drtgvc",
        "g": "ftyhbv",
        "h": "gyujnb",
        "j": "huikmn",
        "k": "jiolm",
        "l": "kop",
        "z": "asx",
        "x": "zsdc",
        "c": "xdfv",
        "v": "cfgb",
        "b": "vghn",
        "n": "bhjm",
        "m": "njk",
    }.items()
}


def hunspell_suggestions(word: str, *, limit: int = 3) -> list[str]:
    """Hunspell's suggestions: better for bigger mistakes, but slow; ration the calls."""
    if len(word) > MAX_WORD_LENGTH:
        return []
    return list(_hunspell().suggest(word))[:limit]


def same_case(candidate: str, original: str) -> str:
    if original[:1].isupper():
        return candidate[:1].upper() + candidate[1:]
    return candidate
