"""A reader finds and reads an article, on a phone, with and without JavaScript."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def newspaper():
    for position, (name, in_nav) in enumerate(
        [("Krant", True), ("Media", True), ("Puzzels", True), ("Binnenland", False)]
    ):
        SectionFactory(name=name, slug=name.lower(), position=position, in_nav=in_nav)
    buitenland = SectionFactory(name="Buitenland", slug="buitenland", position=9)
    return ArticleFactory(
        section=buitenland,
        headline="Donaulanden sluiten akkoord over scheepvaart",
        slug="donaulanden-akkoord",
        lede="Tien landen tekenen een verdrag. Het gaat om laagwater.",
        body="<p>" + " ".join(["woord"] * 240) + "</p>",
        published_at=datetime(2025, 5, 9, 10, 43, tzinfo=AMS),
        modified_at=datetime(2025, 5, 9, 11, 8, tzinfo=AMS),
        authors=[AuthorFactory(name="Marieke van Doorn")],
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_reader_on_a_phone_finds_the_article_through_more(
    browser, live_server, newspaper, javascript
):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="nl-NL", java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_text("Meer", exact=True).click()
    page.get_by_role("link", name="Buitenland", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Buitenland"
    page.get_by_role("link", name="Donaulanden sluiten akkoord over scheepvaart").click()

    assert page.locator("h1").inner_text() == "Donaulanden sluiten akkoord over scheepvaart"
    meta = page.locator(".article__meta").inner_text()
    assert " ".join(meta.split()) == "9 mei 2025 10:43 · Gewijzigd op 9 mei 2025 11:08"
    assert page.locator(".article__reading-time").inner_text() == "Leestijd 2 minuten"
    # Nothing sticks out sideways on a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_the_skip_link_is_the_first_stop_for_keyboard_users(page, live_server, newspaper):
    page.goto(live_server.url + newspaper.get_absolute_url())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
