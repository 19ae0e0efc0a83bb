"""Purges: recorded, sent to every Varnish node after commit, retried, failures shown to editors."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from edge import tags
from edge.models import Purge
from edge.purging import content_changed
from tests.edge.conftest import PurgeRecorder
from tests.factories import SectionFactory, UserFactory
from tests.worker_process import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_without_purge_urls_nothing_is_recorded_or_sent(settings, on_commit, varnish_node):
    settings.CACHE_PURGE_URLS = []
    with on_commit():
        content_changed({tags.HOME})
    assert not Purge.objects.exists()
    assert varnish_node.purges == []


def test_a_change_is_purged_by_tag_from_every_node(settings, on_commit, varnish_node):
    second = PurgeRecorder()
    threading.Thread(target=second.serve_forever, daemon=True).start()
    settings.CACHE_PURGE_URLS = [varnish_node.url, second.url]
    with on_commit():
        content_changed({tags.article(7), tags.HOME})
    second.shutdown()
    assert varnish_node.purges == second.purges == [("/", "article-7 home")]
    purge = Purge.objects.get()
    assert (purge.state, purge.tags) == ("done", "article-7 home")
    assert purge.done_urls == [varnish_node.url, second.url]


def test_every_save_of_one_transaction_makes_one_purge(settings, on_commit, varnish_node):
    settings.CACHE_PURGE_URLS = [varnish_node.url]
    with on_commit():
        content_changed({tags.article(1)})
        content_changed({tags.article(2), tags.HOME})
    assert varnish_node.purges == [("/", "article-1 article-2 home")]


def finished(purge: Purge, seconds: float = 15) -> Purge:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        purge.refresh_from_db()
        if purge.state != Purge.State.PENDING:
            return purge
        time.sleep(0.05)
    raise AssertionError(f"purge still pending after {seconds} s")


@pytest.fixture
def quick_retries(settings):
    settings.CACHE_PURGE_RETRY_SECONDS = 0


def test_a_node_that_is_down_is_retried_and_the_others_are_not_purged_twice(
    settings, celery_worker, quick_retries, varnish_node
):
    down = f"http://127.0.0.1:{free_port()}/"
    settings.CACHE_PURGE_URLS = [varnish_node.url, down]
    content_changed({tags.NAV})
    purge = finished(Purge.objects.get())
    # One try and six retries, all refused: failed for good, and the admin says why.
    assert purge.attempts == 7
    assert purge.state == Purge.State.FAILED
    assert down in purge.error and "refused" in purge.error.lower()
    assert varnish_node.purges == [("/", "nav")]


def test_a_node_answering_an_error_counts_as_failed(
    settings, celery_worker, quick_retries, varnish_node
):
    settings.CACHE_PURGE_URLS = [varnish_node.url]
    varnish_node.status = 403
    content_changed({tags.NAV})
    assert finished(Purge.objects.get()).state == Purge.State.FAILED
    assert len(varnish_node.purges) == 7


def test_a_node_back_within_the_retries_is_purged(
    settings, celery_worker, quick_retries, varnish_node
):
    settings.CACHE_PURGE_URLS = [varnish_node.url]
    varnish_node.status = 503
    content_changed({tags.HOME})
    while len(varnish_node.purges) < 2:
        time.sleep(0.01)
    varnish_node.status = 200
    purge = finished(Purge.objects.get())
    assert purge.state == Purge.State.DONE
    assert purge.error == ""


def test_a_purge_is_recorded_with_the_change_and_the_outbox_sends_it_after_an_outage(
    settings, varnish_node, broker_down, transactional_db
):
    from newsroom.models import OutboxTask
    from newsroom.outbox import outbox_sweep

    settings.CACHE_PURGE_URLS = [varnish_node.url]
    with transaction.atomic():
        content_changed({tags.HOME})
        content_changed({tags.FEEDS})
        # Recorded in the change's own transaction, one row for all of it.
        assert Purge.objects.get().tags == "feeds home"
    assert Purge.objects.get().state == Purge.State.PENDING
    broker_down.stop()
    assert outbox_sweep(now=timezone.now() + timedelta(minutes=5)) == 1
    assert Purge.objects.get().state == Purge.State.DONE
    assert varnish_node.purges == [("/", "feeds home")]
    assert not OutboxTask.objects.exists()


def test_a_rolled_back_change_purges_nothing(settings, varnish_node, transactional_db):
    settings.CACHE_PURGE_URLS = [varnish_node.url]
    with pytest.raises(RuntimeError), transaction.atomic():
        content_changed({tags.HOME})
        raise RuntimeError
    with transaction.atomic():
        content_changed({tags.NAV})
    assert varnish_node.purges == [("/", "nav")]
    assert list(Purge.objects.values_list("tags", flat=True)) == ["nav"]


def test_editors_see_failed_purges_and_may_not_make_them(client):
    Purge.objects.create(tags="section-3", state=Purge.State.FAILED, error="refused")
    client.force_login(UserFactory(role="Eindredacteur"))
    page = client.get("/admin/edge/purge/")
    assert "section-3" in page.content.decode()
    assert client.get("/admin/edge/purge/add/").status_code == 403


def test_a_chief_editor_sends_a_failed_purge_again(client, settings, varnish_node, on_commit):
    settings.CACHE_PURGE_URLS = [varnish_node.url]
    Purge.objects.create(tags="section-3", state=Purge.State.FAILED, error="refused")
    client.force_login(UserFactory(role="Hoofdredactie"))
    purge = Purge.objects.get()
    with on_commit():
        client.post("/admin/edge/purge/", {"action": "send_again", "_selected_action": [purge.pk]})
    purge.refresh_from_db()
    assert purge.state == Purge.State.DONE
    assert varnish_node.purges == [("/", "section-3")]


def test_a_section_save_purges_the_navigation_everywhere(settings, on_commit, varnish_node):
    settings.CACHE_PURGE_URLS = [varnish_node.url]
    section = SectionFactory()
    varnish_node.purges.clear()
    section.name = "Politiek"
    with on_commit():
        section.save()
    assert varnish_node.purges == [("/", f"feeds nav section-{section.pk} sitemaps")]


def test_the_article_list_warns_editors_of_failed_purges(client):
    Purge.objects.create(tags="article-1", state=Purge.State.FAILED, error="refused")
    client.force_login(UserFactory(role="Eindredacteur"))
    page = client.get("/admin/articles/article/").content.decode()
    assert "1 cachepurge is de afgelopen 24 uur mislukt" in page
