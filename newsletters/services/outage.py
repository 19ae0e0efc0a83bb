"""An unreachable mail server: the edition waits as a whole, and no reader pays for it.

A delivery's attempts (NEWSLETTER_MAX_ATTEMPTS) are for answers about its recipient
(a 4xx retried later, a 5xx failed). When the connection itself fails (refused,
timed out, a TLS failure, the server gone mid-batch, a 421 "closing"), the batch's
unsent deliveries are given back their claim and their attempt, and the edition
backs off as a whole: NEWSLETTER_RETRY_SECONDS, doubling each time the server is
still away, at most NEWSLETTER_OUTAGE_MAX_SECONDS. The chain of batch tasks waits
that long and tries again by itself; the first batch that gets through ends the
outage. So an outage of any length marks nobody failed.
"""

import smtplib
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from ..models import Delivery, Edition

# "Service not available, closing transmission channel": about the server, not the recipient.
SERVER_CLOSING = 421


def smtp_code(exc: Exception) -> int | None:
    """The server's answer to a failed send (the lowest, for several refused recipients)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return min(code for code, _message in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    return None


def describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:400]


def is_connection_failure(exc: Exception) -> bool:
    """Whether an error of a send is about the connection rather than the recipient."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        # smtplib closes the connection on a 421, also when it answers a RCPT.
        return smtp_code(exc) == SERVER_CLOSING
    # Refused, timed out, reset, TLS (ssl.SSLError): OSErrors without an SMTP answer.
    return isinstance(exc, OSError)


def outage_wait_seconds(*, edition: Edition) -> float | None:
    """Seconds the edition still waits for its mail server, or None when it need not wait."""
    if edition.outage_until is None:
        return None
    left = (edition.outage_until - timezone.now()).total_seconds()
    return left if left > 0 else None


def deliveries_give_back(*, deliveries: list[Delivery], error: str) -> None:
    """Queue claimed deliveries again as they were before the claim: not one attempt spent."""
    Delivery.objects.filter(
        pk__in=[delivery.pk for delivery in deliveries], status=Delivery.Status.SENDING
    ).update(
        status=Delivery.Status.QUEUED,
        batch=None,
        attempts=F("attempts") - 1,
        error=f"mail server unreachable: {error}"[:500],
    )


def edition_server_unreachable(*, edition: Edition, error: str) -> float:
    """Record one more failed try and return the seconds until the next one."""
    tries = edition.outage_tries + 1
    delay = min(
        settings.NEWSLETTER_RETRY_SECONDS * 2 ** (tries - 1),
        settings.NEWSLETTER_OUTAGE_MAX_SECONDS,
    )
    Edition.objects.filter(pk=edition.pk).update(
        outage_tries=tries,
        outage_until=timezone.now() + timedelta(seconds=delay),
        outage_error=error[:500],
    )
    return float(delay)


def edition_server_reachable(*, edition: Edition) -> None:
    """A batch got through: the outage, if there was one, is over."""
    if edition.outage_tries or edition.outage_until:
        Edition.objects.filter(pk=edition.pk).update(
            outage_tries=0, outage_until=None, outage_error=""
        )
