"""Search that scales and never fails: stemming on both databases, bounded ranking,
operator floods and database errors answered with a normal page."""

import logging

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from articles.demo import load_demo_content
from articles.search import search_articles
from articles.search_terms import fts5_match, parse, websearch
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def headlines(response) -> list[str]:
    return [article.headline for article in response.context["page_obj"]]


def test_a_search_for_verdragen_finds_the_demo_article_that_says_verdrag(client):
    load_demo_content()  # what `make run` serves, on SQLite there
    found = headlines(client.get("/zoeken/", {"q": "verdragen"}))
    assert found == [a.headline for a in search_articles(query="verdrag")]
    assert len(found) == 1 and found[0].startswith("Donaulanden sluiten in Wenen akkoord")


def test_a_stop_word_alone_finds_nothing_instead_of_everything(client):
    load_demo_content()
    assert headlines(client.get("/zoeken/", {"q": "de"})) == []
    assert headlines(client.get("/zoeken/", {"q": "de het een"})) == []


def test_a_headline_match_ranks_above_a_body_match():
    ArticleFactory(headline="Over iets", lede="Kort.", body="<p>De dijkgraaf spreekt.</p>")
    ArticleFactory(headline="Dijkgraaf treedt af", lede="Kort.", body="<p>x</p>")
    ArticleFactory(headline="Nog iets", lede="De dijkgraaf is weg.", body="<p>x</p>")
    assert [a.headline for a in search_articles(query="dijkgraaf")] == [
        "Dijkgraaf treedt af",
        "Nog iets",
        "Over iets",
    ]


def test_an_excluded_word_and_a_phrase_work_on_both_databases():
    ArticleFactory(headline="Haven van Rotterdam groeit")
    ArticleFactory(headline="Haven van Antwerpen groeit")
    assert [a.headline for a in search_articles(query="haven -antwerpen")] == [
        "Haven van Rotterdam groeit"
    ]
    assert [a.headline for a in search_articles(query='"antwerpen groeit"')] == [
        "Haven van Antwerpen groeit"
    ]


def test_a_word_in_every_article_ranks_only_the_newest_candidates(client, monkeypatch):
    monkeypatch.setattr("articles.search.CANDIDATES", 3)
    monkeypatch.setattr("articles.search_fts.CANDIDATES", 3)
    for number in range(6):
        ArticleFactory(headline=f"Kabinet besluit {number}")
    assert len(list(search_articles(query="kabinet"))) == 3


@pytest.mark.parametrize(
    "query",
    [
        "-" * 33,
        "-" * 5000,
        "!" * 300 + " & | <-> ( ) :*",
        "kabinet " + "-" * 300,
        "or or or",
        '"""""',
        " OR ".join(["kabinet"] * 200),
        "-kabinet -besluit",
    ],
    ids=lambda query: repr(query)[:24],
)
def test_operator_floods_answer_a_normal_page(client, query):
    ArticleFactory(headline="Kabinet besluit")
    response = client.get("/zoeken/", {"q": query})
    assert response.status_code == 200
    assert "Zoeken" in response.content.decode()


def test_a_query_without_words_never_reaches_the_database(client):
    client.get("/zoeken/")  # the navigation is kept in the process after this
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/zoeken/", {"q": "-" * 33})
    assert response.status_code == 200 and headlines(response) == []
    assert len(queries) == 0


def test_a_database_error_in_search_gives_an_empty_result_and_is_logged(client, caplog):
    ArticleFactory(headline="Kabinet besluit")
    client.get("/zoeken/")

    def fail_search(execute, sql, params, many, context):
        if "article_fts" in sql or "search_vector" in sql or "kabinet" in str(params):
            raise DatabaseError("tsquery stack too small")
        return execute(sql, params, many, context)

    with caplog.at_level(logging.ERROR), connection.execute_wrapper(fail_search):
        response = client.get("/zoeken/", {"q": "kabinet"})
    assert response.status_code == 200
    assert "Geen artikelen gevonden" in response.content.decode()
    assert "Search failed for 'kabinet'" in caplog.text


def test_queries_are_reduced_to_at_most_eight_plain_terms():
    terms = parse('ajax OR -"feyenoord  rotterdam" & !(psv | az) <2> foo:* ' + "x " * 50)
    assert websearch(terms) == 'ajax -"feyenoord rotterdam" psv az 2 foo x x'
    assert fts5_match(parse("Verdragen -de de")) == '"verdrag"'
    assert fts5_match(parse("kabinet or verdragen -brussel")) == (
        '"kabinet" OR "verdrag" NOT "brussel"'
    )
