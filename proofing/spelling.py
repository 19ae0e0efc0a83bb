"""Dictionary spelling: words Hunspell does not know, unless the newsroom's word list does.

Sensible about what a dictionary cannot know: a capitalised word inside a sentence is taken
for a name (listed, not warned about); a quotation that is mostly unknown words is taken for
another language (said, not checked); compounds the word list lacks are accepted when both
parts are words; acronyms, URLs, other scripts and over-long "words" are left alone.
"""

from collections import Counter

from django.utils.translation import gettext as _

from . import dictionary
from .budget import Budget
from .findings import INFO, Finding, Rule
from .text import Segment, Token

# A quotation with at least this many words, half of them unknown, is in another language.
FOREIGN_QUOTE_MIN_WORDS = 3
# Parts of a compound the dictionary lacks must be words of at least this length.
COMPOUND_PART_MIN = 4


def check_spelling(
    segments: list[Segment], *, word_list: frozenset[str], budget: Budget
) -> list[Finding]:
    findings: list[Finding] = []
    for segment in segments:
        foreign = _foreign_quotes(segment, word_list)
        unknown: dict[str, Token] = {}
        names: dict[str, Token] = {}
        counts: Counter[str] = Counter()
        for number, token in enumerate(segment.tokens):
            if number % 1000 == 0 and budget.expired():
                break  # the caller says the check stopped early
            if token.quote in foreign or _is_fine(token, word_list):
                continue
            if token.text[:1].isupper() and not _trema_variants(token):
                names.setdefault(token.text, token)
            else:
                unknown.setdefault(token.text, token)
            counts[token.text] += 1
        for word, token in unknown.items():
            findings.append(
                Finding(
                    rule=Rule.SPELLING,
                    message=_("“%(word)s” is not in the dictionary.") % {"word": word},
                    field=segment.field,
                    label=segment.label,
                    excerpt=segment.excerpt(token.start, len(word)),
                    word=word,
                    suggestions=budget.suggest(lambda word=word: suggestions_for(word)),
                    count=counts[word],
                )
            )
        for word, token in names.items():
            findings.append(
                Finding(
                    rule=Rule.SPELLING,
                    message=_("“%(word)s” is unknown: a name? Check it, or add it to the list.")
                    % {"word": word},
                    field=segment.field,
                    label=segment.label,
                    excerpt=segment.excerpt(token.start, len(word)),
                    word=word,
                    count=counts[word],
                    severity=INFO,
                )
            )
        for _quote in sorted(foreign):
            findings.append(
                Finding(
                    rule=Rule.SPELLING,
                    message=_("A quotation in another language was not checked."),
                    field=segment.field,
                    label=segment.label,
                    severity=INFO,
                )
            )
    return findings


def _trema_variants(token: Token) -> list[str]:
    """Trema variants as written ("Oekrainers" → "Oekraïners") or in lower case."""
    return dictionary.trema_variants(token.text) or dictionary.trema_variants(token.lower)


def suggestions_for(word: str) -> list[str]:
    lower = word.lower()
    found = (
        dictionary.trema_variants(word) or dictionary.trema_variants(lower) or dictionary.near(word)
    )
    return [dictionary.same_case(candidate, word) for candidate in found][:3]


def _is_fine(token: Token, word_list: frozenset[str]) -> bool:
    word = token.text
    if len(word) < 2 or word.isupper() or not token.is_latin:
        return True  # a letter, an acronym, another script
    if len(word) > dictionary.MAX_WORD_LENGTH:
        return True  # pasted garbage; the check says it skipped such words
    if word in word_list or word.lower() in word_list:
        return True
    if dictionary.known(word, sentence_start=token.sentence_start):
        return True
    parts = word.replace("’", "'").split("-")
    if len(parts) > 1 and all(_part_fine(part, word_list) for part in parts):
        return True
    return is_compound(word.lower())


def _part_fine(part: str, word_list: frozenset[str]) -> bool:
    if not part or part.isupper() or part in word_list or part.lower() in word_list:
        return True
    return dictionary.known(part) or dictionary.known(part.lower()) or is_compound(part.lower())


def is_compound(word: str) -> bool:
    """Two dictionary words written together ("nieuws" + "podcast"), possibly with a linking s.

    A doubled letter at the joint is refused: "vergader" + "ring" is a typo, not a compound;
    so is a linking s after a word that takes none: "tentoon" + s + "teling".
    """
    if len(word) < 2 * COMPOUND_PART_MIN + 1:
        return False
    for cut in range(COMPOUND_PART_MIN, len(word) - COMPOUND_PART_MIN + 1):
        head, tail = word[:cut], word[cut:]
        if head[-1] == tail[0]:
            continue
        if dictionary.in_dictionary(tail) and (
            dictionary.in_dictionary(head)
            or (head.endswith("s") and dictionary.takes_linking_s(head[:-1]))
        ):
            return True
    return False


def _foreign_quotes(segment: Segment, word_list: frozenset[str]) -> set[int]:
    words: Counter[int] = Counter()
    unknown: Counter[int] = Counter()
    for token in segment.tokens:
        if token.quote is None:
            continue
        words[token.quote] += 1
        if not _is_fine(token, word_list):
            unknown[token.quote] += 1
    return {
        quote
        for quote, total in words.items()
        if total >= FOREIGN_QUOTE_MIN_WORDS and unknown[quote] * 2 >= total
    }
