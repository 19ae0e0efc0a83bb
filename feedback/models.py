from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.richtext import plain_text
from newsroom.headers import validate_header_text

from .querysets import TypoReportQuerySet, UsefulnessQuerySet

COMMENT_MAX_LENGTH = 1000
QUOTE_MAX_LENGTH = 500
# How much of the article around a quote is kept with a typo report.
CONTEXT_LENGTH = 80


class Vote(models.Model):
    """One reader's answer to “Was this article useful?”; a changed mind updates the row."""

    class Reason(models.TextChoices):
        UNCLEAR = "unclear", _("unclear")
        INCOMPLETE = "incomplete", _("incomplete")
        WRONG = "wrong", _("an error in the article")
        UNINTERESTING = "uninteresting", _("not interesting")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="votes"
    )
    # A keyed hash of the reader's signed cookie: recognises a returning reader, names nobody.
    reader_hash = models.CharField(_("reader"), max_length=64, editable=False)
    useful = models.BooleanField(_("useful"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    revision_number = models.PositiveIntegerField(_("revision seen"))
    created_at = models.DateTimeField(_("first voted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("usefulness vote")
        verbose_name_plural = _("usefulness votes")
        constraints = [
            # One vote per reader per article; also the index of the upsert and of
            # the per-article counts (its first column is the article).
            models.UniqueConstraint(fields=["article", "reader_hash"], name="vote_one_per_reader"),
            models.CheckConstraint(
                condition=Q(useful=False) | Q(reason=""), name="vote_reason_only_when_not_useful"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'ja' if self.useful else 'nee'}"


class TypoReport(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", _("in progress")
        FIXED = "fixed", _("fixed")
        REJECTED = "rejected", _("rejected")

    class MailStatus(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")

    class ThanksStatus(models.TextChoices):
        NONE = "", _("not sent")
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="typo_reports"
    )
    revision_number = models.PositiveIntegerField(_("revision seen"))
    quote = models.CharField(_("quoted text"), max_length=QUOTE_MAX_LENGTH)
    context_before = models.CharField(_("text before"), max_length=CONTEXT_LENGTH, blank=True)
    context_after = models.CharField(_("text after"), max_length=CONTEXT_LENGTH, blank=True)
    correction = models.CharField(
        _("suggested correction"), max_length=QUOTE_MAX_LENGTH, blank=True
    )
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    # Both go into the Reply-To header of the editors' mail.
    name = models.CharField(
        _("name"), max_length=100, blank=True, validators=[validate_header_text]
    )
    email = models.EmailField(_("e-mail"), blank=True, validators=[validate_header_text])
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    # Whether the quote was in the revision the reader saw: only then can its absence from
    # the live text mean that someone fixed it.
    quote_found = models.BooleanField(_("quote found in the article"), default=True, editable=False)
    fixed_in_revision = models.PositiveIntegerField(_("fixed in revision"), null=True, blank=True)
    mail_status = models.CharField(
        _("mail to the editors"),
        max_length=8,
        choices=MailStatus.choices,
        default=MailStatus.PENDING,
        editable=False,
    )
    mail_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    thanks_status = models.CharField(
        _("thank-you mail"),
        max_length=8,
        choices=ThanksStatus.choices,
        default=ThanksStatus.NONE,
        blank=True,
        editable=False,
    )
    thanks_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    objects = TypoReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("typo report")
        verbose_name_plural = _("typo reports")
        indexes = [
            # The admin inbox: reports of one status, newest first.
            models.Index(fields=["status", "-created_at"], name="typo_status_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(fixed_in_revision__isnull=True) | Q(status="fixed"),
                name="typo_fixing_revision_only_when_fixed",
            ),
            models.CheckConstraint(
                condition=Q(thanks_status="") | ~Q(email=""), name="typo_thanks_only_with_address"
            ),
        ]

    def __str__(self) -> str:
        return f"“{self.quote[:60]}”"

    def get_admin_url(self) -> str:
        return reverse("admin:feedback_typoreport_change", args=[self.pk])

    @property
    def context_cut(self) -> tuple[str, str]:
        """Ellipses for the sides where the stored context stops inside the article."""
        return (
            "…" if len(self.context_before) >= CONTEXT_LENGTH else "",
            "…" if len(self.context_after) >= CONTEXT_LENGTH else "",
        )

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.NEW, self.Status.IN_PROGRESS}

    @property
    def quote_is_live(self) -> bool:
        return self.quote in plain_text(self.article.body)

    @property
    def possibly_fixed(self) -> bool:
        """The reader saw the quote and the live article no longer has it: perhaps fixed."""
        return self.is_open and self.quote_found and not self.quote_is_live

    @property
    def text_state(self) -> str:
        """What the live article says about the quote of an open report, for the editors."""
        if not self.is_open:
            return ""
        if not self.quote_found:
            return _("never in the article")
        return _("possibly fixed") if self.possibly_fixed else _("still in the article")

    @property
    def may_thank(self) -> bool:
        return bool(self.email) and self.thanks_status == self.ThanksStatus.NONE


class ArticleUsefulness(Article):
    """Articles seen through their readers' votes: the editors' usefulness list."""

    objects = UsefulnessQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("rated article")
        verbose_name_plural = _("rated articles")
