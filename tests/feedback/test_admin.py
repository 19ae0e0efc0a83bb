from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.roles import EINDREDACTEUR, VERSLAGGEVER
from feedback.models import ArticleUsefulness, TypoReport, Vote
from tests.factories import ArticleFactory, SectionFactory, UserFactory, save_change

pytestmark = pytest.mark.django_db

USEFULNESS = reverse("admin:feedback_articleusefulness_changelist")
INBOX = reverse("admin:feedback_typoreport_changelist")


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(username="eva", role=EINDREDACTEUR))
    return client


def votes(article, yes=0, no=0, reason=""):
    start = Vote.objects.count()
    Vote.objects.bulk_create(
        [
            Vote(
                article=article,
                reader_hash=f"{start + i:064d}",
                useful=i < yes,
                reason="" if i < yes else reason,
                revision_number=1,
            )
            for i in range(yes + no)
        ]
    )


def report(article, quote="trein", **fields):
    return TypoReport.objects.create(
        article=article,
        revision_number=article.revision_number,
        quote=quote,
        context_before="De minister zei dat de ",
        context_after=" vaker gaat rijden.",
        **fields,
    )


class TestUsefulness:
    def test_it_counts_yes_no_share_and_the_wilson_lower_bound(self):
        article = ArticleFactory()
        votes(article, yes=9, no=1)
        row = ArticleUsefulness.objects.with_usefulness().get(pk=article.pk)
        assert (row.votes_yes, row.votes_no, row.votes_total) == (9, 1, 10)
        assert row.share_yes == pytest.approx(0.9)
        assert row.wilson_lower == pytest.approx(0.5958, abs=1e-3)

    def test_nine_of_ten_ranks_above_one_of_one(self):
        many, one = ArticleFactory(), ArticleFactory()
        votes(many, yes=9, no=1)
        votes(one, yes=1)
        ranked = ArticleUsefulness.objects.with_usefulness().order_by("-wilson_lower")
        assert list(ranked) == [many, one]

    def test_editors_see_most_useful_first_with_reasons(self, editor):
        good, bad = ArticleFactory(headline="Goed stuk"), ArticleFactory(headline="Matig stuk")
        votes(good, yes=8, no=1, reason="unclear")
        votes(bad, yes=1, no=6, reason="incomplete")
        ArticleFactory(headline="Zonder stemmen")
        html = editor.get(USEFULNESS).content.decode()
        assert html.index("Goed stuk") < html.index("Matig stuk")
        assert "Zonder stemmen" not in html
        assert "onvolledig 6" in html
        assert "89%" in html

    def test_sorting_the_wilson_column_ascending_lists_the_least_useful_first(self, editor):
        good, bad = ArticleFactory(headline="Goed stuk"), ArticleFactory(headline="Matig stuk")
        votes(good, yes=8)
        votes(bad, no=8)
        html = editor.get(USEFULNESS, {"o": "7"}).content.decode()
        assert html.index("Matig stuk") < html.index("Goed stuk")

    def test_it_filters_by_the_last_7_days_and_by_section(self, editor):
        sport = SectionFactory(name="Sport", slug="sport")
        recent = ArticleFactory(headline="Vers nieuws", section=sport)
        old = ArticleFactory(
            headline="Oud nieuws", published_at=timezone.now() - timedelta(days=20)
        )
        votes(recent, yes=1)
        votes(old, yes=1)
        week = editor.get(USEFULNESS, {"days": "7"}).content.decode()
        assert "Vers nieuws" in week and "Oud nieuws" not in week
        month = editor.get(USEFULNESS, {"days": "30"}).content.decode()
        assert "Vers nieuws" in month and "Oud nieuws" in month
        section = editor.get(USEFULNESS, {"section__id__exact": old.section_id}).content
        assert b"Oud nieuws" in section and b"Vers nieuws" not in section

    def test_the_list_uses_a_fixed_number_of_queries(self, editor, django_assert_num_queries):
        for _ in range(20):
            votes(ArticleFactory(section=SectionFactory()), yes=3, no=2, reason="wrong")
        # session, user, user's and groups' permissions (4), section filter (1),
        # count and filtered count (2), the page with every count in one query (1)
        with django_assert_num_queries(8):
            response = editor.get(USEFULNESS)
        assert b"fout in het artikel 2" in response.content

    def test_the_explanations_of_one_article_are_listed(self, editor):
        article = ArticleFactory()
        Vote.objects.create(
            article=article,
            reader_hash="b" * 64,
            useful=False,
            reason="wrong",
            comment="<b>Het jaartal klopt niet</b>",
            revision_number=1,
        )
        url = reverse("admin:feedback_vote_changelist") + f"?article__id__exact={article.pk}"
        html = editor.get(url).content.decode()
        assert "&lt;b&gt;Het jaartal klopt niet&lt;/b&gt;" in html

    def test_reporters_do_not_see_the_feedback(self, client):
        client.force_login(UserFactory(username="victor", role=VERSLAGGEVER))
        assert client.get(USEFULNESS).status_code == 403
        assert client.get(INBOX).status_code == 403


class TestInbox:
    def test_it_shows_the_quote_highlighted_in_its_context_and_escaped(self, editor):
        article = ArticleFactory(body="<p>De minister zei dat de trein vaker gaat rijden.</p>")
        report(article, quote="<script>x</script>")
        html = editor.get(INBOX).content.decode()
        assert "De minister zei dat de <mark>&lt;script&gt;x&lt;/script&gt;</mark>" in html
        assert "<script>x</script>" not in html
        edit = reverse("admin:articles_article_change", args=[article.pk])
        assert f'href="{edit}?typo=' in html

    def test_it_filters_by_status(self, editor):
        article = ArticleFactory()
        report(article, quote="open melding")
        report(article, quote="afgewezen melding", status=TypoReport.Status.REJECTED)
        html = editor.get(INBOX, {"status__exact": "new"}).content.decode()
        assert "open melding" in html and "afgewezen melding" not in html

    def test_a_quote_gone_from_the_article_is_flagged_possibly_fixed(self, editor):
        article = ArticleFactory(body="<p>De minister zei dat de trein vaker gaat rijden.</p>")
        still = report(article, quote="trein")
        gone = report(article, quote="trien")
        assert (still.possibly_fixed, gone.possibly_fixed) == (False, True)
        html = editor.get(INBOX, {"text": "possibly_fixed"}).content.decode()
        assert "trien" in html and "trein</mark>" not in html

    def test_one_action_closes_fixed_reports_and_links_the_fixing_revision(self, editor):
        article = ArticleFactory(body="<p>De minister zei dat de trien vaker gaat rijden.</p>")
        fixed = report(article, quote="trien")
        open_one = report(article, quote="minister")
        article.body = "<p>De minister zei dat de trein vaker gaat rijden.</p>"
        save_change(article)
        response = editor.post(
            INBOX,
            {"action": "close_fixed", "_selected_action": [fixed.pk, open_one.pk]},
            follow=True,
        )
        assert "1 melding gesloten als verbeterd." in response.content.decode()
        assert "1 melding overgeslagen" in response.content.decode()
        fixed.refresh_from_db()
        open_one.refresh_from_db()
        assert (fixed.status, fixed.fixed_in_revision) == ("fixed", article.revision_number)
        assert (open_one.status, open_one.fixed_in_revision) == ("new", None)

    def test_statuses_move_from_new_to_in_progress_to_rejected(self, editor):
        one = report(ArticleFactory())
        editor.post(INBOX, {"action": "mark_in_progress", "_selected_action": [one.pk]})
        one.refresh_from_db()
        assert one.status == TypoReport.Status.IN_PROGRESS
        editor.post(INBOX, {"action": "mark_rejected", "_selected_action": [one.pk]})
        one.refresh_from_db()
        assert one.status == TypoReport.Status.REJECTED

    def test_the_inbox_uses_a_fixed_number_of_queries(self, editor, django_assert_num_queries):
        for _ in range(20):
            report(ArticleFactory(section=SectionFactory()))
        # session, user, user's and groups' permissions (4), section filter (1),
        # count and filtered count (2), the page with articles (1), date hierarchy (2)
        with django_assert_num_queries(10):
            response = editor.get(INBOX)
        assert response.content.count(b'class="action-select"') == 20

    def test_a_report_opens_with_only_the_status_editable(self, editor):
        one = report(ArticleFactory(), name="<i>Piet</i>")
        html = editor.get(reverse("admin:feedback_typoreport_change", args=[one.pk])).content
        assert b'name="status"' in html
        assert b'name="quote"' not in html
        assert b"&lt;i&gt;Piet&lt;/i&gt;" in html
