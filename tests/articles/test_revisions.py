"""Revisions: every save is kept, and change kinds decide what readers are told."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from articles import services
from articles.demo import load_demo_content
from articles.models import Article, Revision
from articles.roles import EINDREDACTEUR, VERSLAGGEVER
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory, save_change

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
PUBLISHED = datetime(2025, 5, 9, 10, 43, tzinfo=AMS)


@pytest.fixture
def editor():
    return UserFactory(username="eva", role=EINDREDACTEUR)


@pytest.fixture
def published():
    return ArticleFactory(published_at=PUBLISHED, body="<p>Een twee drie.</p>")


def edit(article, editor, kind, public_note="", **changes):
    article = Article.objects.get(pk=article.pk)
    for field, value in changes.items():
        setattr(article, field, value)
    with time_machine.travel(datetime(2025, 5, 9, 11, 8, tzinfo=AMS), tick=False):
        return services.article_save(
            article=article,
            by=editor,
            kind=kind,
            public_note=public_note,
            expected_revision=article.revision_number,
        )


def test_every_save_keeps_a_full_snapshot_with_who_and_when(published, editor):
    revision = edit(published, editor, "update", "Reactie toegevoegd.", headline="Nieuwe kop")
    assert published.revisions.count() == 2
    assert (revision.number, revision.headline, revision.kind, revision.public_note) == (
        2,
        "Nieuwe kop",
        "update",
        "Reactie toegevoegd.",
    )
    assert revision.created_by == editor
    assert revision.created_at == datetime(2025, 5, 9, 11, 8, tzinfo=AMS)
    assert revision.lede == published.lede
    assert revision.status == Article.Status.PUBLISHED


def test_a_typo_fix_does_not_move_the_public_modified_time(published, editor):
    edit(published, editor, "typo", body="<p>Een twee drie vier.</p>")
    published.refresh_from_db()
    assert published.public_modified_at is None
    assert published.body == "<p>Een twee drie vier.</p>"


def test_an_update_moves_the_public_modified_time(published, editor):
    edit(published, editor, "update", body="<p>Meer nieuws.</p>")
    published.refresh_from_db()
    assert published.public_modified_at == datetime(2025, 5, 9, 11, 8, tzinfo=AMS)
    assert published.corrections == []


def test_a_correction_moves_the_time_and_keeps_a_dated_note(published, editor):
    edit(published, editor, "correction", "De minister heet Jansen, niet Janssen.")
    published.refresh_from_db()
    at = datetime(2025, 5, 9, 11, 8, tzinfo=AMS)
    assert published.public_modified_at == at
    assert published.correction_notes == [(at, "De minister heet Jansen, niet Janssen.")]


def test_editing_a_published_article_without_a_kind_is_refused(published, editor):
    with pytest.raises(ValidationError):
        edit(published, editor, "", headline="Stiekem gewijzigd")
    published.refresh_from_db()
    assert published.headline != "Stiekem gewijzigd"
    assert published.revisions.count() == 1


def test_a_draft_needs_no_kind_and_never_gets_one(editor):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    revision = edit(draft, editor, "correction", "genegeerd", headline="Concept")
    assert (revision.kind, Article.objects.get(pk=draft.pk).public_modified_at) == ("", None)


def test_reading_time_is_recomputed_per_revision(published, editor):
    revision = edit(published, editor, "update", body="<p>" + "woord " * 600 + "</p>")
    assert revision.reading_time == Article.objects.get(pk=published.pk).reading_time == 4
    assert published.revisions.get(number=1).reading_time == 1


def test_a_stale_save_is_refused_with_what_the_other_editor_changed(published, editor):
    mine = Article.objects.get(pk=published.pk)
    edit(published, editor, "update", headline="Kop van de collega")
    mine.headline = "Mijn kop"
    with pytest.raises(services.StaleEdit) as refused:
        services.article_save(
            article=mine, by=editor, kind="typo", expected_revision=mine.revision_number
        )
    headline = refused.value.changes[0]
    assert headline.changed
    assert "<ins>" in headline.html and "collega" in headline.html
    assert Article.objects.get(pk=published.pk).headline == "Kop van de collega"


def test_restoring_a_revision_makes_a_new_revision(published, editor):
    original_headline = published.headline
    edit(published, editor, "update", headline="Tijdelijke kop")
    first = published.revisions.get(number=1)
    restored = services.revision_restore(
        revision=first, by=editor, kind="correction", public_note="Oude kop terug."
    ).revision
    published.refresh_from_db()
    assert published.headline == original_headline
    assert (restored.number, restored.kind, published.revisions.count()) == (3, "correction", 3)


def test_a_reporter_may_not_restore_a_published_article(published):
    reporter = UserFactory(username="victor", role=VERSLAGGEVER)
    with pytest.raises(PermissionDenied):
        services.revision_restore(
            revision=published.revisions.get(), by=reporter, kind="typo", public_note=""
        )


def test_a_reporter_may_not_publish_through_the_service():
    reporter = UserFactory(username="victor", role=VERSLAGGEVER)
    article = Article(
        section=SectionFactory(),
        headline="Kop",
        lede="Lede.",
        status=Article.Status.PUBLISHED,
        published_at=PUBLISHED,
    )
    with pytest.raises(PermissionDenied):
        services.article_save(article=article, by=reporter)
    assert not Article.objects.exists()


def test_a_new_article_keeps_its_authors_in_the_first_revision(editor):
    author = AuthorFactory(name="Anne de Vries")
    article = Article(section=SectionFactory(), headline="Kop", lede="Lede.")
    revision = services.article_save(article=article, by=editor, authors=[author])
    assert revision.authors == [{"id": author.pk, "name": "Anne de Vries"}]
    assert list(article.authors.all()) == [author]
    assert article.created_by == editor


def test_the_demo_article_has_its_1108_edit_as_an_update_revision():
    load_demo_content()
    article = Article.objects.get(section__slug="buitenland", published_at=PUBLISHED)
    update = article.revisions.get(kind=Revision.Kind.UPDATE)
    assert update.created_at == datetime(2025, 5, 9, 11, 8, tzinfo=AMS)
    assert article.public_modified_at == update.created_at
    assert article.reading_time == 2
    assert "Update 11.08" in article.body
    assert "Update 11.08" not in article.revisions.get(number=1).body


def test_the_model_save_alone_writes_no_revision_redirect_or_modified_time():
    article = ArticleFactory(slug="oud")
    article.slug, article.headline = "nieuw", "Nieuwe\x07 kop"
    article.save()
    article.refresh_from_db()
    assert article.headline == "Nieuwe kop"  # its own fields are still normalised
    assert (article.revision_number, article.revisions.count()) == (1, 1)
    assert (article.modified_at, article.redirects.count()) == (None, 0)


def test_a_save_of_a_draft_records_a_revision_without_a_kind():
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    save_change(article, kind="update", public_note="Genegeerd.")
    assert list(article.revisions.values_list("number", "kind")) == [(2, ""), (1, "")]
    assert timedelta(0) <= article.updated_at - article.revisions.first().created_at
