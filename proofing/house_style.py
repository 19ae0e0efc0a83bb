"""The newsroom's house style: headline and lede length, photos, quotation marks, notes."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .findings import Finding, Rule
from .text import Segment

HEADLINE_MAX = 90
LEDE_MAX = 300
# Below this a "1 minute" reading time oversells the piece; above the other, it is a dossier.
BODY_MIN_WORDS = 80
READING_MAX_MINUTES = 30
_DOUBLE_SPACE = re.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")
# An English or typewriter opening quote where Dutch prints „ (the closing ” is shared).
_WRONG_OPENING = re.compile(r"(?:^|(?<=[\s(]))[\"“]")


def check_house_style(
    *,
    headline: str,
    lede: str,
    texts: list[Segment],
    photos: list,
    body_words: int,
    reading_time: int,
    change_kind: str,
    change_note: str,
) -> list[Finding]:
    findings = []
    if len(headline) > HEADLINE_MAX:
        findings.append(
            _finding(
                Rule.HEADLINE_LENGTH,
                _("The headline has %(count)d characters; keep it under %(max)d.")
                % {"count": len(headline), "max": HEADLINE_MAX},
                "headline",
            )
        )
    if not lede.strip():
        findings.append(_finding(Rule.LEDE, _("The lede is missing."), "lede"))
    elif len(lede) > LEDE_MAX:
        findings.append(
            _finding(
                Rule.LEDE,
                _("The lede has %(count)d characters; keep it under %(max)d.")
                % {"count": len(lede), "max": LEDE_MAX},
                "lede",
            )
        )
    for number, photo in enumerate(photos, start=1):
        missing = [
            name
            for name, value in ((_("alt text"), photo.alt), (_("credit"), photo.credit))
            if not value.strip()
        ]
        if missing:
            findings.append(
                _finding(
                    Rule.PHOTO_CREDITS,
                    _("Photo %(number)d (%(photo)s) has no %(missing)s.")
                    % {"number": number, "photo": photo, "missing": _(" or ").join(missing)},
                    "photos",
                )
            )
    for segment in texts:
        findings.extend(_typography(segment))
    if change_kind in {"update", "correction"} and not change_note.strip():
        findings.append(
            _finding(
                Rule.CHANGE_NOTE,
                _("An update or correction needs a public note that says what changed."),
                "change_note",
            )
        )
    if body_words < BODY_MIN_WORDS:
        findings.append(
            _finding(
                Rule.READING_TIME,
                ngettext(
                    "The body has only %(count)d word: too short for a reading time.",
                    "The body has only %(count)d words: too short for a reading time.",
                    body_words,
                )
                % {"count": body_words},
                "body",
            )
        )
    elif reading_time > READING_MAX_MINUTES:
        findings.append(
            _finding(
                Rule.READING_TIME,
                _("A reading time of %(minutes)d minutes: consider splitting the piece.")
                % {"minutes": reading_time},
                "body",
            )
        )
    return findings


def _typography(segment: Segment) -> list[Finding]:
    found = []
    spaces = list(_DOUBLE_SPACE.finditer(segment.text))
    if spaces:
        found.append(
            _finding(
                Rule.DOUBLE_SPACES,
                ngettext("%(count)d double space.", "%(count)d double spaces.", len(spaces))
                % {"count": len(spaces)},
                segment.field,
                segment,
                spaces[0].start(),
            )
        )
    quotes = list(_WRONG_OPENING.finditer(segment.text))
    if quotes:
        found.append(
            _finding(
                Rule.QUOTATION_MARKS,
                _("Quotations open with „ and close with ” in Dutch."),
                segment.field,
                segment,
                quotes[0].start(),
            )
        )
    return found


def _finding(rule, message, field, segment: Segment | None = None, at: int = 0) -> Finding:
    return Finding(
        rule=rule,
        message=message,
        field=field,
        label=segment.label if segment else "",
        excerpt=segment.excerpt(at, 2) if segment else "",
    )
