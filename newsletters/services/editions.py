"""The edition life cycle: assemble, hold, schedule, check, start the send, pause, resume."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import policy
from edge.purging import editions_changed

from ..mail import edition_message, render_edition
from ..models import Delivery, Edition, EditionItem, Subscriber
from ..selectors import edition_blocking_articles, edition_candidates
from . import sending

logger = logging.getLogger(__name__)


class EditionNotSendable(Exception):
    """The edition cannot start sending; the message says why, for the editor."""


def week_of(moment: datetime):
    """The Monday (local date) of the week a moment falls in."""
    local = timezone.localtime(moment).date()
    return local - timedelta(days=local.weekday())


def edition_assemble(*, now: datetime | None = None) -> Edition | None:
    """Create this week's edition from the week's articles; None when it exists already."""
    now = now or timezone.now()
    week = week_of(now)
    if Edition.objects.filter(week=week).exists():
        return None
    articles = edition_candidates(
        since=now - timedelta(days=7), until=now, limit=settings.NEWSLETTER_EDITION_SIZE
    )
    subject = _("%(site)s newsletter, week %(week)d") % {
        "site": settings.SITE_NAME,
        "week": week.isocalendar().week,
    }
    try:
        with transaction.atomic():
            edition = Edition.objects.create(
                week=week,
                subject=subject,
                scheduled_at=now + timedelta(minutes=settings.NEWSLETTER_SEND_AFTER_MINUTES),
                status=Edition.Status.SCHEDULED if articles else Edition.Status.HELD,
                notice="" if articles else _("No articles were published this week."),
            )
            EditionItem.objects.bulk_create(
                EditionItem(edition=edition, article=article, position=position)
                for position, article in enumerate(articles, start=1)
            )
    except IntegrityError:
        # A second beat run in the same week lost the race to the unique week.
        return None
    return edition


def edition_hold(*, edition: Edition) -> bool:
    return bool(
        Edition.objects.filter(pk=edition.pk, status=Edition.Status.SCHEDULED).update(
            status=Edition.Status.HELD
        )
    )


def edition_schedule(*, edition: Edition, at: datetime) -> bool:
    return bool(
        Edition.objects.filter(pk=edition.pk, status__in=Edition.Status.editable()).update(
            status=Edition.Status.SCHEDULED, scheduled_at=at, notice=""
        )
    )


def edition_check(*, edition: Edition) -> None:
    """Raise EditionNotSendable when the edition must not go out as it is."""
    gone = edition_blocking_articles(edition)
    if gone:
        headlines = ", ".join(f"“{article.headline}”" for article in gone)
        raise EditionNotSendable(
            _(
                "No longer published: %(headlines)s. Remove it from the edition "
                "or publish it again, then send."
            )
            % {"headlines": headlines}
        )
    if not edition.items.exists():
        raise EditionNotSendable(_("This edition has no articles."))


def edition_start_send(*, edition: Edition) -> int:
    """Snapshot the recipients and start the batches; returns the number of deliveries.

    Subscribers who confirm after this moment do not get this edition.
    """
    try:
        edition_check(edition=edition)
    except EditionNotSendable as exc:
        Edition.objects.filter(pk=edition.pk).update(notice=str(exc))
        raise
    with transaction.atomic():
        started = Edition.objects.filter(
            pk=edition.pk, status__in=Edition.Status.editable()
        ).update(status=Edition.Status.SENDING, send_started_at=timezone.now(), notice="")
        if not started:
            raise EditionNotSendable(_("This edition is already being sent or has been sent."))
        # From now on readers find it in the archive.
        editions_changed(edition_id=edition.pk)
        count = sending.deliveries_snapshot(edition_id=edition.pk)
        sending.queue_batches(edition_id=edition.pk)
    edition.refresh_from_db()
    return count


def edition_pause(*, edition: Edition) -> bool:
    """Stop claiming batches; the batch in flight finishes."""
    return bool(
        Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).update(
            status=Edition.Status.PAUSED
        )
    )


def edition_resume(*, edition: Edition) -> bool:
    with transaction.atomic():
        resumed = Edition.objects.filter(pk=edition.pk, status=Edition.Status.PAUSED).update(
            status=Edition.Status.SENDING
        )
        if resumed:
            sending.queue_batches(edition_id=edition.pk)
    return bool(resumed)


def edition_resend_failed(*, edition: Edition, by) -> int:
    """Queue again the deliveries the recipients' servers refused; returns how many.

    For after a fault at the recipients' end is fixed (a full mailbox emptied, a
    blocklisting lifted). Suppressed and unsubscribed readers are left alone; a sent
    edition goes back to sending until the new batches are done.
    """
    policy.require(policy.may_send_edition(by))
    with transaction.atomic():
        count = Delivery.objects.filter(
            edition_id=edition.pk,
            status=Delivery.Status.FAILED,
            subscriber__in=Subscriber.objects.receiving(),
        ).update(status=Delivery.Status.QUEUED, attempts=0, retry_at=None, batch=None, error="")
        if not count:
            return 0
        Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENT).update(
            status=Edition.Status.SENDING
        )
        if Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).exists():
            sending.queue_batches(edition_id=edition.pk)
    return count


def editions_send_due(*, now: datetime | None = None) -> list[int]:
    """Start every scheduled edition whose time has come; hold those that fail the check."""
    now = now or timezone.now()
    started = []
    due = Edition.objects.filter(status=Edition.Status.SCHEDULED, scheduled_at__lte=now)
    for edition in due:
        try:
            edition_start_send(edition=edition)
        except EditionNotSendable as exc:
            Edition.objects.filter(pk=edition.pk, status=Edition.Status.SCHEDULED).update(
                status=Edition.Status.HELD, notice=str(exc)
            )
            logger.warning("Edition %s held: %s", edition.pk, exc)
        else:
            started.append(edition.pk)
    return started


def edition_send_test(*, edition: Edition, to: str) -> None:
    """One copy to an editor, as subscribers would get it (the unsubscribe link aside)."""
    rendered = render_edition(edition)
    message = edition_message(rendered, to=to, subscriber_id=None)
    message.subject = f"[{_('Test')}] {message.subject}"
    message.send()
