"""The check panel of the article admin: the findings, and who may add words to the list."""

from django.urls import reverse

from .checks import check_article
from .findings import INFO


def panel_context(*, article, user, next_url: str) -> dict:
    """What templates/admin/proofing/_panel.html shows for `article` (saved or as entered)."""
    findings = check_article(article=article)
    return {
        "findings": findings,
        "blocking": sum(1 for f in findings if f.blocks),
        "warnings": sum(1 for f in findings if not f.blocks and f.severity != INFO),
        "may_add_words": user.has_perm("proofing.add_newsroomword"),
        "add_word_url": reverse("admin:proofing_newsroomword_add_from_check"),
        "next_url": next_url,
    }
