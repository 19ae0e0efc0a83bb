"""The outbox of background work (newsroom.outbox): record first, then ask the broker."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from newsroom import outbox
from newsroom.celery import app
from newsroom.models import OutboxTask

pytestmark = pytest.mark.django_db

RAN: list[str] = []


@shared_task(name="tests.outbox_probe")
def probe(word: str) -> str:
    RAN.append(word)
    if word == "kapot":
        raise ValueError("the task itself fails")
    return word


@pytest.fixture(autouse=True)
def _fresh_runs():
    RAN.clear()


@pytest.fixture
def broker(monkeypatch):
    """Tasks go to a broker (not run in process); `broker.down` makes every hand-over fail."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)

    class Broker:
        down = False
        sent: list[tuple] = []

        def apply_async(self, args, **options):
            if self.down:
                raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")
            self.sent.append((tuple(args), options["task_id"]))

    fake = Broker()
    fake.sent = []
    monkeypatch.setattr(probe, "apply_async", fake.apply_async)
    return fake


def age(row, **delta):
    OutboxTask.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(**delta))


def test_the_work_is_recorded_in_the_transaction_before_the_broker_is_asked(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        row = outbox.enqueue_on_commit(probe, "hallo")
        assert OutboxTask.objects.filter(pk=row.pk, task="tests.outbox_probe").exists()
        assert broker.sent == []
    assert OutboxTask.objects.get().args == ["hallo"]
    assert broker.sent == []
    callbacks[0]()
    assert broker.sent == [(("hallo",), f"outbox-{row.pk}")]
    row.refresh_from_db()
    assert (row.published_at is not None, row.attempts) == (True, 1)


def test_a_rolled_back_change_leaves_no_work_and_asks_no_broker(
    broker, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue_on_commit(probe, "hallo")
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not OutboxTask.objects.exists()
    assert broker.sent == []


def test_a_broker_error_is_logged_and_never_raised(
    broker, caplog, django_capture_on_commit_callbacks
):
    broker.down = True
    with (
        caplog.at_level(logging.WARNING, logger="newsroom.outbox"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        row = outbox.enqueue_on_commit(probe, "hallo")
    assert "Broker unavailable" in caplog.text
    row.refresh_from_db()
    assert (row.published_at, row.attempts) == (None, 0)
    assert "Connection refused" in row.error


def test_after_a_broker_error_the_process_leaves_hand_overs_to_the_sweep_for_a_while(
    broker, django_capture_on_commit_callbacks
):
    """An outage then costs readers no time, and no timing tells addresses apart."""
    broker.down = True
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_on_commit(probe, "een")
    broker.down = False
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_on_commit(probe, "twee")
    assert broker.sent == []
    assert OutboxTask.objects.filter(published_at=None).count() == 2


def test_a_task_that_succeeds_deletes_its_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_on_commit(probe, "hallo")  # run in process (tests are eager)
    assert RAN == ["hallo"]
    assert not OutboxTask.objects.exists()


def test_a_task_that_fails_keeps_its_row_and_never_raises_to_the_caller(
    caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.ERROR, logger="newsroom.outbox"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox.enqueue_on_commit(probe, "kapot")
    assert "Task tests.outbox_probe('kapot',) failed" in caplog.text
    assert RAN == ["kapot"]
    assert OutboxTask.objects.get().error == "the task itself fails"


class TestSweep:
    def test_it_hands_over_what_the_broker_did_not_take(self, broker):
        row = OutboxTask.objects.create(task=probe.name, args=["hallo"])
        age(row, minutes=1)
        assert outbox.outbox_sweep() == 1
        assert broker.sent == [(("hallo",), f"outbox-{row.pk}")]
        row.refresh_from_db()
        assert row.attempts == 1 and row.published_at is not None

    def test_it_hands_over_once_even_when_run_again_at_once(self, broker):
        row = OutboxTask.objects.create(task=probe.name, args=["hallo"])
        age(row, minutes=1)
        assert outbox.outbox_sweep() == 1
        assert outbox.outbox_sweep() == 0
        assert len(broker.sent) == 1

    def test_it_leaves_fresh_rows_to_their_own_hand_over(self, broker):
        OutboxTask.objects.create(task=probe.name, args=["hallo"])
        assert outbox.outbox_sweep() == 0
        assert broker.sent == []

    def test_it_hands_over_again_a_task_the_broker_took_long_ago_and_no_worker_finished(
        self, broker, settings
    ):
        long_ago = timezone.now() - timedelta(minutes=settings.OUTBOX_REQUEUE_AFTER_MINUTES + 1)
        lost = OutboxTask.objects.create(
            task=probe.name, args=["kwijt"], published_at=long_ago, attempts=1
        )
        OutboxTask.objects.create(
            task=probe.name, args=["onderweg"], published_at=timezone.now(), attempts=1
        )
        assert outbox.outbox_sweep() == 1
        assert broker.sent == [(("kwijt",), f"outbox-{lost.pk}")]
        assert OutboxTask.objects.get(pk=lost.pk).attempts == 2

    def test_it_stops_at_a_broker_error_and_keeps_the_rows_for_the_next_sweep(self, broker):
        for word in ["een", "twee"]:
            age(OutboxTask.objects.create(task=probe.name, args=[word]), minutes=1)
        broker.down = True
        assert outbox.outbox_sweep() == 0
        assert list(OutboxTask.objects.values_list("published_at", "attempts")) == [(None, 0)] * 2
        broker.down = False
        assert outbox.outbox_sweep() == 2

    def test_it_tries_the_broker_even_while_hand_overs_are_paused(
        self, broker, django_capture_on_commit_callbacks
    ):
        broker.down = True
        with django_capture_on_commit_callbacks(execute=True):
            row = outbox.enqueue_on_commit(probe, "hallo")
        broker.down = False
        age(row, minutes=1)
        assert outbox.outbox_sweep() == 1
        assert broker.sent == [(("hallo",), f"outbox-{row.pk}")]

    def test_it_gives_up_after_the_last_attempt(self, broker, settings):
        long_ago = timezone.now() - timedelta(days=1)
        OutboxTask.objects.create(
            task=probe.name,
            args=["hallo"],
            published_at=long_ago,
            attempts=settings.OUTBOX_MAX_ATTEMPTS,
        )
        assert outbox.outbox_sweep() == 0
        assert broker.sent == []

    def test_a_row_naming_no_known_task_is_logged_and_left_alone(self, broker, caplog):
        row = OutboxTask.objects.create(task="bestaat.niet", args=[1])
        age(row, minutes=1)
        with caplog.at_level(logging.ERROR, logger="newsroom.outbox"):
            assert outbox.outbox_sweep() == 0
            assert "names no known task" in caplog.text
            assert outbox.outbox_sweep() == 0
        assert caplog.text.count("names no known task") == 1

    def test_beat_runs_it_every_minute(self, settings):
        app.loader.import_default_modules()
        [entry] = [
            entry
            for entry in settings.CELERY_BEAT_SCHEDULE.values()
            if entry["task"] == "newsroom.tasks.sweep_outbox"
        ]
        assert entry["task"] in app.tasks
        assert entry["schedule"] == 60.0


def test_a_task_handed_over_by_both_the_sweep_and_a_late_commit_runs_twice_and_leaves_no_row(
    django_capture_on_commit_callbacks,
):
    """So tasks must claim what they send (tests of each task: nothing is sent twice)."""
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        row = outbox.enqueue_on_commit(probe, "hallo")
    age(row, minutes=1)
    with mock.patch.object(probe, "apply_async", wraps=probe.apply_async) as apply_async:
        assert outbox.outbox_sweep() == 1
        callbacks[0]()  # the hand-over on commit comes late
    assert apply_async.call_count == 2
    assert RAN == ["hallo", "hallo"]
    assert not OutboxTask.objects.exists()
