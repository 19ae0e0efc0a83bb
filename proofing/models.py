"""The newsroom's own words, and how strictly each check rule is applied."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .findings import DEFAULT_SEVERITY, Rule, Severity

WORD_MAX_LENGTH = 60
# Letters (any script), digits, and the hyphen, apostrophe and full stop inside names
# ("Pieter-Jan", "auto's", "St.-Michielsgestel"); nothing else, above all no spaces or markup.
_WORD = re.compile(r"^[^\W_]+(?:(?:[-'’.]|\.-)[^\W_]+)*\.?$")


def validate_word(value: str) -> None:
    if any(char.isspace() for char in value):
        raise ValidationError(_("Enter one word, without spaces."), code="spaces")
    if not _WORD.match(value) or not any(char.isalpha() for char in value):
        raise ValidationError(
            _("Only letters, digits, hyphens and apostrophes: no markup or other characters."),
            code="characters",
        )


class NewsroomWordQuerySet(models.QuerySet):
    def as_set(self) -> frozenset[str]:
        """Every listed word, as written and in lower case, for the spelling check."""
        words = list(self.values_list("word", flat=True))
        return frozenset(words) | frozenset(word.lower() for word in words)


class NewsroomWord(models.Model):
    """A name, place or house spelling the dictionary does not know but the newsroom uses."""

    word = models.CharField(
        _("word"), max_length=WORD_MAX_LENGTH, unique=True, validators=[validate_word]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = NewsroomWordQuerySet.as_manager()

    class Meta:
        ordering = ["word"]
        verbose_name = _("newsroom word")
        verbose_name_plural = _("newsroom word list")

    def __str__(self) -> str:
        return self.word


class RuleSettingQuerySet(models.QuerySet):
    def severities(self) -> dict[str, str]:
        """Each rule's severity: the one set by the editors-in-chief, else the default."""
        chosen = dict(self.values_list("rule", "severity"))
        return {rule: chosen.get(rule, DEFAULT_SEVERITY[rule]) for rule in Rule}


class RuleSetting(models.Model):
    """Whether a check rule warns, blocks publication, or is off; set by the Hoofdredactie."""

    rule = models.CharField(_("rule"), max_length=32, choices=Rule.choices, unique=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)

    objects = RuleSettingQuerySet.as_manager()

    class Meta:
        ordering = ["rule"]
        verbose_name = _("check rule")
        verbose_name_plural = _("check rules")

    def __str__(self) -> str:
        return self.get_rule_display()
