"""Two editors saving the same article at the same moment: one wins, nothing is lost."""

import threading

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import connection

from articles import services
from articles.models import Article
from articles.roles import EINDREDACTEUR, sync_roles
from tests.factories import ArticleFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="SQLite's in-memory test database reports a locked table instead of waiting",
    ),
]


def test_of_two_simultaneous_saves_from_the_same_version_exactly_one_is_stored():
    # Transactional tests flush the tables, the groups of the data migration included.
    sync_roles(Group, Permission)
    editor = UserFactory(username="eva", role=EINDREDACTEUR)
    article = ArticleFactory(headline="Origineel")
    version = article.revision_number
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(headline: str) -> None:
        copy = Article.objects.get(pk=article.pk)
        copy.headline = headline
        start.wait()
        try:
            services.article_save(article=copy, by=editor, kind="typo", expected_revision=version)
            outcomes[headline] = "saved"
        except services.StaleEdit:
            outcomes[headline] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(h,)) for h in ("Kop A", "Kop B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(h for h, outcome in outcomes.items() if outcome == "saved")
    article.refresh_from_db()
    assert article.headline == winner
    assert article.revisions.count() == 2
