"""Sign-up with double opt-in, consent records, confirmation and unsubscribing."""

import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from newsroom.outbox import enqueue_on_commit

from .. import tasks
from ..mail import confirmation_message, welcome_message
from ..models import (
    CONSENT_TEXT_VERSION,
    ConsentRecord,
    Subscriber,
    normalize_email,
)

# At most one confirmation mail an hour per address.
CONFIRMATION_INTERVAL = timedelta(hours=1)


def subscriber_signup(*, email: str, source: str = "") -> None:
    """Start the double opt-in; whatever the address's state, the caller learns nothing.

    The consent record and its mail are recorded together; the mail goes out through
    the outbox, so a broker outage changes nothing for the reader. At most one
    confirmation mail an hour goes to an address (counted when one is sent, see
    consent_send_confirmation), and none to a confirmed subscriber.
    """
    email = normalize_email(email)
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.get_or_create(email=email)
        if subscriber.status == Subscriber.Status.CONFIRMED or _mailed_within_the_hour(
            subscriber, now=timezone.now()
        ):
            return
        consent = ConsentRecord.objects.create(
            subscriber=subscriber, source=source[:200], text_version=CONSENT_TEXT_VERSION
        )
        enqueue_on_commit(tasks.send_confirmation, consent.pk)


def _mailed_within_the_hour(subscriber: Subscriber, *, now: datetime) -> bool:
    sent_at = subscriber.confirmation_sent_at
    return sent_at is not None and sent_at > now - CONFIRMATION_INTERVAL


def consent_send_confirmation(*, consent_id: int) -> bool:
    """Mail the confirmation link once; False when sent already, purged or not due.

    Two claims by conditional UPDATE, taken together: this record's mail (never
    twice) and the address's hourly slot. The slot is taken when a mail goes out,
    not when a reader asks, so a sign-up whose mail never left (broker down) does
    not hold back the next one; and of several sign-ups waiting in the outbox only
    one mail goes out.
    """
    consent = (
        ConsentRecord.objects.select_related("subscriber")
        .filter(pk=consent_id, mail_sent_at=None)
        .first()
    )
    if consent is None:
        return False
    now = timezone.now()
    previous = consent.subscriber.confirmation_sent_at
    with transaction.atomic():
        slot = (
            Subscriber.objects.filter(pk=consent.subscriber_id)
            .exclude(status=Subscriber.Status.CONFIRMED)
            .filter(
                Q(confirmation_sent_at__isnull=True)
                | Q(confirmation_sent_at__lte=now - CONFIRMATION_INTERVAL)
            )
            .update(confirmation_sent_at=now)
        )
        claimed = slot and ConsentRecord.objects.filter(pk=consent_id, mail_sent_at=None).update(
            mail_sent_at=now
        )
        if not claimed:
            transaction.set_rollback(True)
            return False
    try:
        confirmation_message(consent).send()
    except (smtplib.SMTPException, OSError):
        # Not sent: release both claims so that the task's retry takes them again.
        with transaction.atomic():
            ConsentRecord.objects.filter(pk=consent_id, mail_sent_at=now).update(mail_sent_at=None)
            Subscriber.objects.filter(pk=consent.subscriber_id, confirmation_sent_at=now).update(
                confirmation_sent_at=previous
            )
        raise
    return True


def subscriber_confirm(*, consent: ConsentRecord) -> bool:
    """Confirm the subscription this consent record asked for (only its first use counts).

    The first use also queues the welcome mail (outbox, on commit); False for a used link.
    """
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
            enqueue_on_commit(tasks.send_welcome, consent.subscriber_id)
    return bool(first_use)


def subscriber_send_welcome(*, subscriber_id: int) -> bool:
    """Mail the welcome, with the personal unsubscribe link, once per confirmation.

    Claimed by a conditional UPDATE (welcome_sent_at older than the confirmation), so a
    retried or duplicated task sends nothing twice; False when there is nothing to send.
    """
    now = timezone.now()
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    previous = subscriber.welcome_sent_at
    claimed = (
        Subscriber.objects.receiving()
        .filter(pk=subscriber_id)
        .filter(Q(welcome_sent_at__isnull=True) | Q(welcome_sent_at__lt=F("confirmed_at")))
        .update(welcome_sent_at=now)
    )
    if not claimed:
        return False
    try:
        welcome_message(subscriber).send()
    except (smtplib.SMTPException, OSError):
        # Not sent: release the claim so that the task's retry takes it again.
        Subscriber.objects.filter(pk=subscriber_id, welcome_sent_at=now).update(
            welcome_sent_at=previous
        )
        raise
    return True


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
