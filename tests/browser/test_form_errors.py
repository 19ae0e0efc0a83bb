"""Reader forms announce their errors: each message is linked to its field, and focus or a
live region carries it to a screen reader. Keyboard focus stays visible and returns home."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from feedback.models import TypoReport, Vote
from newsletters.models import Subscriber
from tests.factories import ArticleFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Set KOPIJ_SCREENSHOTS to a folder to keep a screenshot of each error state.
SCREENSHOTS = os.environ.get("KOPIJ_SCREENSHOTS")


def shoot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=Path(SCREENSHOTS) / f"{name}-{width}.png", full_page=True)


@pytest.fixture
def article():
    buitenland = SectionFactory(name="Buitenland", slug="buitenland", in_nav=True)
    SectionFactory(name="Sport", slug="sport")  # not in the main navigation: under "Meer"
    return ArticleFactory(
        section=buitenland,
        headline="Ministers bereiken akkoord over grensoverschrijdende treinen",
        slug="ministers-akkoord-treinen",
        body="<p>De ministers spraken in Brussel af dat de nachttrein vaker gaat rijden.</p>",
    )


def focused(page):
    return page.evaluate_handle("document.activeElement")


def described_by(field) -> str:
    """The text of the elements the field's aria-describedby points at."""
    return field.evaluate(
        """field => (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
            .map(id => document.getElementById(id).textContent.trim()).join(' ')"""
    )


def outline(page) -> tuple[str, str]:
    return tuple(
        page.evaluate(
            """() => { const style = getComputedStyle(document.activeElement);
                return [style.outlineStyle, style.outlineColor]; }"""
        )
    )


def test_the_typo_report_page_links_each_error_to_its_field_and_focuses_the_summary(
    page, live_server, article
):
    page.goto(f"{live_server.url}/taalfout/{article.pk}/")
    page.get_by_label("Uw e-mailadres").fill("geen adres")
    page.get_by_role("button", name="Verstuur naar de redactie").click()

    assert page.title().startswith("Fout: Taalfout melden")
    summary = page.get_by_role("alert").filter(has_text="Verbeter het volgende")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="De tekst met de fout")).to_have_attribute(
        "href", "#id_quote"
    )
    quote, email = page.get_by_label("De tekst met de fout"), page.get_by_label("Uw e-mailadres")
    expect(quote).to_have_attribute("aria-invalid", "true")
    assert described_by(quote) == "Dit veld is verplicht."
    expect(email).to_have_attribute("aria-invalid", "true")
    assert described_by(email) == "Voer een geldig e-mailadres in."
    expect(page.get_by_label("Voorgestelde verbetering")).not_to_have_attribute(
        "aria-invalid", "true"
    )
    summary.get_by_role("link", name="Uw e-mailadres").click()
    expect(email).to_be_focused()
    shoot(page, "typo-report-errors")
    assert TypoReport.objects.count() == 0


def test_the_newsletter_page_focuses_the_address_its_error_describes(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    block = page.locator(".newsletter-signup")
    # Good enough for the browser's own check, not for ours: the server answers.
    block.get_by_label("E-mailadres").fill("lezer@voorbeeld")
    block.get_by_role("button", name="Aanmelden").click()

    assert page.title().startswith("Fout: Nieuwsbrief")
    field = page.get_by_label("E-mailadres")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("lezer@voorbeeld")
    assert described_by(field) == "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."
    expect(page.get_by_role("alert")).to_have_text(described_by(field))
    shoot(page, "newsletter-error")
    assert Subscriber.objects.count() == 0


def test_the_typo_dialog_marks_the_invalid_field_reads_out_the_errors_and_clears_them(
    page, live_server, article
):
    page.goto(live_server.url + article.get_absolute_url())
    link = page.get_by_role("link", name="meld hem aan de redactie")
    link.click()
    dialog = page.get_by_role("dialog", name="Taalfout melden")
    dialog.get_by_label("De tekst met de fout").fill("nachttrein")
    email = dialog.get_by_label("Uw e-mailadres")
    email.fill("geen adres")
    dialog.get_by_role("button", name="Verstuur naar de redactie").click()

    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    assert described_by(email) == "Voer een geldig e-mailadres in."
    expect(dialog.get_by_role("alert")).to_have_text(
        "Uw e-mailadres (optioneel, voor een antwoord): Voer een geldig e-mailadres in."
    )
    expect(dialog.get_by_label("De tekst met de fout")).not_to_have_attribute(
        "aria-invalid", "true"
    )
    shoot(page, "typo-dialog-error")

    email.fill("piet@example.com")
    dialog.get_by_role("button", name="Verstuur naar de redactie").click()
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()
    email = page.locator("#id_email")  # hidden with its dialog, so no longer found by label
    expect(email).not_to_have_attribute("aria-invalid", "true")
    assert email.get_attribute("aria-describedby") is None
    assert TypoReport.objects.get().email == "piet@example.com"


def test_a_too_long_reason_stays_in_its_form_marked_and_read_out(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    block = page.locator("#nuttig")
    block.get_by_role("button", name="Nee").click()
    comment = block.get_by_label("Toelichting (optioneel)")
    comment.evaluate("field => field.removeAttribute('maxlength')")  # as an old browser might
    comment.fill("te lang " * 130)
    block.get_by_role("button", name="Versturen").click()

    expect(comment).to_have_attribute("aria-invalid", "true")
    expect(comment).to_be_focused()
    assert "1000" in described_by(comment)
    expect(block.locator("[data-reason-errors]")).to_have_attribute("role", "alert")
    expect(block.locator("[data-reason-errors]")).to_have_text(described_by(comment))
    expect(block.get_by_text("Bedankt. Wat kunnen we beter doen?")).to_be_visible()
    shoot(page, "usefulness-reason-error")
    assert Vote.objects.get().comment == ""


def test_without_script_a_too_long_reason_comes_back_with_its_errors(browser, live_server, article):
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url() + "#nuttig-waarom")
    comment = page.get_by_label("Toelichting (optioneel)")
    comment.evaluate("field => field.removeAttribute('maxlength')")
    comment.fill("te lang " * 130)
    page.get_by_label("Onvolledig").check()
    page.get_by_role("button", name="Versturen").click()

    assert page.title().startswith("Fout: ")
    summary = page.get_by_role("alert").filter(has_text="Verbeter het volgende")
    expect(summary).to_be_focused()
    comment = page.get_by_label("Toelichting (optioneel)")
    expect(comment).to_have_attribute("aria-invalid", "true")
    expect(comment).to_have_value("te lang " * 130)
    expect(page.get_by_label("Onvolledig")).to_be_checked()
    assert "1000" in described_by(comment)
    shoot(page, "usefulness-reason-error-page")
    assert Vote.objects.count() == 0
    context.close()


def test_escape_closes_the_typo_dialog_and_focus_returns_to_its_link(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    link = page.get_by_role("link", name="meld hem aan de redactie")
    link.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Taalfout melden")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("De tekst met de fout")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()


def test_a_dialog_opened_from_a_selection_returns_focus_to_the_report_link(
    page, live_server, article
):
    page.goto(live_server.url + article.get_absolute_url())
    page.evaluate(
        """() => { const text = document.querySelector('.article__body p').firstChild;
            const range = document.createRange();
            range.setStart(text, 0);
            range.setEnd(text, 13);
            getSelection().removeAllRanges();
            getSelection().addRange(range); }"""
    )
    page.keyboard.press("Control+Enter")
    dialog = page.get_by_role("dialog", name="Taalfout melden")
    expect(dialog.get_by_label("Voorgestelde verbetering")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    # Not the body: the reader goes on from the typo block.
    expect(page.get_by_role("link", name="meld hem aan de redactie")).to_be_focused()


def test_the_more_menu_and_its_links_show_a_contrasting_focus_ring(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    summary = page.locator(".nav__more summary")
    summary.focus()
    page.keyboard.press("Tab")  # from the previous element, so the ring is a keyboard ring
    page.keyboard.press("Shift+Tab")
    expect(summary).to_be_focused()
    assert outline(page) == ("solid", "rgb(255, 255, 255)")  # white on the navy masthead
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator(".nav__more ul").get_by_role("link", name="Sport")).to_be_focused()
    assert outline(page) == ("solid", "rgb(31, 111, 235)")  # blue on the white menu
    shoot(page, "more-menu-focus")


def test_tabbing_through_the_reader_blocks_shows_a_focus_ring_on_every_stop(
    page, live_server, article
):
    # With the reasons open, so its radio buttons, text box and button are stops too.
    page.goto(live_server.url + article.get_absolute_url() + "#nuttig-waarom")
    page.locator("#nuttig").get_by_role("button", name="Ja").focus()
    page.keyboard.press("Shift+Tab")
    stops = []
    while True:
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => { const stop = document.activeElement;
                return stop.closest('.reader-blocks') ? stop.outerHTML.slice(0, 80) : null; }"""
        )
        if stop is None:
            break
        assert outline(page) == ("solid", "rgb(31, 111, 235)"), stop
        stops.append(stop)
    # Ja, Nee, the first reason, the explanation, Versturen, the address, Aanmelden, the
    # privacy statement, the link.
    assert len(stops) == 9, stops
