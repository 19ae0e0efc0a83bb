"""The data migration that gives revisions saved before 0008 author ids and photos."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0007_merge_revisions_and_images")]
AFTER = [("articles", "0008_revision_authors_and_photos")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_schema():
    apps = migrate(BEFORE)
    try:
        yield apps
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_old_revisions_get_author_ids_by_name_and_the_newest_the_current_photos(old_schema):
    get = old_schema.get_model
    section = get("articles", "Section").objects.create(name="Binnenland", slug="binnenland")
    Author = get("articles", "Author")
    anne = Author.objects.create(name="Anne de Vries", slug="anne")
    Author.objects.create(name="Jan Smit", slug="jan-1")
    Author.objects.create(name="Jan Smit", slug="jan-2")
    image = get("articles", "Image").objects.create(
        file="images/dijk.jpg", width=10, height=10, alt="Een dijk", caption="", credit="ANP"
    )
    article = get("articles", "Article").objects.create(
        section=section,
        headline="Kop",
        slug="kop",
        lede="Lede.",
        body="<p>Tekst.</p>",
        status="published",
        published_at=timezone.now() - timedelta(hours=1),
        lead_image=image,
        revision_number=2,
    )
    article.authors.set([anne])
    get("articles", "InlineImage").objects.create(article=article, image=image, after_paragraph=1)
    OldRevision = get("articles", "Revision")
    for number, names in [(1, ["Anne de Vries", "Jan Smit"]), (2, ["Anne de Vries"])]:
        OldRevision.objects.create(
            article=article,
            number=number,
            created_at=timezone.now(),
            section=section,
            headline="Kop",
            slug="kop",
            lede="Lede.",
            body="<p>Tekst.</p>",
            author_names=names,
            status="published",
            published_at=article.published_at,
            reading_time=1,
        )

    # The model as it was then: later migrations add fields this schema does not have yet.
    Revision = migrate(AFTER).get_model("articles", "Revision")
    first, newest = Revision.objects.get(number=1), Revision.objects.get(number=2)
    # Two authors are called Jan Smit: that name keeps no id rather than a wrong one.
    assert first.authors == [
        {"id": anne.pk, "name": "Anne de Vries"},
        {"id": None, "name": "Jan Smit"},
    ]
    assert first.images is None
    photo = {"id": image.pk, "alt": "Een dijk", "caption": "", "credit": "ANP"}
    assert newest.images == {"lead": photo, "inline": [{**photo, "after_paragraph": 1}]}
