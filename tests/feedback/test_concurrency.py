"""Votes under real concurrency: separate connections writing at once (PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from feedback import services
from feedback.models import Vote
from tests.factories import ArticleFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers; concurrency is tested on PostgreSQL",
    ),
]
THREADS = 8


def vote_in_parallel(article, readers: list[str], useful=lambda i: i % 3 != 0) -> None:
    def cast(batch: list[tuple[int, str]]) -> None:
        try:
            for i, reader in batch:
                services.vote_record(
                    article=article, reader=reader, useful=useful(i), revision_number=1
                )
        finally:
            connections.close_all()

    batches = [list(enumerate(readers))[n::THREADS] for n in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        for future in [pool.submit(cast, batch) for batch in batches]:
            future.result()


def test_a_thousand_parallel_votes_are_a_thousand_stored_votes():
    article = ArticleFactory()
    vote_in_parallel(article, [f"{n:064x}" for n in range(1000)])
    assert Vote.objects.filter(article=article).count() == 1000
    assert Vote.objects.filter(article=article, useful=True).count() == 666


def test_one_reader_voting_in_parallel_keeps_one_vote():
    article = ArticleFactory()
    vote_in_parallel(article, ["f" * 64] * 200)
    assert Vote.objects.filter(article=article).count() == 1
