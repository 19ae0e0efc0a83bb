"""Sign-up with double opt-in, consent records, confirmation and unsubscribing."""

import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import tasks
from ..mail import confirmation_message
from ..models import (
    CONSENT_TEXT_VERSION,
    ConsentRecord,
    Subscriber,
    normalize_email,
)


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
