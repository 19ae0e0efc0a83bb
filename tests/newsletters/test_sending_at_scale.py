"""What keeps a send of a million fast: the snapshot in one statement, parallel chains,
and a claim that does not slow down as the send goes on."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.policy import SYSTEM
from newsletters.models import Delivery, Subscriber
from newsletters.services import editions, sending
from tests.factories import ArticleFactory, EditionFactory, ImageFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return EditionFactory(articles=[ArticleFactory()])


def test_the_snapshot_takes_each_receiving_subscriber_once_and_a_second_one_adds_nothing(
    edition,
):
    receiving = SubscriberFactory.create_batch(3)
    SubscriberFactory(status="pending")
    SubscriberFactory(status="suppressed")
    assert sending.deliveries_snapshot(edition_id=edition.pk) == 3
    assert sending.deliveries_snapshot(edition_id=edition.pk) == 0
    rows = edition.deliveries.order_by("pk")
    assert [row.subscriber for row in rows] == sorted(receiving, key=lambda s: s.pk)
    assert {(row.status, row.attempts, row.error) for row in rows} == {("queued", 0, "")}


def test_batches_render_the_edition_again_only_when_something_it_shows_changed(
    edition, settings, mail_server, monkeypatch
):
    from newsletters import mail

    renders = []
    original = mail.render_edition
    monkeypatch.setattr(mail, "render_edition", lambda *args: renders.append(1) or original(*args))
    settings.NEWSLETTER_BATCH_SIZE = 1
    SubscriberFactory.create_batch(3)
    editions.edition_start_send(edition=edition, by=SYSTEM)
    sending.edition_send_batch(edition_id=edition.pk)
    sending.edition_send_batch(edition_id=edition.pk)
    assert len(renders) == 1
    image = ImageFactory(credit="Jan Jansen / ANP")
    Article.objects.filter(pk=edition.articles.get().pk).update(lead_image=image)
    sending.edition_send_batch(edition_id=edition.pk)
    assert len(renders) == 2
    first, _second, third = (m.get_body(("html",)).get_content() for m in mail_server.messages)
    assert "Jan Jansen / ANP" in third and "Jan Jansen / ANP" not in first


def test_two_chains_share_the_send_and_nobody_gets_it_twice(
    edition, settings, mail_server, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_SEND_CHAINS = 2
    settings.NEWSLETTER_BATCH_SIZE = 3
    subscribers = SubscriberFactory.create_batch(10)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        editions.edition_start_send(edition=edition, by=SYSTEM)
    assert len(callbacks) == 3  # two chains of batch tasks, and the archive's purge
    # The chains take turns, as two workers would; each ends when nothing is left.
    running = [True, True]
    while any(running):
        for chain, alive in enumerate(running):
            if alive:
                running[chain] = sending.edition_send_batch(edition_id=edition.pk) is not None
    assert Counter(mail_server.recipients()) == Counter(s.email for s in subscribers)
    edition.refresh_from_db()
    assert edition.status == "sent"


def test_resuming_a_paused_send_starts_as_many_chains(
    edition, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_SEND_CHAINS = 3
    SubscriberFactory()
    editions.edition_start_send(edition=edition, by=SYSTEM)
    editions.edition_pause(edition=edition, by=SYSTEM)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert editions.edition_resume(edition=edition, by=SYSTEM)
    assert len(callbacks) == 3


def reads_only_queued_rows(plan: str) -> bool:
    """The claim reads delivery rows through the partial index or an index on the status."""
    return "delivery_queued_idx" in plan or (
        "delivery_edition_status_idx" in plan and "status)::text = 'queued'" in plan
    )


def claim_plan(edition) -> str:
    with CaptureQueriesContext(connection) as queries:
        sending._claim_batch(edition.pk, 100)
    (claim,) = [query["sql"] for query in queries if "FOR UPDATE" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {claim}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def thousands():
    Subscriber.objects.bulk_create(
        Subscriber(email=f"lezer{number}@voorbeeld.nl", status="confirmed")
        for number in range(3000)
    )
    # Statistics from before the send: last week's edition only.
    sending.deliveries_snapshot(edition_id=EditionFactory(articles=[ArticleFactory()]).pk)


postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the plan is PostgreSQL's"
)


@postgresql
def test_right_after_the_snapshot_the_claim_reads_queued_rows_from_its_index(edition, thousands):
    sending.deliveries_snapshot(edition_id=edition.pk)
    plan = claim_plan(edition)
    # Not a sort of every row of the edition, as with the statistics from before.
    assert "delivery_queued_idx" in plan, plan
    assert "Sort" not in plan, plan


@postgresql
def test_at_the_end_of_a_send_the_claim_still_reads_only_queued_rows(edition, thousands):
    sending.deliveries_snapshot(edition_id=edition.pk)
    first = edition.deliveries.order_by("pk").values_list("pk", flat=True)[2700]
    edition.deliveries.filter(pk__lt=first).update(status=Delivery.Status.SENT)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE newsletters_delivery")
    plan = claim_plan(edition)
    # Not the primary key past the 2,700 rows already sent.
    assert reads_only_queued_rows(plan), plan
    assert "newsletters_delivery_pkey" not in plan, plan
