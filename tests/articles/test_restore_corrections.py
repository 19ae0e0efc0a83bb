"""Restoring across a correction: the editor is warned, and the correction stays public."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import services
from articles.models import Article
from articles.roles import EINDREDACTEUR, VERSLAGGEVER
from tests.factories import ArticleFactory, UserFactory, save_change

pytestmark = pytest.mark.django_db
NOTE = "Dat moet 42 miljoen euro zijn."


@pytest.fixture
def editor():
    return UserFactory(username="eva", role=EINDREDACTEUR)


@pytest.fixture
def corrected(editor):
    """Revision 1 says 24 million; revision 2 corrects it to 42 million."""
    article = ArticleFactory(
        headline="Gemeente koopt haventerrein",
        body="<p>De gemeente betaalt 24 miljoen euro voor het terrein.</p>",
    )
    save_change(
        article,
        kind="correction",
        public_note=NOTE,
        by=editor,
        body="<p>De gemeente betaalt 42 miljoen euro voor het terrein.</p>",
    )
    return article


def restore_url(article, number):
    revision = article.revisions.get(number=number)
    return reverse("admin:articles_article_restore", args=[article.pk, revision.pk])


def test_the_restore_page_names_every_later_correction(client, editor, corrected):
    save_change(corrected, kind="correction", public_note="Het terrein is 12 hectare.", by=editor)
    client.force_login(editor)
    html = client.get(restore_url(corrected, 1)).content.decode()
    assert "Correcties na deze revisie" in html
    assert NOTE in html and "Het terrein is 12 hectare." in html
    assert 'name="corrections_confirmed"' in html


def test_a_restore_from_after_the_correction_asks_nothing_extra(client, editor, corrected):
    save_change(corrected, kind="typo", by=editor, headline="Gemeente koopt terrein")
    client.force_login(editor)
    html = client.get(restore_url(corrected, 2)).content.decode()
    assert "Correcties na deze revisie" not in html
    assert 'type="checkbox" name="corrections_confirmed"' not in html


def test_a_restore_across_a_correction_without_confirmation_changes_nothing(
    client, editor, corrected
):
    client.force_login(editor)
    response = client.post(restore_url(corrected, 1), {"change_kind": "update"})
    assert response.status_code == 400
    assert "Bevestig dat u de correcties na deze revisie hebt gelezen." in response.content.decode()
    article = Article.objects.get(pk=corrected.pk)
    assert "42 miljoen" in article.body and article.revision_number == 2


def test_a_confirmed_restore_keeps_the_correction_on_the_page_and_in_the_log(
    client, editor, corrected
):
    client.force_login(editor)
    response = client.post(
        restore_url(corrected, 1),
        {
            "change_kind": "update",
            "change_note": "Oude tekst terug.",
            "corrections_confirmed": "on",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(pk=corrected.pk)
    assert "24 miljoen" in article.body
    assert [c["note"] for c in article.corrections] == [NOTE]
    page = client.get(article.get_absolute_url()).content.decode()
    log = client.get(reverse("articles:changes", args=[article.section.slug, article.slug]))
    assert NOTE in page
    assert NOTE in log.content.decode() and "Oude tekst terug." in log.content.decode()


def test_the_service_refuses_an_unconfirmed_restore_across_a_correction(editor, corrected):
    with pytest.raises(ValidationError):
        services.revision_restore(
            revision=corrected.revisions.get(number=1), by=editor, kind="update"
        )
    assert Article.objects.get(pk=corrected.pk).revision_number == 2


def test_a_reporters_direct_restore_post_is_refused(client, corrected):
    client.force_login(UserFactory(username="victor", role=VERSLAGGEVER))
    response = client.post(
        restore_url(corrected, 1), {"change_kind": "update", "corrections_confirmed": "on"}
    )
    assert response.status_code == 403
    assert Article.objects.get(pk=corrected.pk).revision_number == 2
