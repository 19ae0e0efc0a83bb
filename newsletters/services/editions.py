"""The edition life cycle: create, assemble, hold, schedule, check, start, pause, resume.

Every action asks the policy (articles.policy) once; the beat jobs act as SYSTEM.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import policy
from articles.policy import require
from edge.purging import editions_changed

from ..mail import edition_message, render_edition
from ..models import Delivery, Edition, EditionItem, Subscriber, monday_of
from ..selectors import edition_blocking_articles, edition_candidates
from . import sending

logger = logging.getLogger(__name__)


class EditionNotSendable(Exception):
    """The edition cannot start sending; the message says why, for the editor."""


def week_of(moment: datetime):
    """The Monday (local date) of the week a moment falls in."""
    return monday_of(timezone.localtime(moment).date())


def week_selection(*, until: datetime) -> list:
    """The articles an edition offers: the seven days up to `until`, best first.

    The one selection, for the weekly beat job and an editor's "assemble now" alike.
    """
    return edition_candidates(
        since=until - timedelta(days=7), until=until, limit=settings.NEWSLETTER_EDITION_SIZE
    )


def _replace_items(edition: Edition, articles: list) -> None:
    edition.items.all().delete()
    EditionItem.objects.bulk_create(
        EditionItem(edition=edition, article=article, position=position)
        for position, article in enumerate(articles, start=1)
    )


def edition_assemble(*, by, now: datetime | None = None) -> Edition | None:
    """Create this week's edition from the week's articles; None when it exists already.

    The beat job's edition is scheduled (when it has articles); an editor's is held until
    the editor schedules or sends it, after the confirmation.
    """
    require(policy.may_curate_editions(by))
    now = now or timezone.now()
    week = week_of(now)
    if Edition.objects.filter(week=week).exists():
        return None
    articles = week_selection(until=now)
    subject = _("%(site)s newsletter, week %(week)d") % {
        "site": settings.SITE_NAME,
        "week": week.isocalendar().week,
    }
    scheduled = bool(articles) and by is policy.SYSTEM
    try:
        with transaction.atomic():
            edition = Edition.objects.create(
                week=week,
                subject=subject,
                scheduled_at=now + timedelta(minutes=settings.NEWSLETTER_SEND_AFTER_MINUTES),
                status=Edition.Status.SCHEDULED if scheduled else Edition.Status.HELD,
                notice="" if articles else _("No articles were published this week."),
            )
            _replace_items(edition, articles)
    except IntegrityError:
        # A second beat run in the same week lost the race to the unique week.
        return None
    return edition


def edition_create(*, edition: Edition, by) -> Edition:
    """Save an edition an editor made by hand: held until it is scheduled or sent."""
    require(policy.may_curate_editions(by))
    edition.week = monday_of(edition.week)
    edition.status, edition.notice = Edition.Status.HELD, ""
    edition.save()
    return edition


def edition_fill(*, edition: Edition, by, now: datetime | None = None) -> int:
    """Replace the articles of an editable edition with the selection for its week.

    The week's seven days end at the end of its Sunday, or now if that is sooner.
    Returns the number of articles.
    """
    require(policy.may_curate_editions(by))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Edition.objects.select_for_update().filter(pk=edition.pk).first()
        if locked is None or not locked.is_editable:
            raise EditionNotSendable(_("This edition is already being sent or has been sent."))
        week_end = timezone.make_aware(
            datetime.combine(locked.week + timedelta(days=7), datetime.min.time())
        )
        articles = week_selection(until=min(now, week_end))
        _replace_items(locked, articles)
    return len(articles)


def edition_hold(*, edition: Edition, by) -> bool:
    require(policy.may_send_edition(by))
    return bool(
        Edition.objects.filter(pk=edition.pk, status=Edition.Status.SCHEDULED).update(
            status=Edition.Status.HELD
        )
    )


def edition_schedule(*, edition: Edition, at: datetime, by) -> bool:
    """Let the edition go out at `at`; refused (EditionNotSendable) if it may not go out."""
    require(policy.may_send_edition(by))
    edition_check(edition=edition, schedule_at=at)
    return bool(
        Edition.objects.filter(pk=edition.pk, status__in=Edition.Status.editable()).update(
            status=Edition.Status.SCHEDULED, scheduled_at=at, notice=""
        )
    )


def edition_check(*, edition: Edition, schedule_at: datetime | None = None) -> None:
    """Raise EditionNotSendable when the edition must not go out as it is (or at `schedule_at`)."""
    if schedule_at is not None and schedule_at <= timezone.now():
        raise EditionNotSendable(
            _("The send time has passed: save a time in the future first, or send now.")
        )
    if not edition.subject.strip():
        raise EditionNotSendable(_("This edition has no subject."))
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


def edition_start_send(*, edition: Edition, by) -> int:
    """Snapshot the recipients and start the batches; returns the number of deliveries.

    Subscribers who confirm after this moment do not get this edition.
    """
    require(policy.may_send_edition(by))
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


def edition_pause(*, edition: Edition, by) -> bool:
    """Stop claiming batches; the batch in flight finishes."""
    require(policy.may_send_edition(by))
    return bool(
        Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).update(
            status=Edition.Status.PAUSED
        )
    )


def edition_resume(*, edition: Edition, by) -> bool:
    require(policy.may_send_edition(by))
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
    require(policy.may_send_edition(by))
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
            edition_start_send(edition=edition, by=policy.SYSTEM)
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
