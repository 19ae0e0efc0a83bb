"""Reader feedback workflows: recording votes, storing typo reports, mailing the editors."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from articles.models import Article
from articles.richtext import plain_text
from newsroom.headers import header_text
from newsroom.links import absolute_url
from newsroom.outbox import enqueue_on_commit

from . import claims, tasks
from .models import CONTEXT_LENGTH, TypoReport, Vote

READER_SALT = "feedback.reader"


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


def seen_body(*, article: Article, revision_number: int) -> str:
    """The body of the revision a reader saw (the live one if that revision was not kept)."""
    if revision_number == article.revision_number:
        return article.body
    seen = article.revisions.filter(number=revision_number).values_list("body", flat=True).first()
    return article.body if seen is None else seen


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
    """Store a reader's typo report; its mail to the editors goes through the outbox.

    The quote is looked up in the revision the reader saw, so that its absence from the live
    text later means a fix, not a quote that was never there.
    """
    quote = " ".join(quote.split())
    text = plain_text(seen_body(article=article, revision_number=revision_number))
    before, after = quote_context(text=text, quote=quote)
    report = TypoReport.objects.create(
        article=article,
        revision_number=revision_number,
        quote=quote,
        quote_found=quote in text,
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
    """Send the editors' mail of one report, unless another worker did or does."""
    return claims.send_once(
        report_id=report_id, mail="mail", send=lambda report: typo_report_mail(report=report).send()
    )
