"""A database that cannot be reached gives readers a quick Dutch 503, never the 500 page."""

import os
import sqlite3
import subprocess
import sys

import psycopg
import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from psycopg_pool import PoolTimeout

from tests.factories import ArticleFactory
from tests.test_project import PRODUCTION_ENV, ROOT

pytestmark = pytest.mark.django_db

UNAVAILABLE = "<h1>Even niet beschikbaar</h1>"


def unreachable(*args, **kwargs):
    """What Django raises with PostgreSQL stopped: psycopg's error, wrapped."""
    raise OperationalError("connection refused") from psycopg.OperationalError(
        "connection failed: Connection refused"
    )


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


@pytest.fixture
def article_page(monkeypatch):
    """The article page, whose rendering fails as it does with PostgreSQL stopped."""
    monkeypatch.setattr("articles.views.news_article", unreachable)
    return ArticleFactory().get_absolute_url()


def test_a_view_that_cannot_reach_the_database_answers_503_with_retry_after(reader, article_page):
    response = reader.get(article_page)
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert UNAVAILABLE in html and "Probeer het over een halve minuut opnieuw." in html
    assert "<title>Even niet beschikbaar · Kopij</title>" in html


def test_the_503_is_kept_by_no_cache(reader, article_page):
    response = reader.get(article_page)
    assert "no-store" in response["Cache-Control"]
    assert "xkey" not in response and "X-Page-Cache" not in response


def test_a_pool_timeout_is_an_outage(reader, monkeypatch):
    def no_connection(*args, **kwargs):
        raise OperationalError("no connection") from PoolTimeout(
            "couldn't get a connection after 3.00 sec"
        )

    monkeypatch.setattr("articles.views.news_article", no_connection)
    assert reader.get(ArticleFactory().get_absolute_url()).status_code == 503


def test_a_closed_connection_is_an_outage(reader, monkeypatch):
    def closed(*args, **kwargs):
        raise InterfaceError("closed") from psycopg.InterfaceError("the connection is closed")

    monkeypatch.setattr("articles.views.news_article", closed)
    assert reader.get(ArticleFactory().get_absolute_url()).status_code == 503


def test_search_says_unavailable_rather_than_no_results(reader, monkeypatch):
    monkeypatch.setattr("articles.views.search_articles", unreachable)
    response = reader.get("/zoeken/?q=trein")
    assert (response.status_code, response["Retry-After"]) == (503, "30")


def test_a_middleware_that_cannot_reach_the_database_answers_503_too(reader, monkeypatch):
    # Outside any view process_exception is not asked: handler500 sees the cause.
    monkeypatch.setattr("edge.pagecache.fetch", unreachable)
    response = reader.get("/")
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert UNAVAILABLE in response.content.decode()


def wrapped(django_error, driver_error):
    try:
        raise django_error from driver_error
    except Exception as error:
        return error


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("a bug, not an outage"),
        # A query that failed with the server up (a statement timeout) is no outage,
        wrapped(OperationalError("canceled"), psycopg.errors.QueryCanceled("statement timeout")),
        # nor is what SQLite raises: a bug or contention.
        wrapped(OperationalError("no such table"), sqlite3.OperationalError("no such table")),
    ],
    ids=["bug", "query-canceled", "sqlite"],
)
def test_other_errors_still_get_the_500_page(reader, monkeypatch, error):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("articles.views.news_article", fail)
    response = reader.get(ArticleFactory().get_absolute_url())
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_readers_wait_at_most_three_seconds_for_a_postgresql_connection_by_default():
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS']['pool']['timeout'])"
    )
    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "DATABASE_URL": "postgres://kopij@db:5432/kopij",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    env.pop("DATABASE_POOL_TIMEOUT", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert float(result.stdout) == 3, result.stderr
