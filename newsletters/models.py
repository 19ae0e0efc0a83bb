from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from newsroom.headers import validate_header_text

from .querysets import DeliveryQuerySet, EditionQuerySet, SubscriberQuerySet

# Bump when the sign-up text readers agree to changes; consent records keep the version shown.
CONSENT_TEXT_VERSION = "2026-11b"  # b: the text links to the privacy statement


def monday_of(day: date) -> date:
    """An edition's week is named by its Monday."""
    return day - timedelta(days=day.weekday())


def normalize_email(value: str) -> str:
    """One spelling per mailbox: surrounding whitespace dropped, all lower case."""
    return value.strip().lower()


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        SUPPRESSED = "suppressed", _("suppressed after bounces")

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("last confirmation mail"), null=True, blank=True, editable=False
    )
    bounce_count = models.PositiveSmallIntegerField(_("permanent failures"), default=0)
    # Claimed by a conditional UPDATE before the welcome mail goes out: once per confirmation.
    welcome_sent_at = models.DateTimeField(
        _("welcome mail sent"), null=True, blank=True, editable=False
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        indexes = [
            # The recipient snapshot of a send and the purge of old unconfirmed sign-ups.
            models.Index(fields=["status", "created_at"], name="subscriber_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower(models.functions.Trim("email"))),
                name="subscriber_email_normalized",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class ConsentRecord(models.Model):
    """What a reader agreed to: when, on which page, to which text, and when they confirmed."""

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="consents"
    )
    given_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    source = models.CharField(_("page"), max_length=200, blank=True)
    text_version = models.CharField(_("consent text version"), max_length=20)
    mail_sent_at = models.DateTimeField(_("confirmation mail sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [
            # The purge of unconfirmed sign-ups older than a week.
            models.Index(fields=["confirmed_at", "given_at"], name="consent_unconfirmed_idx"),
        ]

    def __str__(self) -> str:
        given = date_format(timezone.localtime(self.given_at), "DATETIME_FORMAT")
        return f"{self.subscriber} ({given})"


class Edition(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held by an editor")
        SENDING = "sending", _("sending")
        PAUSED = "paused", _("paused")
        SENT = "sent", _("sent")

        @classmethod
        def public(cls) -> list[str]:
            return [cls.SENDING, cls.PAUSED, cls.SENT]

        @classmethod
        def editable(cls) -> list[str]:
            return [cls.SCHEDULED, cls.HELD]

    class Arrangement(models.TextChoices):
        SECTIONS = "sections", _("by section")
        EDITOR = "editor", _("in the editor's order")

    week = models.DateField(_("week"), help_text=_("The Monday of the week this edition covers."))
    # A mail header: one line of printable text.
    subject = models.CharField(_("subject"), max_length=150, validators=[validate_header_text])
    intro = models.TextField(_("intro"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    scheduled_at = models.DateTimeField(_("send at"))
    send_started_at = models.DateTimeField(_("send started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("send finished"), null=True, blank=True)
    notice = models.CharField(
        _("notice"),
        max_length=500,
        blank=True,
        help_text=_("Why the last send attempt did not start."),
    )
    # The mail server could not be reached: the whole send waits, doubling the wait each time
    # (newsletters.services.outage); no delivery spends an attempt on it.
    outage_tries = models.PositiveSmallIntegerField(
        _("tries with the mail server unreachable"), default=0, editable=False
    )
    outage_until = models.DateTimeField(
        _("mail server tried again at"), null=True, blank=True, editable=False
    )
    outage_error = models.CharField(
        _("mail server error"), max_length=500, blank=True, editable=False
    )
    articles = models.ManyToManyField(
        Article, through="EditionItem", related_name="editions", verbose_name=_("articles")
    )
    arrangement = models.CharField(
        _("order of the articles"),
        max_length=8,
        choices=Arrangement.choices,
        default=Arrangement.SECTIONS,
        help_text=_(
            "The lead article (the lowest position) always comes first, in the mail, the"
            " preview and the archive; the others follow by section or in your order."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-week"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        permissions = [("send_edition", _("Can send, pause and resume newsletter editions"))]
        indexes = [
            # The beat job that starts editions whose time has come.
            models.Index(fields=["status", "scheduled_at"], name="edition_due_idx"),
        ]
        constraints = [
            # Also serves the archive, newest week first.
            models.UniqueConstraint(fields=["week"], name="edition_one_per_week"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("newsletters:edition", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status in self.Status.editable()


class EditionItem(models.Model):
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="items"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("article in edition")
        verbose_name_plural = _("articles in edition")
        constraints = [
            models.UniqueConstraint(fields=["edition", "article"], name="edition_item_unique"),
        ]

    def __str__(self) -> str:
        return str(self.article)


class Delivery(models.Model):
    """One edition to one subscriber; claimed with a conditional UPDATE before it is sent."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped (unsubscribed)")

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    batch = models.UUIDField(_("batch"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    retry_at = models.DateTimeField(_("retry after"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=500, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            # The progress counts of an edition and finding its rows in flight.
            models.Index(fields=["edition", "status"], name="delivery_edition_status_idx"),
            # Claiming the next batch: an edition's queued rows by (retry_at, id). Only
            # queued rows are in it and no other index has that order, so a claim at the
            # end of a send of a million costs what it costs at the start (ordered by id
            # alone, the planner may walk the primary key past every row already sent).
            models.Index(
                fields=["edition", "retry_at", "id"],
                condition=Q(status="queued"),
                name="delivery_queued_idx",
            ),
            # The sweeper's rows stuck in "sending" (few: the batches in flight).
            models.Index(
                fields=["claimed_at"],
                condition=Q(status="sending"),
                name="delivery_sending_idx",
            ),
        ]
        constraints = [
            # Also the index for a subscriber's deliveries of one edition.
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="delivery_once_per_subscriber"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} → {self.subscriber}"
