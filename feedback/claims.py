"""Claims on the mails of a typo report, so that a retried or duplicated task sends nothing twice.

A report has two mails, each with a status column (pending → sending → sent) and a claim time:
the mail to the editors and the thank-you mail to the reader.
"""

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .models import TypoReport

# A claim this old belongs to a worker that died while sending: the next task may retake it.
MAIL_CLAIM_TIMEOUT = timedelta(minutes=30)

PENDING, SENDING, SENT = "pending", "sending", "sent"


def send_once(*, report_id: int, mail: str, send: Callable[[TypoReport], None]) -> bool:
    """Run `send(report)` for the `mail` ("mail" or "thanks") of a report, unless another did.

    The conditional UPDATE is the claim: of two workers only one moves the row from pending
    to sending. A claim older than MAIL_CLAIM_TIMEOUT may be taken again. Returns whether
    this call sent the mail.
    """
    status, claimed_at = f"{mail}_status", f"{mail}_claimed_at"
    now = timezone.now()
    stale = Q(**{status: SENDING, f"{claimed_at}__lt": now - MAIL_CLAIM_TIMEOUT})
    claimed = (
        TypoReport.objects.filter(pk=report_id)
        .filter(Q(**{status: PENDING}) | stale)
        .update(**{status: SENDING, claimed_at: now})
    )
    if not claimed:
        return False
    report = TypoReport.objects.select_related("article__section").get(pk=report_id)
    try:
        send(report)
    except Exception:
        # Release the claim so that a retry or the outbox sweep sends it.
        TypoReport.objects.filter(pk=report_id).update(**{status: PENDING, claimed_at: None})
        raise
    TypoReport.objects.filter(pk=report_id).update(**{status: SENT})
    return True
