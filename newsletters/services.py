"""Everything the newsletter writes: sign-ups, editions and the send.

The send works on one Delivery row per (edition, subscriber). A batch is claimed
with a conditional UPDATE (queued → sending), sent over one SMTP connection and
recorded (sent / failed / queued again for a retry), so a duplicated or retried
task, or a second worker, never sends a delivery twice.

Crash policy (the sweeper): a batch is marked sent only after its SMTP
conversation, so a worker that dies mid-batch leaves that batch "sending".
Rows "sending" for longer than NEWSLETTER_SWEEP_AFTER_MINUTES are queued
again. Those recipients (at most one batch per crashed worker) may get the
edition twice; nobody misses it.
"""

import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import tasks
from .mail import (
    BatchMessages,
    confirmation_message,
    delivery_message_id,
    edition_message,
    render_edition,
)
from .models import (
    CONSENT_TEXT_VERSION,
    ConsentRecord,
    Delivery,
    Edition,
    EditionItem,
    Subscriber,
    normalize_email,
)
from .selectors import edition_blocking_articles, edition_candidates

logger = logging.getLogger(__name__)

SNAPSHOT_CHUNK = 2000


class EditionNotSendable(Exception):
    """The edition cannot start sending; the message says why, for the editor."""


# Subscribers


def subscriber_signup(*, email: str, source: str = "") -> None:
    """Start the double opt-in; whatever the address's state, the caller learns nothing.

    At most one confirmation mail an hour goes to an address, and none to a
    confirmed subscriber.
    """
    email = normalize_email(email)
    now = timezone.now()
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.get_or_create(email=email)
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return
        claimed = (
            Subscriber.objects.filter(pk=subscriber.pk)
            .filter(
                Q(confirmation_sent_at__isnull=True)
                | Q(confirmation_sent_at__lte=now - timedelta(hours=1))
            )
            .update(confirmation_sent_at=now)
        )
        if not claimed:
            return
        consent = ConsentRecord.objects.create(
            subscriber=subscriber, source=source[:200], text_version=CONSENT_TEXT_VERSION
        )
        transaction.on_commit(lambda: tasks.send_confirmation.delay(consent.pk))


def consent_send_confirmation(*, consent_id: int) -> bool:
    """Mail the confirmation link once; False when it was sent already (or purged)."""
    claimed = ConsentRecord.objects.filter(pk=consent_id, mail_sent_at=None).update(
        mail_sent_at=timezone.now()
    )
    if not claimed:
        return False
    consent = ConsentRecord.objects.select_related("subscriber").get(pk=consent_id)
    try:
        confirmation_message(consent).send()
    except (smtplib.SMTPException, OSError):
        # Not sent: let the task's retry claim it again.
        ConsentRecord.objects.filter(pk=consent_id).update(mail_sent_at=None)
        raise
    return True


def subscriber_confirm(*, consent: ConsentRecord) -> None:
    """Confirm the subscription this consent record asked for (only its first use counts)."""
    now = timezone.now()
    with transaction.atomic():
        first_use = ConsentRecord.objects.filter(pk=consent.pk, confirmed_at=None).update(
            confirmed_at=now
        )
        if first_use:
            Subscriber.objects.filter(pk=consent.subscriber_id).update(
                status=Subscriber.Status.CONFIRMED,
                confirmed_at=now,
                unsubscribed_at=None,
                bounce_count=0,
            )


def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    """Stop every edition not yet sent to this subscriber; sending again needs a new opt-in."""
    Subscriber.objects.filter(
        pk=subscriber.pk, status__in=[Subscriber.Status.CONFIRMED, Subscriber.Status.PENDING]
    ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())


def purge_unconfirmed_signups(*, now: datetime | None = None) -> int:
    """Forget sign-ups nobody confirmed in time; returns the number of addresses removed."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS)
    ConsentRecord.objects.filter(confirmed_at=None, given_at__lt=cutoff).delete()
    stale = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING, created_at__lt=cutoff
    ).exclude(consents__given_at__gte=cutoff)
    _total, by_model = stale.delete()
    return by_model.get(Subscriber._meta.label, 0)


# Editions


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
        count = 0
        recipients = Subscriber.objects.receiving().order_by("pk").values_list("pk", flat=True)
        chunk: list[Delivery] = []
        for subscriber_id in recipients.iterator(chunk_size=SNAPSHOT_CHUNK):
            chunk.append(Delivery(edition_id=edition.pk, subscriber_id=subscriber_id))
            if len(chunk) == SNAPSHOT_CHUNK:
                count += len(Delivery.objects.bulk_create(chunk, ignore_conflicts=True))
                chunk = []
        count += len(Delivery.objects.bulk_create(chunk, ignore_conflicts=True))
        transaction.on_commit(lambda: tasks.send_edition_batch.delay(edition.pk))
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
            transaction.on_commit(lambda: tasks.send_edition_batch.delay(edition.pk))
    return bool(resumed)


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


# The send


@dataclass
class BatchOutcome:
    sent: list[Delivery] = field(default_factory=list)
    failed: list[Delivery] = field(default_factory=list)
    retry: list[Delivery] = field(default_factory=list)
    connection_failed: bool = False


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(settings.NEWSLETTER_RETRY_SECONDS * 2 ** (attempts - 1), 3600))


def _smtp_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return min(code for code, _message in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    return None


def _claim_batch(edition_id: int, size: int) -> uuid.UUID | None:
    """Mark up to `size` due deliveries as ours (queued → sending) with one conditional UPDATE."""
    batch = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        # Two statements: PostgreSQL may run a LIMIT … FOR UPDATE subquery of an
        # UPDATE more than once and claim more than `size` rows. SKIP LOCKED lets
        # concurrent claimers take different rows instead of waiting on each other.
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(edition_id=edition_id, status=Delivery.Status.QUEUED)
            .filter(subscriber__in=Subscriber.objects.receiving())
            .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        claimed = Delivery.objects.filter(pk__in=due, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SENDING, batch=batch, claimed_at=now, attempts=F("attempts") + 1
        )
    return batch if claimed else None


def _deliver(deliveries: list[Delivery], rendered) -> BatchOutcome:
    """Send a claimed batch over one SMTP connection; classify each result."""
    outcome = BatchOutcome()
    batch_messages = BatchMessages(rendered)
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        for delivery in deliveries:
            delivery.error = f"connection: {exc}"[:500]
        outcome.retry, outcome.connection_failed = deliveries, True
        return outcome
    # The SMTP backend's smtplib connection takes prepared bytes; other backends
    # (console, files, tests' locmem) get ordinary EmailMessages.
    smtp = getattr(connection, "connection", None)
    if not isinstance(smtp, smtplib.SMTP):
        smtp = None
    try:
        for index, delivery in enumerate(deliveries):
            email = delivery.subscriber.email
            message_id = delivery_message_id(delivery_id=delivery.pk, batch=delivery.batch)
            data = smtp and batch_messages.message_bytes(
                to=email, subscriber_id=delivery.subscriber_id, message_id=message_id
            )
            try:
                if data:
                    smtp.sendmail(sender, [email], data)
                else:
                    message = edition_message(
                        rendered,
                        to=email,
                        subscriber_id=delivery.subscriber_id,
                        message_id=message_id,
                        connection=connection,
                    )
                    connection.send_messages([message])
            except (smtplib.SMTPException, OSError) as exc:
                code = _smtp_code(exc)
                delivery.error = f"{code or 'connection'}: {exc}"[:500]
                if code is not None and code >= 500:
                    outcome.failed.append(delivery)
                elif code is not None:
                    outcome.retry.append(delivery)
                else:
                    # The connection is gone: this one and the rest of the batch wait.
                    for rest in deliveries[index + 1 :]:
                        rest.error = delivery.error
                    outcome.retry.extend(deliveries[index:])
                    outcome.connection_failed = True
                    break
            else:
                outcome.sent.append(delivery)
    finally:
        connection.close()
    return outcome


def _record(outcome: BatchOutcome) -> None:
    """One UPDATE for the sent rows; failures and retries (rare) row by row."""
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk__in=[d.pk for d in outcome.sent]).update(
            status=Delivery.Status.SENT, sent_at=now, error=""
        )
        for delivery in outcome.failed:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED, error=delivery.error
            )
        for delivery in outcome.retry:
            if delivery.attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
                changes = {"status": Delivery.Status.FAILED}
            else:
                retry_at = now + _retry_delay(delivery.attempts)
                changes = {"status": Delivery.Status.QUEUED, "retry_at": retry_at, "batch": None}
            Delivery.objects.filter(pk=delivery.pk).update(error=delivery.error, **changes)
        bounced = [delivery.subscriber_id for delivery in outcome.failed]
        if bounced:
            Subscriber.objects.filter(pk__in=bounced).update(bounce_count=F("bounce_count") + 1)
            Subscriber.objects.filter(
                pk__in=bounced,
                status=Subscriber.Status.CONFIRMED,
                bounce_count__gte=settings.NEWSLETTER_BOUNCE_THRESHOLD,
            ).update(status=Subscriber.Status.SUPPRESSED)


def _finish_or_wait(edition_id: int) -> float | None:
    """Nothing claimable: wait for retries, leave an in-flight batch alone, or finish."""
    pending = Delivery.objects.filter(
        edition_id=edition_id,
        status=Delivery.Status.QUEUED,
        subscriber__in=Subscriber.objects.receiving(),
    ).aggregate(count=Count("pk"), next_retry=Min("retry_at"))
    if pending["count"]:
        # Claimed by a concurrent batch a moment ago, or waiting for a retry.
        next_retry = pending["next_retry"] or timezone.now()
        return max(1.0, (next_retry - timezone.now()).total_seconds())
    in_flight = Delivery.objects.filter(edition_id=edition_id, status=Delivery.Status.SENDING)
    if in_flight.exists():
        # Its own task finishes the edition, or the sweeper requeues it after a crash.
        return None
    with transaction.atomic():
        Delivery.objects.filter(edition_id=edition_id, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SKIPPED
        )
        Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).update(
            status=Edition.Status.SENT, sent_at=timezone.now()
        )
    return None


def edition_send_batch(*, edition_id: int) -> float | None:
    """Send the next batch of an edition that is sending.

    Returns the seconds after which the next batch should run, or None when this
    chain of batches is done (edition sent, paused or gone).
    """
    edition = Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING).first()
    if edition is None:
        return None
    batch = _claim_batch(edition_id, settings.NEWSLETTER_BATCH_SIZE)
    if batch is None:
        return _finish_or_wait(edition_id)
    deliveries = list(
        Delivery.objects.filter(edition_id=edition_id, status=Delivery.Status.SENDING, batch=batch)
        .select_related("subscriber")
        .order_by("pk")
    )
    outcome = _deliver(deliveries, render_edition(edition))
    _record(outcome)
    if outcome.connection_failed and not outcome.sent:
        # The server is unreachable: back off instead of hammering it batch after batch.
        return _retry_delay(min(d.attempts for d in outcome.retry)).total_seconds()
    return 0.0


def deliveries_sweep(*, now: datetime | None = None) -> int:
    """Queue again deliveries stuck in "sending" after a crash and restart stalled sends.

    Returns the number of deliveries queued again. See the module docstring for the policy.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.NEWSLETTER_SWEEP_AFTER_MINUTES)
    stuck = Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=cutoff)
    due = Delivery.objects.filter(status=Delivery.Status.QUEUED).filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    )
    with transaction.atomic():
        stuck.filter(attempts__gte=settings.NEWSLETTER_MAX_ATTEMPTS).update(
            status=Delivery.Status.FAILED, error="gave up: interrupted too often"
        )
        interrupted = set(stuck.values_list("edition_id", flat=True).distinct())
        requeued = stuck.update(
            status=Delivery.Status.QUEUED,
            batch=None,
            retry_at=None,
            error="queued again by the sweeper: sending was interrupted",
        )
        # Sends whose chain of batch tasks died too (no claim for a while, work due).
        stalled = (
            Edition.objects.filter(status=Edition.Status.SENDING)
            .annotate(last_claim=Max("deliveries__claimed_at"))
            .filter(Q(last_claim__isnull=True) | Q(last_claim__lt=cutoff))
            .filter(Exists(due.filter(edition=OuterRef("pk"))))
            .values_list("pk", flat=True)
        )
        restart = Edition.objects.filter(
            pk__in=interrupted | set(stalled), status=Edition.Status.SENDING
        ).values_list("pk", flat=True)
        for edition_id in restart:
            transaction.on_commit(lambda pk=edition_id: tasks.send_edition_batch.delay(pk))
    if requeued:
        logger.warning("Sweeper queued %d interrupted deliveries again", requeued)
    return requeued
