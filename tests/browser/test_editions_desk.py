"""The editor makes an edition by hand, assembles it, puts the lead first and sends it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from articles.roles import EINDREDACTEUR
from newsletters.models import Edition
from tests.browser.desk import log_in, shoot
from tests.factories import ArticleFactory, SectionFactory, SubscriberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LIST = "/admin/newsletters/edition/"


@pytest.fixture
def desk_editor(roles):
    """An Eindredacteur with the newsletter permissions the migrations gave the role."""
    return UserFactory(username="eva", email="eva@kopij.test", role=EINDREDACTEUR)


@pytest.fixture
def week_of_news():
    now = timezone.now()
    binnenland = SectionFactory(name="Binnenland", slug="binnenland", position=1)
    buitenland = SectionFactory(name="Buitenland", slug="buitenland", position=2)
    ArticleFactory(
        section=binnenland,
        headline="Kabinet presenteert begroting",
        published_at=now - timedelta(hours=5),
    )
    ArticleFactory(
        section=buitenland,
        headline="Donaulanden sluiten akkoord over scheepvaart",
        published_at=now - timedelta(days=2),
    )
    SubscriberFactory.create_batch(2)


def test_an_editor_makes_assembles_reorders_and_sends_an_edition(
    page, live_server, desk_editor, week_of_news
):
    log_in(page, live_server, LIST)
    page.click(".object-tools a.addlink")
    page.fill("#id_subject", "Extra editie: het akkoord")
    page.fill("#id_scheduled_at_0", (timezone.localdate() + timedelta(days=1)).strftime("%d-%m-%Y"))
    page.fill("#id_scheduled_at_1", "07:00:00")
    page.fill("#id_week", timezone.localdate().strftime("%d-%m-%Y"))
    shoot(page, "admin-edition-add", widths=(1280,))
    page.click("input[name=_continue]")
    page.locator(".edition-fill").wait_for()
    edition = Edition.objects.get()
    assert edition.status == "held"

    page.click("text=Nu samenstellen")
    page.locator(".messagelist .success").wait_for()
    assert edition.items.count() == 2

    # The Donau article is the lead: position 0, before the budget.
    rows = page.locator(".dynamic-items")
    # The article labels are drawn by the autocomplete's script: wait for them.
    expect(rows.filter(has_text="Donau")).to_have_count(1)
    for index in range(rows.count()):
        if "Donau" in rows.nth(index).inner_text():
            rows.nth(index).locator("input[name$='-position']").fill("0")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    shoot(page, "admin-edition-change", widths=(1280,))

    page.goto(f"{live_server.url}{LIST}{edition.pk}/preview/text/")
    text = page.locator("body").inner_text()
    assert text.index("Donaulanden") < text.index("Kabinet presenteert")
    assert "UITGELICHT · BUITENLAND" in text

    page.goto(f"{live_server.url}{LIST}{edition.pk}/change/")
    page.click("text=Nu verzenden")
    page.wait_for_url(f"**{LIST}{edition.pk}/actions/send/")
    assert page.locator(".edition-confirm__recipients").inner_text() == "2"
    assert Edition.objects.get().status == "held"  # asking changed nothing
    shoot(page, "admin-edition-confirm", widths=(1280,))
    page.click("text=Ja, verzend naar 2 abonnees")
    page.wait_for_url(f"**{LIST}{edition.pk}/change/")
    assert "Verzending naar 2 abonnees is gestart." in page.locator(".messagelist").inner_text()
    edition.refresh_from_db()
    assert edition.status == "sent" and edition.sent_at is not None
    assert len([m for m in mail.outbox if m.subject == "Extra editie: het akkoord"]) == 2

    page.goto(f"{live_server.url}{LIST}")
    went_out = page.locator("#result_list td.field-send_time").inner_text()
    assert (
        went_out
        == f"verzonden {date_format(timezone.localtime(edition.sent_at), 'DATETIME_FORMAT')}"
    )
    shoot(page, "admin-edition-list", widths=(1280,))


def test_an_editor_assembles_this_weeks_edition_from_the_list(
    page, live_server, desk_editor, week_of_news
):
    log_in(page, live_server, LIST)
    page.click("text=Editie van deze week nu samenstellen")
    page.locator(".messagelist .success").wait_for()
    edition = Edition.objects.get()
    assert (edition.status, edition.items.count()) == ("held", 2)
    assert "2 artikelen" in page.locator(".messagelist").inner_text()
