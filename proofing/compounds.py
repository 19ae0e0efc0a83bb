"""Compounds written apart: "zieken huis" → "ziekenhuis", "de kerst markt" → "kerstmarkt".

Hunspell accepts nearly any two Dutch nouns written together, so "joinable" alone says
nothing. Two signals that stay quiet on correct prose (measured by benchmarks/proofing.py):
- the two words joined are an entry of the OpenTaal list itself ("ziekenhuis");
- after an article or another determiner, a word that may begin a compound is followed by
  a singular noun that may end one, and Hunspell accepts them joined ("de kerst markt").
  Correct Dutch seldom puts a second noun straight after "de <noun>"; the patterns where it
  does are left out: quantities ("een paar weken"), a word named ("het woord palm"),
  adjectives of material ("de papieren krant"), and second words that are also verbs,
  adverbs or numbers ("de vereniging haken", "de streektaal thuis").
"""

from . import dictionary
from .text import Token

# Neither part of a split compound is one of these: "in een" is not "ineen".
FUNCTION_WORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "of",
        "maar",
        "in",
        "op",
        "aan",
        "met",
        "van",
        "voor",
        "na",
        "naar",
        "bij",
        "uit",
        "over",
        "onder",
        "tegen",
        "door",
        "om",
        "te",
        "ten",
        "ter",
        "er",
        "daar",
        "hier",
        "waar",
        "toe",
        "mee",
        "af",
        "dat",
        "die",
        "dit",
        "deze",
        "wat",
        "wie",
        "als",
        "dan",
        "zo",
        "ook",
        "nog",
        "niet",
        "al",
        "half",
        "wel",
        "heel",
        "erg",
        "meer",
        "veel",
        "zeer",
        "zijn",
        "haar",
        "hun",
        "ons",
        "onze",
        "mijn",
        "jouw",
        "uw",
        "hem",
        "hen",
        "zich",
        "paar",
    ]
)
# Both parts of a listed compound are at least this long ("zieken huis"), or at least the
# shorter length after a determiner ("de bus halte"; but "ziek thuis lag" is no "thuislag").
PART_MIN = 4
PART_MIN_AFTER_DETERMINER = 3
# The words before "<noun> <noun>" that make it a compound written apart.
DETERMINERS = frozenset(
    [
        "de",
        "het",
        "een",
        "deze",
        "dit",
        "die",
        "elke",
        "iedere",
        "ieder",
        "zijn",
        "haar",
        "hun",
        "onze",
        "mijn",
        "jouw",
        "uw",
        "geen",
    ]
)
# Nouns that a second noun follows in correct prose: "een paar weken", "het woord palm".
QUANTITIES = frozenset(
    [
        "paar",
        "aantal",
        "groep",
        "soort",
        "reeks",
        "pakket",
        "stuk",
        "jaar",
        "maand",
        "week",
        "dag",
        "uur",
        "keer",
        "kilo",
        "meter",
        "procent",
        "liter",
        "hoop",
        "rij",
        "serie",
        "handvol",
        "boel",
        "massa",
        "woord",
        "naam",
        "term",
        "begrip",
    ]
)
# Adjectives of material end like plurals: "de papieren krant" is no "papierenkrant".
MATERIALS = frozenset(
    [
        "papieren",
        "houten",
        "gouden",
        "zilveren",
        "stenen",
        "wollen",
        "glazen",
        "ijzeren",
        "koperen",
        "leren",
        "katoenen",
        "zijden",
        "bronzen",
        "aarden",
        "tinnen",
        "loden",
        "stalen",
        "marmeren",
        "rubberen",
        "linnen",
        "kartonnen",
    ]
)
_HEADS = frozenset({"Ca", "Ce", "CA"})
# Flags of a linking-s first part: "verkiezing" + s + "uitslag".
_LINKING_S = frozenset({"Cd", "Ch"})


def written_apart(tokens: list[Token], index: int) -> str | None:
    """The compound that `tokens[index - 1]` and `tokens[index]` should form, if any."""
    first, second = tokens[index - 1], tokens[index]
    a, b = first.text, second.text
    if first.gap.endswith("\n") or second.gap != " " or second.sentence_start:
        return None
    if not (a.islower() and b.islower()) or "-" in a + b:
        return None
    if a in FUNCTION_WORDS or b in FUNCTION_WORDS:
        return None
    determiner = tokens[index - 2] if index >= 2 else None
    after_determiner = (
        determiner is not None
        and determiner.lower in DETERMINERS
        and not first.sentence_start
        and first.gap == " "
    )
    if min(len(a), len(b)) < (PART_MIN_AFTER_DETERMINER if after_determiner else PART_MIN):
        return None
    joined = a + b
    if dictionary.listed(joined):
        return joined
    if (
        after_determiner
        and _may_begin(a)
        and _singular_noun_that_may_end(b)
        and dictionary.in_dictionary(joined)
    ):
        return joined
    return None


def _may_begin(word: str) -> bool:
    if word in QUANTITIES or word in MATERIALS:
        return False
    word_flags = dictionary.flags(word)
    if not word_flags:
        # Not an entry: a linking-s form ("verkiezings") or a plural ("ouderen").
        if word.endswith("s") and dictionary.flags(word[:-1]) & _LINKING_S:
            return True
        return dictionary.is_plural_noun(word)
    if any(flag[0] == "A" for flag in word_flags):
        return False  # an adjective or adverb: "de eigen gemeente"
    return bool(word_flags & _HEADS)


def _singular_noun_that_may_end(word: str) -> bool:
    word_flags = dictionary.flags(word)
    if "Cc" not in word_flags:
        return False
    also_other = any(f[0] in "ANPQ" or f == "Vi" for f in word_flags)
    return dictionary.is_noun_entry(word_flags) and not also_other
