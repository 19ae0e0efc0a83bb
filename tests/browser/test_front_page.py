"""The editor pins a story as the lead, marked as breaking news, and sees it on the home page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import FrontPageSlot
from articles.roles import EINDREDACTEUR
from tests.browser.desk import log_in, shoot
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_pins_a_lead_story_and_readers_see_it_first(page, live_server, client, roles):
    UserFactory(username="eva", role=EINDREDACTEUR)
    ArticleFactory(headline="Kabinet presenteert begroting")
    ArticleFactory(
        section=SectionFactory(name="Buitenland", slug="buitenland"),
        headline="Donaulanden sluiten akkoord over scheepvaart",
        published_at=timezone.now() - timedelta(days=1),
    )
    # Before: the newest leads (asked outside the browser, whose own cache keeps pages 60 s).
    before = client.get("/").content.decode().split("teaser--lead")[1][:800]
    assert "Kabinet presenteert" in before

    log_in(page, live_server, "/admin/articles/frontpageslot/")
    shoot(page, "admin-front-page-empty", widths=(1280,))
    page.click(".object-tools a.addlink")
    page.select_option("#id_position", "0")
    page.click("#id_article + .select2 .select2-selection")
    page.fill(".select2-search__field", "Donau")
    page.click(".select2-results__option:has-text('Donaulanden')")
    page.check("#id_breaking")
    shoot(page, "admin-front-page-pin", widths=(1280,))
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/frontpageslot/")
    assert "Donaulanden" in page.locator("#result_list").inner_text()
    shoot(page, "admin-front-page-list", widths=(1280,))
    assert FrontPageSlot.objects.get().breaking

    page.context.clear_cookies()  # a reader
    page.goto(live_server.url + "/")
    assert "Donaulanden" in client.get("/").content.decode().split("teaser--lead")[1][:800]
    lead = page.locator(".teaser--lead").inner_text()
    assert "Donaulanden sluiten akkoord" in lead and "NET BINNEN" in lead.upper()
    shoot(page, "home-with-pinned-lead")
