"""Every admin page an editor can open speaks Dutch: no English UI string from the list of
ones that slipped through before (Django's own, our admin's, the body editor's)."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

from articles.roles import EINDREDACTEUR
from feedback import services as feedback_services
from tests.factories import ArticleFactory, EditionFactory, SubscriberFactory, UserFactory

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Edit Link",
    "Update",
    "Heading",
    "bold",
    "Save",
    "Add",
    "Delete",
    "History",
    "Change",
    "View on site",
    "Revisions",
    "Preview",
    "Select",
    "Search",
    "Action",
    "Wilson",
    "usefulness",
    "possibly fixed",
    "Close as fixed",
    "Paragraph",
    "Cancel",
]
WORD = re.compile(r"\b(" + "|".join(re.escape(w) for w in ENGLISH) + r")\b")
# What a user reads: text, and the attributes screen readers and tooltips show.
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class ShownText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        # Django's icon sprite (<symbol>s with English <title>s) is never shown as such.
        if tag in {"script", "style", "template", "symbol"}:
            self.hidden += 1
        attributes = dict(attrs)
        self.parts += [v for k, v in attrs if k in SHOWN_ATTRIBUTES and v]
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template", "symbol"}:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def english_on(html: str) -> set[str]:
    parser = ShownText()
    parser.feed(html)
    return {match for part in parser.parts for match in WORD.findall(part)}


@pytest.fixture
def editor(client):
    user = UserFactory(username="eva", role=EINDREDACTEUR)
    client.force_login(user)
    return client


@pytest.fixture
def one_of_everything():
    article = ArticleFactory(body="<p>De nachtrein rijdt.</p>")
    feedback_services.typo_report_create(
        article=article, revision_number=1, quote="nachtrein", email="piet@example.nl"
    )
    feedback_services.vote_record(
        article=article, reader="a" * 64, useful=False, revision_number=1, reason="unclear"
    )
    EditionFactory(articles=[article])
    SubscriberFactory()
    return article


def admin_pages(client, article) -> list[str]:
    """Every list, add form, change form and history an editor may open, and our own pages."""
    pages = []
    for model in admin.site._registry:
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append(reverse(f"{name}_changelist"))
        pages.append(reverse(f"{name}_add"))
        obj = model._default_manager.first()
        if obj is not None:
            pages.append(reverse(f"{name}_change", args=[obj.pk]))
            pages.append(reverse(f"{name}_history", args=[obj.pk]))
    pages += [
        reverse("admin:index"),
        reverse("admin:articles_article_revisions", args=[article.pk]),
        reverse("admin:articles_article_compare", args=[article.pk]) + "?a=1&b=live",
        reverse("admin:articles_article_change", args=[article.pk])
        + f"?typo={article.typo_reports.get().pk}",
    ]
    return pages


def test_every_admin_page_an_editor_opens_is_dutch(editor, one_of_everything):
    opened = 0
    for url in admin_pages(editor, one_of_everything):
        response = editor.get(url)
        if response.status_code == 403:
            continue  # not this editor's page
        assert response.status_code == 200, url
        assert english_on(response.content.decode()) == set(), url
        opened += 1
    assert opened >= 20


def test_the_check_finds_english_where_there_is_some():
    html = '<button title="bold">B</button><p>Save</p><script>var Add;</script>'
    assert english_on(html) == {"bold", "Save"}


def test_a_saved_article_is_het_artikel_in_the_message(editor, one_of_everything):
    from tests.articles.test_workflow_admin import form_data

    article = one_of_everything
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {**form_data(article, headline="Nieuwe kop"), "change_kind": "typo"}
    response = editor.post(url, {**data, "_continue": "1"}, follow=True)
    html = response.content.decode()
    link = f'<a href="{url}">Nieuwe kop</a>'
    assert f"Het artikel ‘{link}’ is gewijzigd. U kunt het hieronder nogmaals bewerken." in html
    assert "De artikel" not in html and "met succes" not in html


@pytest.mark.parametrize(
    ("url", "title"),
    [
        (reverse("admin:articles_article_add"), "Artikel toevoegen"),
        (reverse("admin:feedback_articleusefulness_changelist"), "Selecteer beoordeeld artikel"),
    ],
)
def test_page_titles_start_with_a_capital(editor, url, title):
    html = editor.get(url).content.decode()
    assert f"<h1>{title}" in html
    assert f"<title>{title}" in html


def test_the_usefulness_list_speaks_plainly(editor, one_of_everything):
    html = editor.get(reverse("admin:feedback_articleusefulness_changelist")).content.decode()
    assert "nut van artikelen" not in html.lower()
    assert "1 beoordeeld artikel" in html
    assert "Nuttig voor minstens" in html and "Wilson" not in html
