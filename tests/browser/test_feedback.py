"""Reader feedback in Debian's Chromium: the vote with its reason, and a typo report."""

import os

import pytest
from playwright.sync_api import expect

from feedback import limits
from feedback.models import TypoReport, Vote
from tests.factories import ArticleFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def article():
    return ArticleFactory(
        section=SectionFactory(name="Buitenland", slug="buitenland"),
        headline="Ministers bereiken akkoord over grensoverschrijdende treinen",
        slug="ministers-akkoord-treinen",
        body="<p>De ministers spraken in Brussel af dat de nachttrein vaker gaat rijden.</p>"
        "<p>Volgend jaar komt er een nieuwe dienstregeling voor het hele net.</p>",
    )


def select_in_body(page, text):
    page.evaluate(
        """text => {
            const body = document.querySelector('.article__body');
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const at = walker.currentNode.data.indexOf(text);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(walker.currentNode, at);
                    range.setEnd(walker.currentNode, at + text.length);
                    getSelection().removeAllRanges();
                    getSelection().addRange(range);
                    return;
                }
            }
            throw new Error('not found: ' + text);
        }""",
        text,
    )


def test_a_reader_votes_no_and_says_why_without_a_reload(page, live_server, article):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + article.get_absolute_url())
    page.evaluate("window.notReloaded = true")
    block = page.locator("#nuttig")
    block.get_by_role("button", name="Nee").click()
    expect(block.get_by_text("Bedankt. Wat kunnen we beter doen?")).to_be_visible()
    expect(block.get_by_label("Onduidelijk")).to_be_focused()
    block.get_by_label("Onvolledig").check()
    block.get_by_label("Toelichting (optioneel)").fill("De kosten ontbreken.")
    shoot(page, "useful-reason-1280")
    block.get_by_role("button", name="Versturen").click()
    expect(block.get_by_text("Bedankt voor je reactie!")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    vote = Vote.objects.get()
    assert (vote.useful, vote.reason, vote.comment) == (False, "incomplete", "De kosten ontbreken.")


def test_without_script_the_vote_returns_to_the_article_with_the_reason_form(
    browser, live_server, article
):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.locator("#nuttig").get_by_role("button", name="Nee").click()
    assert page.url.endswith("#nuttig-waarom")
    expect(page.get_by_text("Bedankt. Wat kunnen we beter doen?")).to_be_visible()
    page.get_by_label("Onduidelijk").check()
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("Bedankt voor je reactie!")).to_be_visible()
    assert Vote.objects.get().reason == "unclear"
    context.close()


def test_selected_text_is_reported_and_lands_in_the_admin(
    page, live_server, article, django_user_model
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + article.get_absolute_url())
    select_in_body(page, "vaker gaat rijden")
    button = page.get_by_role("button", name="Meld taalfout")
    expect(button).to_be_visible()
    shoot(page, "typo-selection-1280")
    button.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("De tekst met de fout")).to_have_value("vaker gaat rijden")
    dialog.get_by_label("Voorgestelde verbetering").fill("vaker zal rijden")
    dialog.get_by_label("Uw e-mailadres").fill("piet@example.com")
    shoot(page, "typo-dialog-1280")
    dialog.get_by_role("button", name="Verstuur naar de redactie").click()
    expect(page.get_by_text("Bedankt! De redactie kijkt ernaar.")).to_be_visible()
    expect(dialog).to_be_hidden()
    report = TypoReport.objects.get()
    assert report.context_before.endswith("de nachttrein ")

    django_user_model.objects.create_superuser("redacteur", password="geheim-wachtwoord-123")
    page.goto(live_server.url + "/admin/feedback/typoreport/")
    page.get_by_label("Gebruikersnaam").fill("redacteur")
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord-123")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator("mark", has_text="vaker gaat rijden")).to_be_visible()
    shoot(page, "typo-admin-1280")


def test_ctrl_enter_on_a_selection_opens_the_report_on_a_phone(page, live_server, article):
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(live_server.url + article.get_absolute_url())
    shoot(page, "article-blocks-360")
    select_in_body(page, "nieuwe dienstregeling")
    page.keyboard.press("Control+Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("De tekst met de fout")).to_have_value("nieuwe dienstregeling")
    shoot(page, "typo-dialog-360")
    dialog.get_by_role("button", name="Annuleren").click()
    expect(dialog).to_be_hidden()


def test_a_flood_of_votes_shows_the_dutch_limit_message_inline(
    page, live_server, article, monkeypatch
):
    # The same 10 votes an hour instead of a minute: a minute window could reset mid-test.
    monkeypatch.setattr(limits, "VOTE_RATE", "10/h")
    page.goto(live_server.url + article.get_absolute_url())
    yes = page.locator("#nuttig").get_by_role("button", name="Ja")
    for _ in range(10):
        # One vote at a time: the thanks stays visible, so it cannot tell the votes apart,
        # and an earlier vote answered late would hide the limit message again.
        with page.expect_response(lambda response: response.request.method == "POST"):
            yes.click()
        expect(page.get_by_text("Bedankt voor je reactie!")).to_be_visible()
    yes.click()
    expect(page.get_by_role("alert").filter(has_text="te vaak verstuurd")).to_be_visible()
    assert Vote.objects.count() == 1


def test_the_report_page_works_without_script(browser, live_server, article):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_role("link", name="het taalfoutformulier").click()
    expect(page.get_by_role("heading", name="Taalfout melden")).to_be_visible()
    page.get_by_label("De tekst met de fout").fill("nachttrein")
    page.get_by_label("Uw naam").fill("<b>Piet</b>")
    page.get_by_label("Uw e-mailadres").fill("geen adres")
    page.get_by_role("button", name="Verstuur naar de redactie").click()
    expect(page.get_by_text("Voer een geldig e-mailadres in.", exact=True)).to_be_visible()
    shoot(page, "typo-page-error-360")
    page.get_by_label("Uw e-mailadres").fill("piet@example.com")
    page.get_by_role("button", name="Verstuur naar de redactie").click()
    expect(page.get_by_text("Bedankt! De redactie kijkt ernaar.")).to_be_visible()
    assert page.url.endswith("#taalfout-bedankt")
    assert TypoReport.objects.get().name == "<b>Piet</b>"
    context.close()
