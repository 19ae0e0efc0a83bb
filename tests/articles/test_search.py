"""Reader search at /zoeken/: Dutch full-text search on PostgreSQL, a fallback elsewhere."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from articles.search import search_articles
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Dutch full-text search needs PostgreSQL (SQLite uses the simple fallback)",
)


def headlines(response) -> list[str]:
    return [article.headline for article in response.context["page_obj"]]


class TestSearchPage:
    def test_it_finds_articles_by_a_word_in_the_headline_lede_or_body(self, client):
        ArticleFactory(headline="Treinen rijden weer", lede="Na de staking.", body="<p>x</p>")
        ArticleFactory(headline="Iets anders", lede="Over treinen gesproken.", body="<p>x</p>")
        ArticleFactory(headline="Nog iets", lede="Niets.", body="<p>De treinen staan stil.</p>")
        ArticleFactory(headline="Weer", lede="Zon.", body="<p>Warm.</p>")
        response = client.get("/zoeken/", {"q": "treinen"})
        assert response.status_code == 200
        assert sorted(headlines(response)) == ["Iets anders", "Nog iets", "Treinen rijden weer"]
        assert "3 resultaten voor „treinen”" in response.content.decode()

    def test_drafts_and_scheduled_articles_are_never_found(self, client):
        ArticleFactory(headline="Geheim concept", status="draft")
        ArticleFactory(
            headline="Geheim gepland",
            status="scheduled",
            published_at=timezone.now() + timedelta(hours=1),
        )
        assert headlines(client.get("/zoeken/", {"q": "geheim"})) == []

    def test_it_filters_by_section_and_period(self, client):
        sport = SectionFactory(name="Sport", slug="sport")
        ArticleFactory(headline="Ajax wint ruim", section=sport)
        ArticleFactory(headline="Ajax en de beurs")
        ArticleFactory(
            headline="Ajax wint in 2020",
            section=sport,
            published_at=timezone.now() - timedelta(days=400),
        )
        in_sport = client.get("/zoeken/", {"q": "ajax", "section": "sport"})
        assert sorted(headlines(in_sport)) == ["Ajax wint in 2020", "Ajax wint ruim"]
        this_week = client.get("/zoeken/", {"q": "ajax", "section": "sport", "period": "week"})
        assert headlines(this_week) == ["Ajax wint ruim"]

    def test_it_is_paginated_keeping_the_filters(self, client):
        for number in range(23):
            ArticleFactory(headline=f"Verkiezingen deel {number}")
        first = client.get("/zoeken/", {"q": "verkiezingen", "period": "year"})
        assert len(headlines(first)) == 20
        assert 'href="?q=verkiezingen&amp;period=year&amp;page=2"' in first.content.decode()
        second = client.get("/zoeken/", {"q": "verkiezingen", "period": "year", "page": 2})
        assert len(headlines(second)) == 3

    def test_without_a_query_it_shows_only_the_form(self, client):
        response = client.get("/zoeken/")
        assert response.status_code == 200
        assert response.context["page_obj"] is None
        assert 'role="search"' in response.content.decode()

    @pytest.mark.parametrize(
        "params",
        [
            {"q": ""},
            {"q": "   "},
            {"q": "a" * 1000},
            {"q": "woord " * 300},
            {"q": "!!! ??? ... ,,, ;;;"},
            {"q": "de het een"},
            {"q": "& | ! <-> ( ) : * ' \" -"},
            {"q": 'ajax OR -"feyenoord" & !(psv | az) <2> foo:*'},
            {"q": "escape\x1b[31m en \x7f"},  # NUL is a 400 for every page (test_bad_input)
            {"q": "%_\\"},
            {"q": "x", "section": "bestaat-niet", "period": "eeuw", "page": "-1"},
            {"q": "x", "page": "abc"},
            {"q": "x", "page": "99999"},
        ],
        ids=lambda params: repr(params)[:30],
    )
    def test_odd_queries_give_a_normal_page(self, client, params):
        ArticleFactory(headline="Ajax wint")
        response = client.get("/zoeken/", params)
        assert response.status_code == 200
        assert "Zoeken" in response.content.decode()

    def test_the_query_is_escaped_in_the_page(self, client):
        html = client.get("/zoeken/", {"q": "<script>alert(1)</script>"}).content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_snippets_escape_article_text(self, client):
        ArticleFactory(headline="Ongewone tekst", lede="Zoekterm <b>vet</b> & meer")
        html = client.get("/zoeken/", {"q": "zoekterm"}).content.decode()
        assert "<b>vet</b>" not in html

    def test_a_post_is_refused(self, client):
        assert client.post("/zoeken/", {"q": "x"}).status_code == 405


@postgresql_only
class TestDutchFullTextSearch:
    def test_stemming_finds_other_forms_of_the_word(self):
        ArticleFactory(headline="Ministers ontmoet in Brussel", lede="Kort.", body="<p>x</p>")
        assert [a.headline for a in search_articles(query="ontmoeten")] == [
            "Ministers ontmoet in Brussel"
        ]

    def test_a_match_in_the_headline_ranks_above_lede_above_body(self):
        ArticleFactory(headline="Over iets", lede="Kort.", body="<p>De haven groeit.</p>")
        ArticleFactory(headline="Haven groeit", lede="Kort.", body="<p>x</p>")
        ArticleFactory(headline="Nog iets", lede="De haven groeit.", body="<p>x</p>")
        assert [a.headline for a in search_articles(query="haven")] == [
            "Haven groeit",
            "Nog iets",
            "Over iets",
        ]

    def test_markup_of_the_body_is_not_searched(self):
        ArticleFactory(
            headline="Kort bericht", body='<p><a href="https://strong.example">link</a></p>'
        )
        assert list(search_articles(query="strong")) == []

    def test_snippets_highlight_the_match_from_the_body(self, client):
        ArticleFactory(
            headline="Nieuws",
            lede="Iets.",
            body="<p>Een lange tekst waarin de ministers elkaar <strong>ontmoet</strong> "
            "hebben &amp; spraken.</p>",
        )
        html = client.get("/zoeken/", {"q": "ontmoeten"}).content.decode()
        assert "<mark>ontmoet</mark>" in html
        assert "&amp; spraken" in html
        assert "<strong>" not in html.split('class="search-results"')[1]

    def test_the_search_uses_the_gin_index(self):
        section = SectionFactory()
        published_at = timezone.now() - timedelta(hours=1)
        Article.objects.bulk_create(
            Article(
                section=section,
                headline=f"Gewoon bericht {number}",
                slug=f"gewoon-bericht-{number}",
                lede="Over het weer en de files.",
                body="<p>Het regent in het hele land.</p>",
                status=Article.Status.PUBLISHED,
                published_at=published_at,
            )
            for number in range(2000)
        )
        ArticleFactory(headline="Ministers ontmoet", section=section)
        with connection.cursor() as cursor:
            # What autovacuum does in production: new entries leave GIN's pending list.
            cursor.execute("SELECT gin_clean_pending_list('article_search_vector_idx')")
            cursor.execute("ANALYZE articles_article")
        plan = search_articles(query="ontmoeten").explain()
        assert "article_search_vector_idx" in plan, plan


class TestFallbackSnippets:
    def test_the_words_of_the_query_are_marked_in_the_lede(self):
        from articles.search import snippet

        article = ArticleFactory.build(lede="Treinen <rijden> weer & de TREIN is vol.")
        assert snippet(article, "trein") == (
            "<mark>Trein</mark>en &lt;rijden&gt; weer &amp; de <mark>TREIN</mark> is vol."
        )
