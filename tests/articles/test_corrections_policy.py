"""The corrections policy: readers see public notes of updates and corrections, nothing else."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Revision
from articles.roles import EINDREDACTEUR
from tests.articles.test_workflow_admin import change_url, form_data, login
from tests.factories import ArticleFactory, UserFactory, save_change

# The roles: a transactional test before these (PostgreSQL leg) may have flushed the groups.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

INTERNAL = "Intern: laatste alinea toegevoegd op verzoek van de chef"


def public_pages(client, article) -> str:
    """The article page and its change log, as a reader gets them."""
    article = Article.objects.get(pk=article.pk)
    changes = reverse("articles:changes", args=[article.section.slug, article.slug])
    return (
        client.get(article.get_absolute_url()).content.decode()
        + client.get(changes).content.decode()
    )


def test_an_updates_internal_note_stays_in_the_newsroom(client):
    article = ArticleFactory()
    revision = save_change(
        article,
        kind=Revision.Kind.UPDATE,
        public_note="Reactie van de minister toegevoegd.",
        internal_note=INTERNAL,
    )
    html = public_pages(client, article)
    assert "Reactie van de minister toegevoegd." in html
    assert "laatste alinea" not in html
    assert (revision.public_note, revision.internal_note) == (
        "Reactie van de minister toegevoegd.",
        INTERNAL,
    )


def test_a_corrections_internal_note_is_not_on_the_page(client):
    article = ArticleFactory()
    save_change(
        article,
        kind=Revision.Kind.CORRECTION,
        public_note="Het bedrag is 3 miljoen.",
        internal_note="Bron: Piet belde terug om kwart over drie.",
    )
    html = public_pages(client, article)
    assert "Het bedrag is 3 miljoen." in html
    assert "kwart over drie" not in html
    assert Article.objects.get(pk=article.pk).corrections[0]["note"] == "Het bedrag is 3 miljoen."


def test_a_typo_fixs_note_is_kept_as_internal():
    article = ArticleFactory()
    revision = save_change(article, kind=Revision.Kind.TYPO, public_note="Spelfout in kop.")
    assert (revision.public_note, revision.internal_note) == ("", "Spelfout in kop.")


def test_a_restores_automatic_note_is_internal(client):
    editor = UserFactory(role=EINDREDACTEUR)
    article = ArticleFactory(headline="Eerste kop")
    save_change(article, kind=Revision.Kind.TYPO, headline="Tweede kop")
    restored = services.revision_restore(
        revision=article.revisions.get(number=1), by=editor, kind=Revision.Kind.UPDATE
    ).revision
    assert (restored.public_note, restored.internal_note) == ("", "Revisie 1 hersteld.")
    html = public_pages(client, article)
    assert "hersteld" not in html
    assert "Aanvulling" in html  # the update itself is public: its date, no note


def test_the_admin_form_keeps_the_two_notes_apart(client):
    login(client, EINDREDACTEUR)
    article = ArticleFactory()
    data = form_data(
        article,
        change_kind="update",
        change_note="Uitslag toegevoegd.",
        internal_note=INTERNAL,
    )
    assert client.post(change_url(article), data).status_code == 302
    revision = article.revisions.first()
    assert (revision.public_note, revision.internal_note) == ("Uitslag toegevoegd.", INTERNAL)
    history = client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert INTERNAL in history.content.decode()
    client.logout()
    assert "laatste alinea" not in public_pages(client, article)


def test_markup_in_an_internal_note_is_refused_in_dutch(client):
    login(client, EINDREDACTEUR)
    article = ArticleFactory()
    data = form_data(article, change_kind="typo", internal_note="<script>x</script>")
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "leave out" not in response.content.decode()
    assert "gewone tekst: laat" in response.content.decode()
    assert article.revisions.count() == 1


def test_the_restore_form_keeps_the_editors_internal_note(client):
    login(client, EINDREDACTEUR)
    article = ArticleFactory(headline="Eerste kop")
    save_change(article, kind=Revision.Kind.TYPO, headline="Tweede kop")
    first = article.revisions.get(number=1)
    url = reverse("admin:articles_article_restore", args=[article.pk, first.pk])
    response = client.post(url, {"change_kind": "typo", "internal_note": "Kop was beter."})
    assert response.status_code == 302
    assert article.revisions.first().internal_note == "Kop was beter."


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_correction_notes_public_and_makes_the_others_internal():
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0010_header_text_checks")])
    old = executor.loader.project_state([("articles", "0010_header_text_checks")]).apps
    try:
        section = old.get_model("articles", "Section").objects.create(name="Sport", slug="sport")
        published = timezone.now() - timedelta(hours=2)
        article = old.get_model("articles", "Article").objects.create(
            section=section,
            headline="Kop",
            slug="kop",
            lede="Lede.",
            status="published",
            published_at=published,
        )
        OldRevision = old.get_model("articles", "Revision")
        common = {
            "article": article,
            "section": section,
            "headline": "Kop",
            "slug": "kop",
            "lede": "Lede.",
            "status": "published",
            "published_at": published,
            "reading_time": 1,
            "created_at": published,
        }
        for number, kind, note in [
            (1, "", ""),
            (2, "update", INTERNAL),
            (3, "correction", "Het is 3 miljoen."),
            (4, "update", "Revisie 1 hersteld."),
        ]:
            OldRevision.objects.create(number=number, kind=kind, note=note, **common)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    notes = Revision.objects.order_by("number").values_list("public_note", "internal_note")
    assert list(notes) == [
        ("", ""),
        ("", INTERNAL),
        ("Het is 3 miljoen.", ""),
        ("", "Revisie 1 hersteld."),
    ]
