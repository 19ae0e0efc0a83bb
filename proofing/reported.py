"""Mistakes readers reported and the editors confirmed: the same words are flagged next time."""

import difflib
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import dictionary
from .findings import Finding, Rule
from .text import Segment

# A quote without a suggested correction is used only when it is this short: a longer one
# is a sentence that was fixed somewhere, not a recognisable mistake.
MAX_BARE_QUOTE_WORDS = 4
MAX_PHRASE_LENGTH = 80
_PUNCTUATION = ".,;:!?„”“\"'()"


@dataclass(frozen=True)
class KnownMistake:
    wrong: str
    right: str


def mistakes_from_report(quote: str, correction: str) -> list[KnownMistake]:
    """The words a reader quoted that the correction changes; the short quote itself if none."""
    quote_words, right_words = quote.split(), correction.split()
    if not right_words:
        if 0 < len(quote_words) <= MAX_BARE_QUOTE_WORDS:
            return [KnownMistake(" ".join(quote_words), "")]
        return []
    found = []
    matcher = difflib.SequenceMatcher(a=quote_words, b=right_words, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag in {"replace", "delete"} and a2 > a1:
            wrong = " ".join(quote_words[a1:a2]).strip(_PUNCTUATION)
            right = " ".join(right_words[b1:b2]).strip(_PUNCTUATION)
            if wrong and len(wrong) <= MAX_PHRASE_LENGTH and wrong.lower() != right.lower():
                found.append(KnownMistake(wrong, right))
    if any(all(dictionary.known(w) for w in m.wrong.split()) for m in found):
        # A real word used wrongly ("word" for "wordt") is a mistake only in its context.
        whole = KnownMistake(" ".join(quote_words).strip(_PUNCTUATION), correction.strip())
        return [whole] if len(whole.wrong) <= MAX_PHRASE_LENGTH else []
    return found


def check_reported(segments: list[Segment], mistakes: list[KnownMistake]) -> list[Finding]:
    if not mistakes:
        return []
    by_phrase = {m.wrong.lower(): m for m in mistakes}
    pattern = re.compile(
        r"(?<!\w)("
        + "|".join(re.escape(p) for p in sorted(by_phrase, key=len, reverse=True))
        + r")(?!\w)",
        re.IGNORECASE,
    )
    findings = []
    for segment in segments:
        for match in pattern.finditer(segment.text):
            mistake = by_phrase[match.group().lower()]
            findings.append(
                Finding(
                    rule=Rule.REPORTED,
                    message=_("Readers reported “%(words)s” as a mistake before.")
                    % {"words": match.group()},
                    field=segment.field,
                    label=segment.label,
                    excerpt=segment.excerpt(match.start(), len(match.group())),
                    suggestions=(mistake.right,) if mistake.right else (),
                )
            )
    return findings


# The newest confirmed reports are enough: old mistakes have been learnt or are in the list.
MAX_REPORTS = 500


def known_mistakes() -> list[KnownMistake]:
    """Mistakes from reader reports the editors closed as fixed."""
    from feedback.models import TypoReport

    reports = TypoReport.objects.filter(status=TypoReport.Status.FIXED).order_by("-created_at")
    found = []
    for quote, correction in reports.values_list("quote", "correction")[:MAX_REPORTS]:
        found.extend(mistakes_from_report(quote, correction))
    return found
