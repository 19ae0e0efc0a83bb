"""The typo report shown on the article's change page, when an editor came from the inbox."""

from django.urls import reverse

from articles import policy
from articles.models import Article

from .models import TypoReport


def report_panel(*, article: Article, user, report_id: str) -> dict | None:
    """What templates/admin/feedback/typoreport/_article_panel.html shows, or None."""
    if not report_id.isdigit() or len(report_id) > 9:
        return None
    if not policy.may_handle_typo_reports(user):
        return None
    report = TypoReport.objects.filter(pk=report_id, article=article).first()
    if report is None:
        return None
    report.article = article  # the article as this page shows it
    return {
        "report": report,
        "may_close": report.possibly_fixed,
        "close_url": reverse("admin:feedback_typoreport_close_and_thank", args=[report.pk]),
        "report_url": report.get_admin_url(),
    }
