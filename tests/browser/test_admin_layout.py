"""The admin at 1280 px in Debian's Chromium: the lists fit their pane, the article form is
readable, and the body editor speaks Dutch."""

import importlib
import os

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from feedback import services
from tests.factories import ArticleFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")
LONG = "Kabinet en provincies bereiken na maanden onderhandelen akkoord over nieuwe nachttreinen"
# What the body editor showed in English before it was translated.
ENGLISH = {"Edit Link", "URL", "Title", "Update", "paragraph", "Paragraph", "Heading 2", "bold"}
ENGLISH |= {"italic", "undo", "redo", "blockquote", "insert link", "ordered list", "heading 2"}


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def signed_in(page, live_server, editor):
    granted = importlib.import_module("feedback.migrations.0002_editor_permissions")
    for role, codenames in granted.ROLE_PERMISSIONS.items():
        Group.objects.get(name=role).permissions.add(
            *Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames)
        )
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Gebruikersnaam").fill("eva")
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord-123")
    page.get_by_role("button", name="Aanmelden").click()
    return page


@pytest.fixture
def articles():
    section = SectionFactory(name="Binnenland en politiek", slug="binnenland")
    made = [
        ArticleFactory(section=section, headline=f"{LONG} ({number})", body="<p>De nachtrein.</p>")
        for number in range(5)
    ]
    for article in made:
        services.typo_report_create(
            article=article,
            revision_number=article.revision_number,
            quote="nachtrein",
            name="Piet",
            email="piet@example.nl",
        )
    return made


def overflow(page) -> int:
    """How far the content pane's content sticks out to the right (0: it fits)."""
    return page.evaluate(
        """() => {
            // The page, the content pane and the list's own box (Django's .results scrolls).
            const boxes = [document.documentElement, ...document.querySelectorAll(
                '#content, #changelist .results')];
            return Math.max(...boxes.map(box => box.scrollWidth - box.clientWidth));
        }"""
    )


@pytest.mark.parametrize(
    ("name", "url"),
    [("articles", "/admin/articles/article/"), ("inbox", "/admin/feedback/typoreport/")],
)
def test_the_lists_fit_1280_px_without_scrolling_sideways(
    signed_in, live_server, articles, name, url
):
    page = signed_in
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + url)
    expect(page.locator("#result_list")).to_be_visible()
    shoot(page, f"admin-{name}-1280")
    assert overflow(page) <= 0
    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    shoot(page, f"admin-{name}-360")


def test_the_article_form_is_wide_uncluttered_and_dutch(signed_in, live_server, articles):
    page = signed_in
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + f"/admin/articles/article/{articles[0].pk}/change/")
    expect(page.locator("h1")).to_have_text("Artikel wijzigen")
    headline = page.locator("#id_headline").bounding_box()
    lede = page.locator("#id_lede").bounding_box()
    assert headline["width"] >= lede["width"] - 1
    tools = page.locator(".object-tools").bounding_box()
    title = page.locator("#content h2").first.bounding_box()
    assert tools["y"] + tools["height"] <= title["y"] or title["y"] + title["height"] <= tools["y"]
    expect(page.locator(".object-tools a")).to_have_text(
        ["Geschiedenis", "Voorbeeld", "Bekijk op de site"]
    )

    menubar = page.locator(".prose-menubar")
    expect(menubar).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('.prose-menubar [title=\"vet\"]') !== null"
    )
    shown = page.evaluate(
        """() => [...document.querySelectorAll('.prose-menubar *')].flatMap(e => [
            e.getAttribute('title'), e.getAttribute('aria-label'),
            // An icon button's text is the icon font's ligature name, not shown as text.
            e.children.length || e.classList.contains('material-icons') ? null : e.textContent,
        ]).filter(Boolean)"""
    )
    assert not ENGLISH & set(shown), ENGLISH & set(shown)
    # The picker's arrow is drawn, not a "⏷" that no font here has.
    arrow = page.locator(".prose-menubar__selected").first
    assert arrow.evaluate("e => getComputedStyle(e, '::after').content") == '""'
    assert arrow.evaluate("e => getComputedStyle(e, '::after').borderTopWidth") == "5px"
    shoot(page, "admin-article-form-1280")

    # The link dialog, opened on a selected word.
    page.locator(".ProseMirror[contenteditable]").click()
    page.keyboard.press("Control+a")
    page.locator(".prose-menubar [title='link invoegen']").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    text = dialog.inner_text()
    assert "Link bewerken" in text and "Bijwerken" in text and "Annuleren" in text
    assert not {"Edit Link", "Update", "Title"} & set(text.split("\n"))
    shoot(page, "admin-link-dialog-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    page.keyboard.press("Escape")
    shoot(page, "admin-article-form-360")
