"""Every change a reader could see replaces the cached pages and purges the edge by tag."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.imaging import image_make_renditions
from articles.models import Article
from articles.policy import SYSTEM
from newsletters.services.editions import edition_start_send
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditionFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("edge")]


@pytest.fixture
def editor():
    return UserFactory(role="Eindredacteur")


@pytest.fixture
def author():
    return AuthorFactory()


@pytest.fixture
def article(author):
    return ArticleFactory(section=SectionFactory(slug="binnenland"), authors=[author])


def article_tags(article, *, sections=None) -> set[str]:
    sections = sections or [article.section_id]
    return {
        f"article-{article.pk}",
        *(f"section-{pk}" for pk in sections),
        *(f"author-{a.pk}" for a in article.authors.all()),
        *("home", "feeds", "sitemaps", "search"),
    }


def cached(client, url: str) -> None:
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"


def edit(article, editor, kind: str, **fields):
    article = Article.objects.get(pk=article.pk)
    for name, value in fields.items():
        setattr(article, name, value)
    services.article_save(
        article=article,
        by=editor,
        kind=kind,
        public_note="Het bedrag was 42 miljoen." if kind == "correction" else "",
        expected_revision=article.revision_number,
    )


@pytest.mark.parametrize("kind", ["typo", "update", "correction"])
def test_an_edit_of_a_published_article_reaches_readers(client, article, editor, change, kind):
    cached(client, article.get_absolute_url())
    purged = change(lambda: edit(article, editor, kind, headline="Kabinet valt"))
    assert purged == article_tags(article)
    page = client.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"
    assert "Kabinet valt" in page.content.decode()


def test_publishing_a_draft_reaches_readers(client, editor, change, author):
    draft = ArticleFactory(status="draft", published_at=None, headline="Brug dicht")
    cached(client, "/")
    purged = change(
        lambda: edit(draft, editor, "", status="published", published_at=timezone.now())
    )
    assert f"article-{draft.pk}" in purged and "home" in purged
    assert "Brug dicht" in client.get("/").content.decode()


def test_saving_a_draft_purges_nothing(editor, change):
    draft = ArticleFactory(status="draft", published_at=None)
    assert change(lambda: edit(draft, editor, "", headline="Nog niet af")) == set()


def test_unpublishing_reaches_readers(client, article, editor, change):
    cached(client, "/")
    purged = change(lambda: edit(article, editor, "update", status="unpublished"))
    assert purged == article_tags(article)
    assert article.headline not in client.get("/").content.decode()


def test_a_scheduled_article_whose_time_came_is_purged_by_the_beat_job(client, change, author):
    due = ArticleFactory(status="scheduled", published_at=timezone.now() + timedelta(hours=1))
    Article.objects.filter(pk=due.pk).update(published_at=timezone.now() - timedelta(seconds=5))
    purged = change(services.articles_publish_due)
    assert purged == article_tags(due)


def test_a_move_to_another_section_purges_both_sections(client, article, editor, change):
    old = article.section_id
    politics = SectionFactory(slug="politiek")
    purged = change(lambda: edit(article, editor, "update", section=politics, slug="nieuw"))
    assert purged == article_tags(article, sections=[old, politics.pk])


def test_a_restore_reaches_readers(client, article, editor, change):
    edit(article, editor, "update", headline="Tussenversie")
    first = article.revisions.order_by("number").first()
    cached(client, article.get_absolute_url())
    purged = change(lambda: services.revision_restore(revision=first, by=editor, kind="update"))
    assert purged == article_tags(article)
    assert article.headline in client.get(article.get_absolute_url()).content.decode()


def test_a_photo_change_purges_the_articles_that_show_it(article, editor, change):
    photo = ImageFactory()
    Article.objects.filter(pk=article.pk).update(lead_image=photo)
    photo.caption = "Nieuw onderschrift"
    purged = change(
        lambda: services.image_change(image=photo, by=editor, changed=["caption"], kind="update")
    )
    assert purged == article_tags(article)


def test_renditions_ready_purge_the_articles_that_show_the_photo(article, change):
    photo = ImageFactory()
    Article.objects.filter(pk=article.pk).update(lead_image=photo)
    assert change(lambda: image_make_renditions(image=photo)) == article_tags(article)


def test_a_photo_in_no_visible_article_purges_nothing(change):
    photo = ImageFactory()
    assert change(lambda: image_make_renditions(image=photo)) == set()


def test_an_edition_sent_reaches_the_archive(client, change, article):
    edition = EditionFactory(articles=[article])
    cached(client, "/nieuwsbrief/archief/")
    purged = change(lambda: edition_start_send(edition=edition, by=SYSTEM))
    assert purged == {"editions", f"edition-{edition.pk}"}
    assert edition.subject in client.get("/nieuwsbrief/archief/").content.decode()


def test_a_renamed_author_is_purged_from_the_bylines(article, author, change):
    author.name = "Anna de Vries"
    assert change(author.save) == {f"author-{author.pk}", "feeds", "sitemaps"}
