"""Mistakes a dictionary cannot see, because every word is a word: d/t and split compounds.

A small set of rules for the errors readers report most, each tuned to stay quiet on correct
prose (measured by benchmarks/proofing.py):
- a verb stem ending in d after a third-person subject needs a t ("hij word" → "wordt");
- after "ik", or before an inverted "ik"/"jij", it takes none ("ik vindt" → "vind");
- a bare "word" with no "ik" or "jij"/"je" near is nearly always "wordt";
- "het gebeurd" (present) versus "is gebeurt" (participle);
- two words that form a compound (proofing/compounds.py: "zieken huis" → "ziekenhuis").
"""

import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from . import compounds, dictionary
from .findings import Finding, Rule
from .text import Segment, Token

# Verbs whose stem ends in d, the usual suspects of d/t mistakes.
D_STEMS = frozenset(
    [
        "word",
        "vind",
        "houd",
        "rijd",
        "bied",
        "leid",
        "meld",
        "zend",
        "wend",
        "lijd",
        "mijd",
        "snijd",
        "glijd",
        "bind",
        "verbind",
        "onthoud",
        "behoud",
        "verbied",
        "aanbied",
        "besteed",
        "overleid",
        "ontbind",
        "verbreed",
        "antwoord",
        "beantwoord",
    ]
)
# Of those, the ones that are never also a noun or adjective, so "word" alone is a verb.
BARE_VERB_STEMS = frozenset(["word", "vind", "houd", "rijd", "bied"])
THIRD_PERSON = frozenset(["hij", "zij", "ze", "men", "u"])
# "het", "dat", "wat" and "er" are also articles or conjunctions: only for past participles
# turned present ("het gebeurd" → "gebeurt") with a prefix, where that reading is impossible.
THIRD_PERSON_OR_ARTICLE = THIRD_PERSON | frozenset(["het", "dat", "dit", "wat", "er"])
FIRST_PERSON = frozenset({"ik"})
SECOND_PERSON = frozenset({"jij", "je"})
# The auxiliaries of a perfect or passive: a participle follows them.
PERFECT_AUXILIARIES = frozenset(
    [
        "is",
        "was",
        "zijn",
        "waren",
        "ben",
        "bent",
        "heeft",
        "hebben",
        "heb",
        "hebt",
        "had",
        "hadden",
        "werd",
        "werden",
        "wordt",
        "worden",
    ]
)
AUXILIARIES = (PERFECT_AUXILIARIES - {"heb", "hebt"}) | frozenset(
    [
        "word",
        "kan",
        "kon",
        "kunnen",
        "moet",
        "moest",
        "moeten",
        "zal",
        "zou",
        "zullen",
        "mag",
        "mocht",
    ]
)
PARTICIPLE_PREFIXES = ("ge", "be", "ver", "ont", "her")
# Words after which a participle's clause may go on ("is gebeurd in Utrecht").
CLAUSE_GOES_ON = frozenset(
    [
        "en",
        "of",
        "maar",
        "door",
        "in",
        "op",
        "met",
        "bij",
        "om",
        "omdat",
        "toen",
        "nadat",
        "want",
        "dan",
        "te",
    ]
)
# How far back an auxiliary may stand from its participle ("is vorig jaar naar Zeeland verhuisd").
PARTICIPLE_WINDOW = 8
CLAUSE_STARTS = frozenset(
    [
        "dat",
        "die",
        "wat",
        "als",
        "omdat",
        "of",
        "toen",
        "nadat",
        "zodat",
        "terwijl",
        "wanneer",
        "waar",
        "hoe",
        "want",
        "en",
        "maar",
    ]
)
_CLAUSE_BREAK = re.compile(r"[,;:()–—\n]")
WINDOW = 4


def check_grammar(segments: list[Segment]) -> list[Finding]:
    findings = []
    for segment in segments:
        for token, replacement, rule in _mistakes(segment.tokens):
            findings.append(
                Finding(
                    rule=rule,
                    message=_verb_message(token, replacement)
                    if rule == Rule.VERB_ENDINGS
                    else _("Written apart: “%(words)s” is one word, “%(compound)s”.")
                    % {"words": token.text, "compound": replacement},
                    field=segment.field,
                    label=segment.label,
                    excerpt=segment.excerpt(token.start, len(token.text)),
                    suggestions=(replacement,),
                )
            )
    return findings


def _verb_message(token: Token, replacement: str) -> str:
    return _("Verb ending: “%(word)s” should probably be “%(fix)s” here.") % {
        "word": token.text,
        "fix": replacement,
    }


def _mistakes(tokens: list[Token]) -> Iterator[tuple[Token, str, str]]:
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index and _same_clause(token) else None
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is not None and not _same_clause(following):
            following = None
        fix = _verb_fix(tokens, index, previous, following)
        if fix:
            yield token, dictionary.same_case(fix, token.text), Rule.VERB_ENDINGS
            continue
        if previous is not None:
            joined = compounds.written_apart(tokens, index)
            if joined:
                pair = Token(
                    f"{previous.text} {token.text}", previous.start, "", False, previous.quote
                )
                yield pair, joined, Rule.COMPOUNDS


def _verb_fix(tokens, index, previous, following) -> str | None:
    word = tokens[index].lower
    before = previous.lower if previous else ""
    after = following.lower if following else ""
    stem = word[:-1] if word.endswith("dt") else None
    if before in THIRD_PERSON and word in D_STEMS and after not in FIRST_PERSON:
        return word + "t"  # hij word → wordt
    if before in FIRST_PERSON and stem in D_STEMS:
        return stem  # ik wordt → word
    if stem in D_STEMS and after in {"ik", "jij"}:
        return stem  # wordt jij → word
    if before in SECOND_PERSON and word in D_STEMS and after not in FIRST_PERSON:
        return word + "t"  # jij vind → vindt
    if word in D_STEMS and after in THIRD_PERSON - {"ze"}:
        return word + "t"  # vind hij → vindt
    if word in BARE_VERB_STEMS and not tokens[index].sentence_start:
        persons = FIRST_PERSON | SECOND_PERSON
        nearby = {t.lower for t in tokens[max(0, index - 2 * WINDOW) : index]}
        if not nearby & persons and after not in persons:
            return word + "t"  # het kabinet word gevraagd → wordt
    if before in THIRD_PERSON_OR_ARTICLE and after not in AUXILIARIES:
        fix = _participle_as_present(word)
        if fix:
            return fix  # het gebeurd → gebeurt
    if before not in THIRD_PERSON_OR_ARTICLE and (not following or after in CLAUSE_GOES_ON):
        fix = _present_as_participle(tokens, index)
        if fix:
            return fix  # is gebeurt → gebeurd
    return None


def _participle_as_present(word: str) -> str | None:
    if word.startswith(PARTICIPLE_PREFIXES) and word.endswith("d") and not word.endswith("dd"):
        present = word[:-1] + "t"
        if dictionary.in_dictionary(present) and not dictionary.in_dictionary(word + "t"):
            return present
    return None


def _present_as_participle(tokens: list[Token], index: int) -> str | None:
    word = tokens[index].lower
    if not (word.startswith(PARTICIPLE_PREFIXES) and word.endswith("t")):
        return None
    participle = word[:-1] + "d"
    if not dictionary.in_dictionary(participle):
        return None
    for back in range(index - 1, max(-1, index - 1 - PARTICIPLE_WINDOW), -1):
        if tokens[back].lower in PERFECT_AUXILIARIES:
            return participle
        if tokens[back].lower in CLAUSE_STARTS:
            break  # "blij dat er iets gebeurt": the auxiliary belongs to another clause
        if not _same_clause(tokens[back + 1]):
            break
    return None


def _same_clause(token: Token) -> bool:
    """Whether `token` is in the same clause as the word before it."""
    return not token.sentence_start and not _CLAUSE_BREAK.search(token.gap)
