"""Reader feedback workflows: recording votes, storing typo reports, mailing the editors."""

from datetime import timedelta
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from articles.models import Article
from articles.richtext import plain_text
from newsroom.headers import header_text
from newsroom.links import absolute_url
from newsroom.outbox import enqueue_on_commit

from . import tasks
from .models import CONTEXT_LENGTH, TypoReport, Vote

READER_SALT = "feedback.reader"
# A claim this old belongs to a worker that died while sending: the next task may retake it.
MAIL_CLAIM_TIMEOUT = timedelta(minutes=30)


def reader_hash(*, reader_token: str) -> str:
    """What is stored of a reader: a keyed hash of the random id in their signed cookie."""
    return salted_hmac(READER_SALT, reader_token, algorithm="sha256").hexdigest()


def vote_record(
    *,
    article: Article,
    reader: str,
    useful: bool,
    revision_number: int,
    reason: str = "",
    comment: str = "",
) -> None:
    """Store the reader's vote, replacing their earlier one: one row per reader per article.

    A single INSERT … ON CONFLICT DO UPDATE, so concurrent votes never lose a row
    and a double click never adds one.
    """
    vote = Vote(
        article=article,
        reader_hash=reader,
        useful=useful,
        reason="" if useful else reason,
        comment="" if useful else comment,
        revision_number=revision_number,
    )
    Vote.objects.bulk_create(
        [vote],
        update_conflicts=True,
        unique_fields=["article", "reader_hash"],
        update_fields=["useful", "reason", "comment", "revision_number", "updated_at"],
    )


def quote_context(*, text: str, quote: str) -> tuple[str, str]:
    """The article text just before and after the first occurrence of `quote`."""
    start = text.find(quote)
    if start < 0:
        return "", ""
    end = start + len(quote)
    return text[max(0, start - CONTEXT_LENGTH) : start], text[end : end + CONTEXT_LENGTH]


def typo_report_create(
    *,
    article: Article,
    revision_number: int,
    quote: str,
    correction: str = "",
    comment: str = "",
    name: str = "",
    email: str = "",
) -> TypoReport:
    """Store a reader's typo report; its mail to the editors goes through the outbox."""
    quote = " ".join(quote.split())
    before, after = quote_context(text=plain_text(article.body), quote=quote)
    report = TypoReport.objects.create(
        article=article,
        revision_number=revision_number,
        quote=quote,
        context_before=before,
        context_after=after,
        correction=correction,
        comment=comment,
        name=name,
        email=email,
    )
    enqueue_on_commit(tasks.send_typo_report_mail, report.pk)
    return report


def typo_report_mail(*, report: TypoReport) -> EmailMessage:
    article = report.article
    context = {
        "report": report,
        "article": article,
        "article_url": absolute_url(article.get_absolute_url()),
        "admin_url": absolute_url(report.get_admin_url()),
    }
    subject = _("Typo reported: %(headline)s") % {"headline": header_text(article.headline)}
    reply_to = []
    # Reports stored before their check (newsroom.headers) must not stop the mail.
    if report.email:
        reply_to = [formataddr((header_text(report.name), header_text(report.email)))]
    return EmailMessage(
        subject=subject,
        body=render_to_string("feedback/typo_report_mail.txt", context),
        to=[settings.REDACTIE_EMAIL],
        reply_to=reply_to,
    )


def typo_report_send_mail(*, report_id: int) -> bool:
    """Send the editors' mail of one report, unless another worker did or does.

    The conditional UPDATE is the claim: of two workers only one moves the row
    from pending to sending. A claim older than MAIL_CLAIM_TIMEOUT was left by a
    worker that died mid-send and may be taken again. Returns whether this call
    sent the mail.
    """
    now = timezone.now()
    claimed = (
        TypoReport.objects.filter(pk=report_id)
        .filter(
            Q(mail_status=TypoReport.MailStatus.PENDING)
            | Q(
                mail_status=TypoReport.MailStatus.SENDING,
                mail_claimed_at__lt=now - MAIL_CLAIM_TIMEOUT,
            )
        )
        .update(mail_status=TypoReport.MailStatus.SENDING, mail_claimed_at=now)
    )
    if not claimed:
        return False
    report = TypoReport.objects.select_related("article__section").get(pk=report_id)
    try:
        typo_report_mail(report=report).send()
    except Exception:
        # Release the claim so that a retry or the sweep sends it.
        TypoReport.objects.filter(pk=report_id).update(
            mail_status=TypoReport.MailStatus.PENDING, mail_claimed_at=None
        )
        raise
    TypoReport.objects.filter(pk=report_id).update(mail_status=TypoReport.MailStatus.SENT)
    return True


def typo_reports_close_fixed(*, reports) -> int:
    """Close the reports whose quote is gone from the live article, naming the fixing revision."""
    closed = 0
    for report in reports:
        if report.possibly_fixed:
            report.status = TypoReport.Status.FIXED
            report.fixed_in_revision = report.article.revision_number
            report.save(update_fields=["status", "fixed_in_revision"])
            closed += 1
    return closed
