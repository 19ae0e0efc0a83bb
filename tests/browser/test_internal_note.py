"""An editor adds to a published article with an internal note: readers see none of it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.browser.desk import log_in, shoot
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INTERNAL = "Intern: laatste alinea toegevoegd op verzoek van de chef"


def test_an_update_with_an_internal_note_shows_nothing_of_it_publicly(page, live_server, editor):
    article = ArticleFactory(
        headline="Gemeente opent nieuwe fietsenstalling bij het station",
        published_at=timezone.now() - timedelta(hours=3),
    )
    path = f"/admin/articles/article/{article.pk}/change/"
    log_in(page, live_server, path)

    page.select_option("#id_change_kind", "update")
    page.fill("#id_change_note", "Openingstijden toegevoegd.")
    page.fill("#id_internal_note", INTERNAL)
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/articles/article/")

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/revisions/")
    assert INTERNAL in page.locator(".revisions__table").inner_text()
    shoot(page, "admin-revisions-internal-note", widths=(1280,))

    page.context.clear_cookies()  # a reader
    article = Article.objects.get(pk=article.pk)
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert "Gewijzigd op" in page.locator(".article__meta").inner_text()
    assert "laatste alinea" not in page.content()
    page.click("text=Alle wijzigingen in dit artikel")
    log = page.locator(".change-log__list").inner_text()
    assert "Aanvulling" in log and "Openingstijden toegevoegd." in log
    assert "laatste alinea" not in page.content()
    shoot(page, "change-log-update")
