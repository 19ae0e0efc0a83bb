"""An editor brings back an earlier byline and lead image by restoring a revision."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Revision
from tests.browser.test_correction import PASSWORD, shoot
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, save_change

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article():
    """Revision 2 is by Anne with a photo of the dike; revision 3 by Bram, without a photo."""
    article = ArticleFactory(
        headline="Water in de IJssel blijft stijgen",
        slug="water-ijssel",
        published_at=timezone.now() - timedelta(hours=3),
    )
    article.authors.set([AuthorFactory(name="Anne de Vries")])
    article.lead_image = ImageFactory(alt="Zandzakken op de dijk bij Kampen")
    save_change(article, kind=Revision.Kind.TYPO)
    article.authors.set([AuthorFactory(name="Bram Bakker")])
    article.lead_image = None
    save_change(article, kind=Revision.Kind.UPDATE, public_note="Nieuwe stand.")
    return article


def test_an_editor_restores_an_earlier_byline_and_lead_image(page, live_server, editor, article):
    revisions_path = f"/admin/articles/article/{article.pk}/revisions/"
    page.goto(f"{live_server.url}/admin/login/?next={revisions_path}")
    page.fill("#id_username", "eva")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{revisions_path}")

    rows = page.locator(".revisions__table tbody tr")
    rows.nth(2).get_by_role("link", name="Herstellen").click()  # live, 3, then 2
    fields = page.locator(".revision-diff__fields")
    assert "Bram Bakker" in fields.locator("del").first.inner_text()
    assert "Anne de Vries" in fields.locator("ins").first.inner_text()
    assert "Zandzakken op de dijk bij Kampen" in fields.inner_text()
    shoot(page, "admin-restore-byline-and-photo")

    page.select_option("#id_change_kind", "update")
    page.fill("#id_change_note", "Oorspronkelijke auteur en foto terug.")
    page.click("text=Deze revisie herstellen")
    page.wait_for_url(f"{live_server.url}{revisions_path}")
    assert "staat weer online" in page.locator(".messagelist").inner_text()

    page.goto(f"{live_server.url}{Article.objects.get(pk=article.pk).get_absolute_url()}")
    assert page.locator(".article__byline").inner_text() == "Door Anne de Vries"
    assert page.locator(".photo--lead img").get_attribute("alt") == (
        "Zandzakken op de dijk bij Kampen"
    )
