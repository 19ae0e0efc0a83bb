"""The editors' typo inbox in Debian's Chromium: only real fixes are flagged, and the reader
who reported one is thanked by mail in one step from the article."""

import importlib
import os

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from feedback import services
from feedback.models import TypoReport
from tests.factories import ArticleFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def log_in(page, live_server, url):
    page.goto(live_server.url + url)
    page.get_by_label("Gebruikersnaam").fill("eva")
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord-123")
    page.get_by_role("button", name="Aanmelden").click()


@pytest.fixture
def inbox_editor(editor):
    """The editor with the feedback permissions (a transactional test flushed them)."""
    granted = importlib.import_module("feedback.migrations.0002_editor_permissions")
    for role, codenames in granted.ROLE_PERMISSIONS.items():
        Group.objects.get(name=role).permissions.add(
            *Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames)
        )
    return editor


@pytest.fixture
def article():
    return ArticleFactory(
        section=SectionFactory(name="Buitenland", slug="buitenland"),
        headline="Ministers bereiken akkoord over grensoverschrijdende treinen",
        body="<p>De ministers spraken in Brussel af dat de nachtrein vaker gaat rijden.</p>"
        "<p>Volgend jaar komt er een nieuwe dienstregeling voor het hele net.</p>",
    )


def report(article, quote, **fields):
    return services.typo_report_create(
        article=article, revision_number=article.revision_number, quote=quote, **fields
    )


def test_the_editor_fixes_a_reported_typo_and_thanks_the_reader(
    page, live_server, inbox_editor, article, mailoutbox
):
    typo = report(article, "nachtrein", email="piet@example.nl", name="Piet")
    report(article, "nachttrein")  # never in the article
    mailoutbox.clear()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "/admin/feedback/typoreport/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="nooit in het artikel")).to_have_count(1)
    expect(rows.filter(has_text="staat er nog")).to_have_count(1)
    expect(page.locator("#result_list").get_by_text("mogelijk verbeterd")).to_have_count(0)

    page.goto(live_server.url + typo.get_admin_url())
    page.get_by_role("link", name="Open in de editor").click()
    panel = page.locator(".typo-panel")
    expect(panel).to_contain_text("nachtrein")
    expect(page.locator(".ProseMirror[contenteditable]")).to_be_visible()
    highlighted = page.wait_for_function(
        """() => {
            const h = CSS.highlights.get('typo-quote');
            return h && h.size === 1 && [...h][0].toString();
        }"""
    ).json_value()
    assert highlighted == "nachtrein"
    shoot(page, "typo-article-highlight-1280")

    # The editor selects the highlighted word and types the correction over it.
    # Focus without a click: a click's own selection, set late under load, would move the
    # caret away from the word again before the typing.
    page.evaluate(
        """() => {
            document.querySelector('.ProseMirror[contenteditable]').focus();
            const range = [...CSS.highlights.get('typo-quote')][0];
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    page.wait_for_function("() => getSelection().toString() === 'nachtrein'")
    page.keyboard.type("nachttrein")
    page.get_by_label("Soort wijziging").select_option("typo")
    page.get_by_role("button", name="Opslaan", exact=True).click()

    # Back on the report, which now is possibly fixed: close it and thank the reader.
    expect(page.get_by_text("De geciteerde tekst staat niet meer in het artikel.")).to_be_visible()
    page.get_by_role("button", name="Sluit als verbeterd en bedank de melder").click()
    expect(page.get_by_text("de melder krijgt een bedankmail")).to_be_visible()
    typo.refresh_from_db()
    assert (typo.status, typo.thanks_status) == (TypoReport.Status.FIXED, "sent")
    (mail,) = mailoutbox
    assert mail.to == ["Piet <piet@example.nl>"]
    assert "“nachtrein”" in mail.body
    shoot(page, "typo-inbox-after-thanks-1280")
