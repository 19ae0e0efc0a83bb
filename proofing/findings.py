"""What a check finds, and the rules the editors-in-chief can set to warn or to block."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    OFF = "off", _("off")
    WARNING = "warning", _("warning")
    BLOCKING = "blocking", _("blocking: refuses publication")


# Shown, never blocking, not configurable: unknown names and parts that were not checked.
INFO = "info"


class Rule(models.TextChoices):
    SPELLING = "spelling", _("Spelling (dictionary)")
    VERB_ENDINGS = "dt", _("Verb endings (d/t)")
    COMPOUNDS = "compound", _("Compounds written apart")
    REPORTED = "reported", _("Mistakes readers reported before")
    HEADLINE_LENGTH = "headline_length", _("Headline length")
    LEDE = "lede", _("Lede present and not too long")
    PHOTO_CREDITS = "photo_credits", _("Every photo with alt text and credit")
    QUOTATION_MARKS = "quotation_marks", _("Dutch quotation marks („…”)")
    DOUBLE_SPACES = "double_spaces", _("Double spaces")
    CHANGE_NOTE = "change_note", _("A public note on every update and correction")
    READING_TIME = "reading_time", _("A reading time that makes sense")


DEFAULT_SEVERITY = {
    **{rule: Severity.WARNING for rule in Rule},
    # Publication already requires these (see articles.forms); blocking says so in the panel.
    Rule.PHOTO_CREDITS: Severity.BLOCKING,
}


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    # "headline", "lede", "body", "caption", "alt" or "" for the article as a whole.
    field: str = ""
    label: str = ""
    excerpt: str = ""
    # The word as written, for "add to the word list" (spelling findings only).
    word: str = ""
    suggestions: tuple[str, ...] = ()
    count: int = 1
    severity: str = Severity.WARNING

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCKING

    @property
    def is_info(self) -> bool:
        return self.severity == INFO
