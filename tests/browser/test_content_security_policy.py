"""The Content-Security-Policy breaks nothing: no violation on reader pages or in the editor.

Chromium reports each refusal twice: a console message ("Refused to …") and a
`securitypolicyviolation` event, recorded from before any script of the page runs.
"""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, EditionFactory, ImageFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "geheim-wachtwoord-123"
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, and the list of CSP refusals it reports (console and events)."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or message.text.startswith("Refused to")
            else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)

    def violations() -> list[str]:
        return refused + page.evaluate("window.cspViolations")

    return page, violations


@pytest.fixture
def article():
    return ArticleFactory(
        section=SectionFactory(name="Buitenland", slug="buitenland", in_nav=True),
        headline="Ministers bereiken akkoord over nachttreinen",
        slug="akkoord-nachttreinen",
        lead_image=ImageFactory(),
        body="<p>De ministers spraken in Brussel af dat de nachttrein vaker gaat rijden.</p>",
    )


def test_reader_pages_load_and_run_their_scripts_without_a_violation(watched, live_server, article):
    page, violations = watched
    for path in [
        "/",
        "/buitenland/",
        article.get_absolute_url(),
        "/zoeken/?q=nachttrein",
        "/nieuwsbrief/",
        f"/taalfout/{article.pk}/",
        "/bestaat-niet/",
    ]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        assert violations() == [], path
    # The article's scripts at work: the vote answers in place (fetch) without a refusal.
    page.goto(live_server.url + article.get_absolute_url())
    page.locator("#nuttig").get_by_role("button", name="Ja").click()
    expect(page.get_by_text("Bedankt voor je reactie!")).to_be_visible()
    assert violations() == []


def test_an_injected_inline_script_is_refused_and_reported(watched, live_server, article):
    page, violations = watched
    page.goto(live_server.url + article.get_absolute_url())
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )
    page.wait_for_function("window.cspViolations.length > 0")
    assert page.evaluate("window.injected") is None
    assert any("script-src" in violation for violation in violations())


def test_the_article_editor_works_without_a_violation(watched, live_server, editor, article):
    page, violations = watched
    change = f"/admin/articles/article/{article.pk}/change/"
    page.goto(f"{live_server.url}/admin/login/?next={change}")
    page.fill("#id_username", "eva")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + change)
    # The body editor (its menu bar has a ProseMirror of its own for the block picker).
    editor_area = page.locator(".ProseMirror[contenteditable=true]")
    expect(editor_area).to_be_visible()
    editor_area.click()
    page.keyboard.press("End")
    page.keyboard.type(" Ook op zondag.")
    expect(editor_area).to_contain_text("Ook op zondag.")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_be_visible()
    page.goto(f"{live_server.url}/admin/articles/article/?q=trein")
    assert violations() == []


def test_the_other_admin_pages_show_no_violation(watched, live_server, django_user_model):
    page, violations = watched
    django_user_model.objects.create_superuser("chef", password=PASSWORD)
    article, edition = ArticleFactory(), EditionFactory()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "chef")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in [
        "/admin/",
        f"/admin/articles/article/{article.pk}/revisions/",
        "/admin/articles/image/add/",
        "/admin/newsletters/edition/",
        f"/admin/newsletters/edition/{edition.pk}/change/",
        "/admin/feedback/typoreport/",
        "/admin/proofing/",
        "/admin/auth/user/add/",
    ]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        assert violations() == [], path
