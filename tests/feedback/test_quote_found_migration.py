"""The data migration that marks stored typo reports whose quote was never in the article."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(feedback_migration: str):
    executor = MigrationExecutor(connection)
    articles = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "articles"]
    targets = [*articles, ("feedback", feedback_migration)]
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_schema():
    apps = migrate("0004_header_text_checks")
    try:
        yield apps
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )


def test_a_quote_is_looked_up_in_the_revision_the_reader_saw(old_schema):
    get = old_schema.get_model
    section = get("articles", "Section").objects.create(name="Binnenland", slug="binnenland")
    article = get("articles", "Article").objects.create(
        section=section,
        headline="Kop",
        slug="kop",
        lede="Lede.",
        body="<p>De minister en de trein.</p>",
        status="published",
        published_at=timezone.now() - timedelta(hours=1),
        revision_number=2,
    )
    for number, body in [(1, "<p>De minister en de trien.</p>"), (2, article.body)]:
        get("articles", "Revision").objects.create(
            article=article,
            number=number,
            created_at=timezone.now(),
            section=section,
            headline="Kop",
            slug="kop",
            lede="Lede.",
            body=body,
            status="published",
            published_at=article.published_at,
            reading_time=1,
        )
    OldReport = get("feedback", "TypoReport")
    fixed = OldReport.objects.create(article=article, revision_number=1, quote="trien")
    never = OldReport.objects.create(article=article, revision_number=1, quote="trijn")
    live = OldReport.objects.create(article=article, revision_number=2, quote="minister")

    TypoReport = migrate("0005_typo_quote_found_and_thanks").get_model("feedback", "TypoReport")
    found = dict(TypoReport.objects.values_list("pk", "quote_found"))
    assert found == {fixed.pk: True, never.pk: False, live.pk: True}
