"""The editorial workflow in the admin, as each role meets it."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Revision
from articles.roles import EINDREDACTEUR, HOOFDREDACTIE, VERSLAGGEVER
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    UserFactory,
    new_article_form,
    save_change,
)

pytestmark = pytest.mark.django_db


def login(client, role, username=None):
    user = UserFactory(username=username or role.lower(), role=role)
    client.force_login(user)
    return user


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(article, **overrides):
    """What the change form posts for `article` as it is stored, plus `overrides`."""
    article = Article.objects.get(pk=article.pk)
    published = article.published_at.astimezone() if article.published_at else None
    data = {
        "section": article.section_id,
        "headline": article.headline,
        "slug": article.slug,
        "lede": article.lede,
        "body": article.body,
        "status": article.status,
        "published_at_0": published.strftime("%d-%m-%Y") if published else "",
        "published_at_1": published.strftime("%H:%M:%S") if published else "",
        "version": article.revision_number,
        "change_kind": "",
        "change_note": "",
        "inline_images-TOTAL_FORMS": "0",
        "inline_images-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def test_the_roles_exist_with_their_powers():
    reporter = Group.objects.get(name=VERSLAGGEVER).permissions.values_list("codename", flat=True)
    chief = Group.objects.get(name=HOOFDREDACTIE).permissions.values_list("codename", flat=True)
    assert "publish_article" not in reporter
    assert {"publish_article", "change_section", "change_user"} <= set(chief)


class TestReporter:
    def test_a_reporter_can_edit_their_own_draft_and_submit_it(self, client):
        user = login(client, VERSLAGGEVER)
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, created_by=user)
        response = client.post(
            change_url(draft), form_data(draft, headline="Klaar", status=Article.Status.REVIEW)
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert (draft.headline, draft.status) == ("Klaar", Article.Status.REVIEW)

    def test_a_reporter_cannot_edit_someone_elses_draft(self, client):
        login(client, VERSLAGGEVER)
        other = UserFactory(username="collega", role=VERSLAGGEVER)
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, created_by=other)
        response = client.post(change_url(draft), form_data(draft, headline="Overgenomen"))
        assert response.status_code == 403
        assert Article.objects.get(pk=draft.pk).headline != "Overgenomen"

    def test_a_reporter_cannot_publish_their_own_draft(self, client):
        user = login(client, VERSLAGGEVER)
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, created_by=user)
        response = client.post(change_url(draft), form_data(draft, status=Article.Status.PUBLISHED))
        assert response.status_code == 200
        assert "U mag geen artikelen publiceren" in response.content.decode()
        assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT

    def test_a_reporter_cannot_restore_a_revision(self, client):
        login(client, VERSLAGGEVER)
        article = ArticleFactory()
        revision = article.revisions.get()
        url = reverse("admin:articles_article_restore", args=[article.pk, revision.pk])
        assert client.post(url, {"change_kind": "typo"}).status_code == 403
        assert article.revisions.count() == 1

    def test_a_reporter_may_read_the_history(self, client):
        login(client, VERSLAGGEVER)
        article = ArticleFactory()
        url = reverse("admin:articles_article_revisions", args=[article.pk])
        html = client.get(url).content.decode()
        assert "Herstellen" not in html


class TestEditor:
    def test_an_edit_of_a_published_article_needs_a_change_kind(self, client):
        login(client, EINDREDACTEUR)
        article = ArticleFactory()
        response = client.post(change_url(article), form_data(article, headline="Nieuw"))
        assert response.status_code == 200
        assert "taalfout, een aanvulling of een correctie" in response.content.decode()
        assert Article.objects.get(pk=article.pk).headline != "Nieuw"

    def test_a_correction_through_the_admin_shows_on_the_article(self, client):
        login(client, EINDREDACTEUR)
        article = ArticleFactory()
        response = client.post(
            change_url(article),
            form_data(article, change_kind="correction", change_note="Het bedrag is 3 miljoen."),
        )
        assert response.status_code == 302
        client.logout()
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Correctie" in html and "Het bedrag is 3 miljoen." in html
        assert "Gewijzigd op" in html

    def test_a_correction_needs_a_note(self, client):
        login(client, EINDREDACTEUR)
        article = ArticleFactory()
        response = client.post(change_url(article), form_data(article, change_kind="correction"))
        assert response.status_code == 200
        assert "Een correctie heeft een toelichting nodig" in response.content.decode()

    def test_a_note_of_ten_thousand_characters_is_refused(self, client):
        login(client, EINDREDACTEUR)
        article = ArticleFactory()
        response = client.post(
            change_url(article), form_data(article, change_kind="update", change_note="x" * 10_000)
        )
        assert response.status_code == 200
        assert "niet meer dan 1000 tekens" in response.content.decode()
        assert article.revisions.count() == 1

    def test_html_in_a_note_is_refused(self, client):
        login(client, EINDREDACTEUR)
        article = ArticleFactory()
        response = client.post(
            change_url(article),
            form_data(article, change_kind="correction", change_note="<script>alert(1)</script>"),
        )
        assert response.status_code == 200
        assert "gewone tekst" in response.content.decode()
        assert Article.objects.get(pk=article.pk).corrections == []

    def test_a_stale_save_is_refused_with_the_other_editors_changes(self, client):
        login(client, EINDREDACTEUR)
        article = ArticleFactory(headline="Oude kop")
        opened = form_data(article)
        first = client.post(
            change_url(article), {**opened, "headline": "Kop van Eva", "change_kind": "typo"}
        )
        assert first.status_code == 302
        second = client.post(
            change_url(article), {**opened, "lede": "Mijn lede.", "change_kind": "typo"}
        )
        html = second.content.decode()
        assert second.status_code == 200
        assert "Iemand anders heeft dit artikel opgeslagen" in html
        assert "<del>Oude kop</del> <ins>Kop van Eva</ins>" in html
        article.refresh_from_db()
        assert (article.headline, article.lede) == ("Kop van Eva", ArticleFactory.lede)

    def test_a_save_without_a_version_is_refused(self, client):
        login(client, EINDREDACTEUR)
        article = ArticleFactory()
        data = form_data(article, change_kind="typo", headline="Zonder versie")
        del data["version"]
        assert client.post(change_url(article), data).status_code == 200
        assert Article.objects.get(pk=article.pk).headline != "Zonder versie"

    def test_an_editor_can_unpublish(self, client):
        login(client, EINDREDACTEUR)
        article = ArticleFactory()
        response = client.post(
            change_url(article),
            form_data(article, status=Article.Status.UNPUBLISHED, change_kind="typo"),
        )
        assert response.status_code == 302
        assert client.get(article.get_absolute_url()).status_code == 404

    def test_a_headline_and_slug_change_keeps_the_old_url(self, client):
        login(client, EINDREDACTEUR)
        article = ArticleFactory(slug="oude-kop")
        old_url = article.get_absolute_url()
        client.post(
            change_url(article),
            form_data(article, headline="Nieuwe kop", slug="nieuwe-kop", change_kind="update"),
        )
        response = client.get(old_url)
        assert response.status_code == 301
        assert response["Location"].endswith("/nieuwe-kop/")


class TestHistoryAndDiff:
    @pytest.fixture
    def edited(self):
        article = ArticleFactory(
            headline="Kabinet valt", body="<p>De coalitie is gevallen.</p><p>Alinea twee.</p>"
        )
        article.headline = "Kabinet valt over stikstof"
        article.body = "<p>De <strong>coalitie</strong> is vandaag gevallen.</p><p>Alinea twee.</p>"
        save_change(article)
        return article

    def test_the_history_lists_who_when_kind_and_note(self, client, edited):
        user = login(client, EINDREDACTEUR)
        Revision.objects.filter(article=edited, number=2).update(
            kind="update", public_note="Oorzaak toegevoegd.", created_by=user
        )
        url = reverse("admin:articles_article_revisions", args=[edited.pk])
        html = client.get(url).content.decode()
        assert "Oorzaak toegevoegd." in html
        assert "aanvulling" in html
        assert user.username in html

    def test_the_diff_is_word_level_text_without_markup_noise(self, client, edited):
        login(client, EINDREDACTEUR)
        url = reverse("admin:articles_article_compare", args=[edited.pk])
        html = client.get(url, {"a": 1, "b": 2}).content.decode()
        assert "Kabinet valt <ins>over stikstof</ins>" in html
        assert "is <ins>vandaag</ins> gevallen" in html
        assert "&lt;strong&gt;" not in html and "<ins>coalitie" not in html

    def test_a_revision_can_be_compared_with_the_live_version(self, client, edited):
        login(client, EINDREDACTEUR)
        url = reverse("admin:articles_article_compare", args=[edited.pk])
        html = client.get(url, {"a": 1, "b": "live"}).content.decode()
        assert "<ins>over stikstof</ins>" in html

    @pytest.mark.parametrize("side", ["99", "abc", "", "1" * 30])
    def test_comparing_with_an_unknown_revision_is_a_bad_request(self, client, edited, side):
        login(client, EINDREDACTEUR)
        url = reverse("admin:articles_article_compare", args=[edited.pk])
        response = client.get(url, {"a": side, "b": "live"})
        assert response.status_code == 400

    def test_text_in_a_diff_is_escaped(self, client):
        login(client, EINDREDACTEUR)
        article = ArticleFactory(headline="<script>alert(1)</script>")
        url = reverse("admin:articles_article_compare", args=[article.pk])
        html = client.get(url, {"a": 1, "b": "live"}).content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;" in html

    def test_restoring_through_the_admin_makes_a_new_revision(self, client, edited):
        login(client, EINDREDACTEUR)
        first = edited.revisions.get(number=1)
        url = reverse("admin:articles_article_restore", args=[edited.pk, first.pk])
        assert "over stikstof" in client.get(url).content.decode()
        response = client.post(url, {"change_kind": "correction", "change_note": "Terug."})
        assert response.status_code == 302
        edited.refresh_from_db()
        assert edited.headline == "Kabinet valt"
        assert edited.revisions.first().number == 3

    def test_restoring_a_revision_of_another_article_is_404(self, client, edited):
        login(client, EINDREDACTEUR)
        other = ArticleFactory(headline="Ander artikel")
        foreign = other.revisions.get()
        url = reverse("admin:articles_article_restore", args=[edited.pk, foreign.pk])
        assert client.post(url, {"change_kind": "typo"}).status_code == 404
        edited.refresh_from_db()
        assert edited.headline == "Kabinet valt over stikstof"

    def test_restoring_a_published_article_without_a_kind_is_refused(self, client, edited):
        login(client, EINDREDACTEUR)
        first = edited.revisions.get(number=1)
        url = reverse("admin:articles_article_restore", args=[edited.pk, first.pk])
        assert client.post(url, {}).status_code == 400
        assert edited.revisions.count() == 2

    def test_restore_changes_nothing_on_get_and_refuses_other_methods(self, client, edited):
        login(client, EINDREDACTEUR)
        first = edited.revisions.get(number=1)
        url = reverse("admin:articles_article_restore", args=[edited.pk, first.pk])
        assert client.get(url).status_code == 200
        assert client.put(url, {"change_kind": "typo"}).status_code == 405
        assert client.delete(url).status_code == 405
        assert edited.revisions.count() == 2

    def test_history_and_diff_refuse_posts(self, client, edited):
        login(client, EINDREDACTEUR)
        for name in ("admin:articles_article_revisions", "admin:articles_article_compare"):
            assert client.post(reverse(name, args=[edited.pk])).status_code == 405

    def test_restore_without_a_csrf_token_is_refused(self, edited):
        from django.test import Client

        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(UserFactory(username="eva3", role=EINDREDACTEUR))
        first = edited.revisions.get(number=1)
        url = reverse("admin:articles_article_restore", args=[edited.pk, first.pk])
        assert csrf_client.post(url, {"change_kind": "typo"}).status_code == 403
        assert edited.revisions.count() == 2

    def test_the_history_uses_a_fixed_number_of_queries(self, client, edited):
        login(client, EINDREDACTEUR)
        url = reverse("admin:articles_article_revisions", args=[edited.pk])
        client.get(url)
        for _ in range(10):
            save_change(edited)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        # session, user, article with section, the user's permissions (2),
        # revisions with who made them (1)
        assert len(queries) == 6, [q["sql"] for q in queries]

    def test_the_diff_uses_a_fixed_number_of_queries(self, client, edited):
        login(client, EINDREDACTEUR)
        url = reverse("admin:articles_article_compare", args=[edited.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"a": 1, "b": 2}).status_code == 200
        # session, user, article with section, the user's permissions (2),
        # old revision (1), new revision (1)
        assert len(queries) == 7, [q["sql"] for q in queries]


def test_the_article_list_warns_when_the_publication_job_is_late(client):
    login(client, EINDREDACTEUR)
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "meer dan 5 minuten" in html


def test_the_article_list_is_quiet_when_the_publication_job_ran(client):
    from articles.services import articles_publish_due

    login(client, EINDREDACTEUR)
    articles_publish_due(now=timezone.now() - timedelta(minutes=4))
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "meer dan 5 minuten" not in html


def test_a_new_article_by_a_reporter_is_theirs(client):
    user = login(client, VERSLAGGEVER)
    response = client.post(
        reverse("admin:articles_article_add"), new_article_form(SectionFactory())
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.created_by == user
    assert article.revisions.get().created_by == user


def test_a_draft_form_asks_no_change_kind(client):
    user = login(client, VERSLAGGEVER)
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, created_by=user)
    html = client.get(change_url(draft)).content.decode()
    assert 'name="version"' in html
    assert "Soort wijziging" not in html and "Deze wijziging" not in html


def test_a_published_article_form_asks_the_change_kind(client):
    login(client, EINDREDACTEUR)
    html = client.get(change_url(ArticleFactory())).content.decode()
    assert "Soort wijziging" in html and "Deze wijziging" in html


class TestPreviewInTheAdmin:
    def test_an_editor_previews_a_draft_as_readers_would_see_it(self, client):
        login(client, EINDREDACTEUR)
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline="Concept")
        response = client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert '<h1 class="article__headline">Concept</h1>' in html
        assert '<meta name="robots" content="noindex, nofollow">' in html

    def test_an_editor_previews_an_old_revision(self, client):
        login(client, EINDREDACTEUR)
        article = ArticleFactory(headline="Eerste kop")
        article.headline = "Tweede kop"
        save_change(article)
        first = article.revisions.get(number=1)
        url = reverse("admin:articles_article_revision_preview", args=[article.pk, first.pk])
        html = client.get(url).content.decode()
        assert "Eerste kop" in html and "Tweede kop" not in html

    def test_a_revision_of_another_article_cannot_be_previewed_through_this_one(self, client):
        login(client, EINDREDACTEUR)
        article, other = ArticleFactory(), ArticleFactory()
        url = reverse(
            "admin:articles_article_revision_preview",
            args=[article.pk, other.revisions.get().pk],
        )
        assert client.get(url).status_code == 404

    def test_the_history_offers_a_shareable_preview_link(self, client):
        login(client, EINDREDACTEUR)
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, headline="Geheim")
        url = reverse("admin:articles_article_revisions", args=[draft.pk])
        html = client.get(url).content.decode()
        link = html.split('readonly value="', 1)[1].split('"', 1)[0]
        client.logout()
        assert "Geheim" in client.get(link).content.decode()

    def test_a_reporter_gets_no_preview_link_of_a_colleague_s_draft(self, client):
        colleague = UserFactory(username="collega", role=VERSLAGGEVER)
        draft = ArticleFactory(
            status=Article.Status.DRAFT, published_at=None, created_by=colleague, headline="Kladje"
        )
        reporter = login(client, VERSLAGGEVER)
        html = client.get(reverse("admin:articles_article_revisions", args=[draft.pk])).content
        assert b"readonly value=" not in html and b"testserver/preview/" not in html
        with pytest.raises(PermissionDenied):
            services.preview_token(article=draft, by=reporter)

    def test_a_reporter_shares_a_preview_of_their_own_draft(self, client):
        reporter = login(client, VERSLAGGEVER)
        draft = ArticleFactory(
            status=Article.Status.DRAFT, published_at=None, created_by=reporter, headline="Eigen"
        )
        html = client.get(reverse("admin:articles_article_revisions", args=[draft.pk]))
        link = html.content.decode().split('readonly value="', 1)[1].split('"', 1)[0]
        client.logout()
        assert "Eigen" in client.get(link).content.decode()

    def test_people_without_an_account_are_sent_to_the_login(self, client):
        article = ArticleFactory()
        response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


class TestChiefEditor:
    def test_the_chief_editor_manages_sections_and_users(self, client):
        login(client, HOOFDREDACTIE)
        response = client.post(
            reverse("admin:articles_section_add"),
            {"name": "Wetenschap", "slug": "wetenschap", "position": 5},
        )
        assert response.status_code == 302
        assert client.get(reverse("admin:auth_user_changelist")).status_code == 200

    @pytest.mark.parametrize("role", [EINDREDACTEUR, VERSLAGGEVER])
    def test_others_may_not_manage_sections_or_users(self, client, role):
        login(client, role)
        response = client.post(
            reverse("admin:articles_section_add"), {"name": "Wetenschap", "slug": "wetenschap"}
        )
        assert response.status_code == 403
        assert client.get(reverse("admin:auth_user_changelist")).status_code == 403

    def test_the_chief_editor_may_publish_and_restore(self, client):
        login(client, HOOFDREDACTIE)
        article = ArticleFactory(headline="Eerste")
        article.headline = "Tweede"
        save_change(article)
        first = article.revisions.get(number=1)
        url = reverse("admin:articles_article_restore", args=[article.pk, first.pk])
        assert client.post(url, {"change_kind": "typo"}).status_code == 302
        assert Article.objects.get(pk=article.pk).headline == "Eerste"


def status_options(html: str) -> list[str]:
    select = html.split('name="status"')[1].split("</select>")[0]
    return re.findall(r'<option value="(\w+)"', select)


def test_a_reporter_is_offered_only_the_statuses_they_may_choose(client):
    user = login(client, VERSLAGGEVER)
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, created_by=user)
    html = client.get(change_url(draft)).content.decode()
    offered = status_options(html)
    assert offered == ["draft", "review"]
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    offered = status_options(html)
    assert offered == ["draft", "review"]


def test_an_editor_is_offered_every_status(client):
    login(client, EINDREDACTEUR)
    article = ArticleFactory()
    html = client.get(change_url(article)).content.decode()
    offered = status_options(html)
    assert offered == ["draft", "review", "scheduled", "published", "unpublished"]


def test_the_lost_update_panel_ignores_the_order_a_revision_kept_its_byline_in(client):
    login(client, EINDREDACTEUR)
    byline = [AuthorFactory(name="Anna Appel"), AuthorFactory(name="Zora Zwart")]
    article = ArticleFactory(headline="Oude kop", authors=byline)
    # As the archive loader keeps them: in the order drawn, not by name.
    article.revisions.update(authors=[{"id": a.pk, "name": a.name} for a in reversed(byline)])
    opened = {**form_data(article), "authors": [a.pk for a in byline]}
    client.post(change_url(article), {**opened, "headline": "Kop van Eva", "change_kind": "typo"})
    second = client.post(
        change_url(article), {**opened, "lede": "Mijn lede.", "change_kind": "typo"}
    )
    panel = second.content.decode().split('id="stale-title"')[1].split("</section>")[0]
    assert "Kop van Eva" in panel
    assert "Auteurs" not in panel
