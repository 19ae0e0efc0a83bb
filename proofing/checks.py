"""The pre-publish check: spelling, d/t, compounds, reported mistakes and house style.

`check_article()` is pure apart from reading the word list, the rule settings and the
confirmed typo reports; it never writes, so it is safe on every save and every page view.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from articles.richtext import count_words

from . import dictionary
from .budget import Budget
from .findings import INFO, Finding, Rule, Severity
from .grammar import check_grammar
from .house_style import check_house_style
from .models import NewsroomWord, RuleSetting
from .reported import KnownMistake, check_reported, known_mistakes
from .spelling import check_spelling
from .text import Segment, html_to_text, segment

_ORDER = {Severity.BLOCKING: 0, Severity.WARNING: 1, INFO: 2}


def check_article(
    *,
    article,
    inline_images: list | None = None,
    change_kind: str = "",
    change_note: str = "",
) -> list[Finding]:
    """Everything the panel shows for `article` (saved or not), most serious first.

    `inline_images` are the photos placed in the body (Image objects); the stored ones when
    None. Rules set to "off" are left out; the rest carry the severity the
    editors-in-chief chose.
    """
    if inline_images is None:
        inline_images = [i.image for i in article.inline_images.all()] if article.pk else []
    photos = [p for p in [article.lead_image, *inline_images] if p is not None]
    return check_texts(
        headline=article.headline or "",
        lede=article.lede or "",
        body=article.body or "",
        photos=photos,
        reading_time=article.compute_reading_time(),
        change_kind=change_kind,
        change_note=change_note,
        word_list=NewsroomWord.objects.as_set(),
        mistakes=known_mistakes(),
        severities=RuleSetting.objects.severities(),
    )


def check_texts(
    *,
    headline: str,
    lede: str,
    body: str,
    photos: list,
    reading_time: int,
    change_kind: str,
    change_note: str,
    word_list: frozenset[str],
    mistakes: list[KnownMistake],
    severities: dict[str, str],
) -> list[Finding]:
    dictionary.load()
    budget = Budget(
        seconds=settings.PROOFING_SECONDS, suggestion_seconds=settings.PROOFING_SUGGESTION_SECONDS
    )
    segments, skipped = _segments(headline, lede, body, photos, budget)
    findings = check_house_style(
        headline=headline,
        lede=lede,
        texts=segments,
        photos=photos,
        body_words=count_words(body),
        reading_time=reading_time,
        change_kind=change_kind,
        change_note=change_note,
    )
    findings += check_reported(segments, mistakes)
    findings += check_spelling(segments, word_list=word_list, budget=budget)
    if budget.expired():
        skipped = True
    else:
        findings += check_grammar(segments)
    if skipped:
        findings.append(
            Finding(
                rule=Rule.SPELLING,
                message=_(
                    "This text is too long to check in full: only its beginning was checked."
                ),
                severity=INFO,
            )
        )
    return _apply(findings, severities)


def _segments(
    headline: str, lede: str, body: str, photos: list, budget: Budget
) -> tuple[list[Segment], bool]:
    texts = [("headline", _("Headline"), headline), ("lede", _("Lede"), lede)]
    texts.append(("body", _("Body"), html_to_text(body)))
    for number, photo in enumerate(photos, start=1):
        texts.append(("caption", _("Caption of photo %(n)d") % {"n": number}, photo.caption))
        texts.append(("alt", _("Alt text of photo %(n)d") % {"n": number}, photo.alt))
    segments, left, skipped = [], settings.PROOFING_MAX_WORDS, False
    for field, label, text in texts:
        if len(text) > settings.PROOFING_MAX_CHARACTERS:
            text, skipped = text[: settings.PROOFING_MAX_CHARACTERS], True
        part = segment(field, label, text, max_words=max(left, 0), budget=budget)
        left -= len(part.tokens)
        skipped = skipped or left <= 0 or budget.expired()
        segments.append(part)
    return segments, skipped


def _apply(findings: list[Finding], severities: dict[str, str]) -> list[Finding]:
    result = []
    for finding in findings:
        if finding.severity != INFO:
            severity = severities.get(finding.rule, Severity.WARNING)
            if severity == Severity.OFF:
                continue
            if severity != finding.severity:
                finding = Finding(**{**finding.__dict__, "severity": severity})
        result.append(finding)
    return sorted(result, key=lambda f: _ORDER[f.severity])


def blocking(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.blocks]
