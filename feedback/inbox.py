"""The editors' typo inbox: closing reports that are really fixed, and thanking the reader."""

from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from articles import policy
from newsroom.headers import header_text
from newsroom.links import absolute_url
from newsroom.outbox import enqueue_on_commit

from . import claims, tasks
from .models import TypoReport


@dataclass(frozen=True)
class Closed:
    closed: int
    skipped: int


def _close(report: TypoReport) -> None:
    report.status = TypoReport.Status.FIXED
    report.fixed_in_revision = report.article.revision_number
    report.save(update_fields=["status", "fixed_in_revision"])


@transaction.atomic
def typo_reports_close_fixed(*, reports, by) -> Closed:
    """Close the open reports that are really fixed; the others are left as they are.

    Really fixed: the reader saw the quote and the live article no longer has it.
    """
    policy.require(policy.may_handle_typo_reports(by))
    closed = skipped = 0
    for report in reports.select_related("article"):
        if report.possibly_fixed:
            _close(report)
            closed += 1
        else:
            skipped += 1
    return Closed(closed=closed, skipped=skipped)


@transaction.atomic
def typo_report_close_and_thank(*, report: TypoReport, by) -> bool:
    """Close one report as fixed and, when the reader left an address, thank them by mail.

    Refused (ValidationError) unless the report is really fixed. Returns whether a
    thank-you mail was queued; it goes out through the outbox once this commits.
    """
    policy.require(policy.may_handle_typo_reports(by))
    report = TypoReport.objects.select_for_update().select_related("article").get(pk=report.pk)
    if not report.is_open:
        raise ValidationError(_("This report has already been handled."), code="handled")
    if not report.quote_found:
        raise ValidationError(
            _("The quoted text was never in the article, so a fix cannot be checked."),
            code="not_found",
        )
    if report.quote_is_live:
        raise ValidationError(
            _("The quoted text is still in the article: fix it first, then close the report."),
            code="still_there",
        )
    _close(report)
    if not report.may_thank:
        return False
    report.thanks_status = TypoReport.ThanksStatus.PENDING
    report.save(update_fields=["thanks_status"])
    enqueue_on_commit(tasks.send_typo_thanks, report.pk)
    return True


def thanks_mail(*, report: TypoReport) -> EmailMessage:
    article = report.article
    context = {
        "report": report,
        "name": header_text(report.name),
        "article": article,
        "article_url": absolute_url(article.get_absolute_url()),
    }
    subject = _("Thank you for your report: %(headline)s") % {
        "headline": header_text(article.headline)
    }
    return EmailMessage(
        subject=subject,
        body=render_to_string("feedback/typo_thanks_mail.txt", context),
        # Reports stored before the header check (newsroom.headers) must not stop the mail.
        to=[formataddr((header_text(report.name), header_text(report.email)))],
        reply_to=[settings.REDACTIE_EMAIL],
    )


def typo_report_send_thanks(*, report_id: int) -> bool:
    """Send the thank-you mail of one report, unless another worker did or does."""
    return claims.send_once(
        report_id=report_id, mail="thanks", send=lambda report: thanks_mail(report=report).send()
    )
