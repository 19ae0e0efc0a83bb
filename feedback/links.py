"""Where an editor opens the article of a typo report, with the quote highlighted."""

from urllib.parse import quote as percent_encode

from django.urls import reverse

from .models import TypoReport

# The article change page highlights the quote of the report named by this parameter.
REPORT_PARAMETER = "typo"


def in_editor(report: TypoReport) -> str:
    url = reverse("admin:articles_article_change", args=[report.article_id])
    return f"{url}?{REPORT_PARAMETER}={report.pk}"


def text_fragment(text: str) -> str:
    """A URL fragment that makes the browser scroll to `text` and highlight it."""
    # "-", "," and "&" have a meaning of their own in a text directive.
    encoded = percent_encode(text, safe="").replace("-", "%2D")
    return f"#:~:text={encoded}"


def on_site(report: TypoReport) -> str | None:
    """The public page with the quote highlighted; None while readers cannot see it."""
    article = report.article
    if not article.is_visible:
        return None
    return article.get_absolute_url() + text_fragment(report.quote)


def for_report(report: TypoReport) -> dict[str, str | None]:
    return {"editor": in_editor(report), "site": on_site(report)}
