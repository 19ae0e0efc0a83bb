import os
import re
from pathlib import Path

import pytest
from django.core import mail

from newsletters.models import Subscriber
from tests.factories import ArticleFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).parents[2] / "var/screenshots"))


def test_a_reader_signs_up_on_an_article_and_confirms_from_the_mail(page, live_server):
    article = ArticleFactory(section=SectionFactory(name="Buitenland", slug="buitenland"))
    page.goto(live_server.url + article.get_absolute_url())
    block = page.locator(".newsletter-signup")
    assert "Kopij in uw mailbox?" in block.inner_text()
    block.get_by_label("E-mailadres").fill("  Lezer@Voorbeeld.nl ")
    block.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url("**/nieuwsbrief/aangemeld/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kijk in uw mailbox"

    (message,) = mail.outbox
    assert message.to == ["lezer@voorbeeld.nl"]
    link = re.search(r"http://testserver(/nieuwsbrief/bevestigen/\S+/)", message.body)[1]
    page.goto(live_server.url + link)
    assert Subscriber.objects.get().status == "pending"  # opening the link confirms nothing
    page.get_by_role("button", name="Aanmelding bevestigen").click()
    page.wait_for_url("**/nieuwsbrief/bevestigd/")
    assert page.get_by_role("heading", level=1).inner_text() == "Uw aanmelding is bevestigd"
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "confirmed"
    assert subscriber.consents.get().source == article.get_absolute_url()


@pytest.mark.parametrize("width", [1280, 360])
def test_screenshots_of_the_signup_block_and_page(page, live_server, width):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    article = ArticleFactory()
    page.goto(live_server.url + article.get_absolute_url())
    block = page.locator(".newsletter-signup")
    block.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / f"newsletter-block-{width}.png")
    box = block.bounding_box()
    assert box["width"] <= width
    page.goto(live_server.url + "/nieuwsbrief/")
    page.get_by_role("button", name="Aanmelden").click()  # empty: a clear Dutch error
    assert page.get_by_role("alert").inner_text() == "Vul uw e-mailadres in."
    page.screenshot(path=SCREENSHOTS / f"newsletter-page-{width}.png", full_page=True)
