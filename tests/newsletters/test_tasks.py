import re
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from newsletters import tasks
from newsletters.models import ConsentRecord, Edition
from newsletters.services import subscribers
from newsletters.tokens import read_confirm_token
from tests.factories import ArticleFactory, EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def test_beat_runs_the_newsletter_jobs_on_amsterdam_time():
    schedule = {job["task"]: job["schedule"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assemble = schedule["newsletters.tasks.assemble_edition"]
    assert isinstance(assemble, crontab)
    assert (assemble.day_of_week, assemble.hour, assemble.minute) == ({5}, {6}, {0})
    for name in ("send_due_editions", "sweep_stuck_deliveries", "purge_unconfirmed_signups"):
        assert f"newsletters.tasks.{name}" in schedule
    assert settings.CELERY_TIMEZONE == "Europe/Amsterdam"
    app = tasks.assemble_edition.app
    app.loader.import_default_modules()  # what a worker does at start: autodiscover tasks
    assert all(name in app.tasks for name in schedule)


def longest_gap(schedule) -> timedelta:
    """The longest wait between two runs of a beat entry (seconds, or an hourly crontab)."""
    if isinstance(schedule, int | float):
        return timedelta(seconds=schedule)
    assert schedule.hour == set(range(24)), "only hourly patterns are measured here"
    minutes = sorted(schedule.minute)
    gaps = [b - a for a, b in zip(minutes, [*minutes[1:], minutes[0] + 60], strict=True)]
    return timedelta(minutes=max(gaps))


def test_the_sweep_runs_every_minute_so_a_crash_costs_at_most_the_threshold_and_a_minute():
    (sweep,) = [
        job["schedule"]
        for job in settings.CELERY_BEAT_SCHEDULE.values()
        if job["task"] == "newsletters.tasks.sweep_stuck_deliveries"
    ]
    assert longest_gap(sweep) <= timedelta(minutes=1)


def test_the_assemble_task_makes_this_weeks_edition_once():
    ArticleFactory(published_at=timezone.now() - timedelta(days=1))
    first = tasks.assemble_edition.delay().get()
    assert tasks.assemble_edition.delay().get() is None
    assert Edition.objects.get().pk == first


def test_the_send_due_task_starts_due_editions(django_capture_on_commit_callbacks):
    SubscriberFactory()
    edition = EditionFactory(scheduled_at=timezone.now(), articles=[ArticleFactory()])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.send_due_editions.delay().get() == [edition.pk]
    # The first batch (and the archive's purge) only once the start commits.
    assert len(callbacks) == 2


def test_the_confirmation_task_sends_nothing_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        subscribers.subscriber_signup(email="lezer@voorbeeld.nl")
    consent = ConsentRecord.objects.get()
    [token] = re.findall(r"/nieuwsbrief/bevestigen/([^/\s]+)/", mail.outbox[0].body)
    assert read_confirm_token(token) == consent.pk  # the token holds its time: compare ids
    assert tasks.send_confirmation.delay(consent.pk).get() is False  # a duplicate
    assert len(mail.outbox) == 1
