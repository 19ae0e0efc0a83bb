"""The reader pages meet WCAG 2.2 AA as far as axe-core can tell, in Debian's Chromium."""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from articles.imaging import image_make_renditions
from articles.models import Revision
from articles.policy import SYSTEM
from articles.services import preview_token
from newsletters.models import ConsentRecord, Subscriber
from newsletters.services.subscribers import subscriber_signup
from newsletters.tokens import confirm_token, unsubscribe_token
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditionFactory,
    ImageFactory,
    SectionFactory,
    SubscriberFactory,
    save_change,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}
# Set KOPIJ_SCREENSHOTS to a folder to keep a full-page screenshot of each page checked.
SCREENSHOTS = os.environ.get("KOPIJ_SCREENSHOTS")


@pytest.fixture
def site(settings):
    settings.ROOT_URLCONF = "tests.browser.urls"
    buitenland = SectionFactory(name="Buitenland", slug="buitenland", in_nav=True)
    SectionFactory(name="Sport", slug="sport")
    for number in range(6):
        ArticleFactory(section=buitenland, headline=f"Treinverkeer over de grens, deel {number}")
    photo = ImageFactory(
        file__width=1600, file__height=900, file__color="steelblue", caption="Een brug."
    )
    image_make_renditions(image=photo)
    # Created last, so it is the top story of the home page.
    article = ArticleFactory(
        section=buitenland,
        headline="Ministers ontmoeten elkaar over treinen naar Duitsland",
        slug="ministers-treinen",
        lede="De ministers spraken in Brussel. Er komen meer treinen over de grens.",
        body="<p>De ministers ontmoetten elkaar dinsdag.</p><p>Er komen meer treinen.</p>",
        authors=[AuthorFactory(name="Anne de Vries", slug="anne-de-vries", bio="Verslaggever.")],
        lead_image=photo,
    )
    return article


def pages(site):
    """Every reader page, by name: a path, or a function that brings the page to that state."""
    subscriber_signup(email="nieuw@voorbeeld.nl", source="/nieuwsbrief/")
    consent = ConsentRecord.objects.get()
    reader = SubscriberFactory(email="lezer@voorbeeld.nl")
    edition = EditionFactory(status="sent", articles=[site])
    site.lede += " Het verdrag wordt volgende week getekend."
    save_change(site, kind=Revision.Kind.UPDATE, public_note="Datum van ondertekening toegevoegd.")
    article = site.get_absolute_url()
    unsubscribe = f"/nieuwsbrief/afmelden/{unsubscribe_token(reader.pk)}/"

    def submit_empty(path, button):
        def go(page, url):
            page.goto(url + path)
            page.get_by_role("button", name=button).click()
            page.wait_for_load_state()

        return go

    def unsubscribed(page, url):
        Subscriber.objects.filter(pk=reader.pk).update(status=Subscriber.Status.CONFIRMED)
        page.goto(url + unsubscribe)
        page.get_by_role("button", name="Afmelden").click()
        page.wait_for_load_state()

    def typo_dialog(page, url):
        page.goto(url + article)
        page.get_by_role("link", name="meld hem aan de redactie").click()
        page.locator("dialog[open]").wait_for()

    return {
        "home": "/",
        "section": "/buitenland/",
        "article": article,
        "search": "/zoeken/?q=grens",
        "search-empty": "/zoeken/?q=onvindbaarwoord",
        "typo-report": f"/taalfout/{site.pk}/",
        "typo-report-error": submit_empty(f"/taalfout/{site.pk}/", "Verstuur naar de redactie"),
        "typo-dialog": typo_dialog,
        "usefulness-reasons": article + "#nuttig-waarom",
        "changes": article + "wijzigingen/",
        "preview": f"/preview/{preview_token(by=SYSTEM, article=site)}/",
        "newsletter": "/nieuwsbrief/",
        "newsletter-error": submit_empty("/nieuwsbrief/", "Aanmelden"),
        "newsletter-pending": "/nieuwsbrief/aangemeld/",
        "newsletter-confirm": f"/nieuwsbrief/bevestigen/{confirm_token(consent.pk)}/",
        "newsletter-confirmed": "/nieuwsbrief/bevestigd/",
        "newsletter-unsubscribe": unsubscribe,
        "newsletter-unsubscribed": unsubscribed,
        "newsletter-archive": "/nieuwsbrief/archief/",
        "newsletter-edition": edition.get_absolute_url(),
        "not-found": "/bestaat-niet/ook-niet/",
        "author": "/auteur/anne-de-vries/",
        "privacy": "/privacy/",
        "colofon": "/colofon/",
        "archive": "/archief/",
        "more-section": "/sport/",
    }


def violations_report(violations) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
    )


def test_no_reader_page_has_an_axe_violation(page, live_server, site):
    axe = Axe()
    found = []
    for name, target in pages(site).items():
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto("about:blank")  # a fresh load: a goto that only adds #anchor is none
            if callable(target):
                target(page, live_server.url)
            else:
                page.goto(f"{live_server.url}{target}")
            violations = axe.run(page, options=WCAG_AA).response["violations"]
            if violations:
                found.append(f"{name} at {width}px:\n{violations_report(violations)}")
            if SCREENSHOTS:
                Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=Path(SCREENSHOTS) / f"{name}-{width}.png", full_page=True)
    assert found == [], "\n".join(found)


def test_the_first_tab_reaches_a_visible_skip_link_to_the_content(page, live_server, site):
    page.goto(f"{live_server.url}{site.get_absolute_url()}")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0
    assert skip.evaluate("element => getComputedStyle(element).outlineStyle") != "none"
    page.keyboard.press("Enter")
    # The fragment navigation lands a moment after the key press, not with it.
    expect(page).to_have_url(re.compile(r"#main$"))


def test_keyboard_focus_is_visible_on_the_search_field(page, live_server, site):
    page.goto(f"{live_server.url}/zoeken/")
    field = page.get_by_label("Zoeken naar")
    field.focus()
    assert field.evaluate("element => getComputedStyle(element).outlineStyle") != "none"
    field.fill("grens")
    field.press("Enter")
    assert page.get_by_role("status").inner_text().startswith("7 resultaten")


def test_focus_on_the_navy_masthead_is_a_white_ring(page, live_server, site):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand
    focused = page.evaluate(
        "() => [document.activeElement.className, getComputedStyle(document.activeElement)"
        ".outlineColor, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused == ["masthead__brand", "rgb(255, 255, 255)", "solid"]


def test_with_javascript_the_typo_block_describes_selecting_text(page, live_server, site):
    page.goto(f"{live_server.url}{site.get_absolute_url()}")
    expect(page.locator("[data-typo-with-js]")).to_be_visible()
    expect(page.locator("[data-typo-without-js]")).to_be_hidden()
