"""An editor corrects a published article in the admin; readers see the dated note."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Article, Revision
from tests.factories import ArticleFactory, SectionFactory, save_change

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "geheim-wachtwoord-123"


@pytest.fixture
def article():
    article = ArticleFactory(
        section=SectionFactory(name="Buitenland", slug="buitenland", in_nav=False),
        headline="Donaulanden sluiten akkoord over scheepvaart bij laagwater",
        slug="donaulanden-akkoord",
        published_at=timezone.now() - timedelta(hours=2),
    )
    article.body += "<p>De schippers noemen het verdrag een belangrijke stap.</p>"
    save_change(article, kind=Revision.Kind.UPDATE, public_note="Reactie toegevoegd.")
    return article


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def test_an_editor_makes_a_correction_that_readers_then_see(page, live_server, editor, article):
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/{article.pk}/change/")
    page.fill("#id_username", "eva")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(change_url)

    page.select_option("#id_change_kind", "correction")
    page.fill("#id_change_note", "Het verdrag telt negen landen, niet tien.")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/articles/article/")

    article.refresh_from_db()
    assert article.corrections[0]["note"] == "Het verdrag telt negen landen, niet tien."

    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    correction = page.locator(".article-changes__correction")
    assert "Correctie" in correction.inner_text()
    assert "Het verdrag telt negen landen, niet tien." in correction.inner_text()
    assert "Gewijzigd op" in page.locator(".article__meta").inner_text()
    shoot(page, "article-with-correction")

    page.click("text=Alle wijzigingen in dit artikel")
    items = page.locator(".change-log__item")
    assert items.count() == 2
    assert "Reactie toegevoegd." in items.nth(0).inner_text()
    shoot(page, "change-log")

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/revisions/")
    assert page.locator(".revisions__table tbody tr").count() == 4  # live + 3 revisions
    shoot(page, "admin-revisions")
    page.check("input[name=a][value='1']")
    page.click("text=Vergelijk geselecteerde")
    assert page.locator(".revision-diff__text").count() == 3
    assert "belangrijke stap" in page.locator(".revision-diff__text ins").inner_text()
    shoot(page, "admin-diff")


def test_a_stale_save_shows_the_other_editors_change(page, live_server, editor, article):
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/{article.pk}/change/")
    page.fill("#id_username", "eva")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(change_url)

    other = Article.objects.get(pk=article.pk)
    other.headline = "Kop van een collega"
    save_change(other, kind=Revision.Kind.TYPO)

    page.select_option("#id_change_kind", "typo")
    page.click("input[name=_save]")
    stale = page.locator(".revision-diff--stale")
    stale.wait_for()
    assert "Iemand anders heeft dit artikel opgeslagen" in page.locator(".errorlist").inner_text()
    assert "Kop van een collega" in stale.inner_text()
    shoot(page, "admin-stale-save")
    assert Article.objects.get(pk=article.pk).headline == "Kop van een collega"
