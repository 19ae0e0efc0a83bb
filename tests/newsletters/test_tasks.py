from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from newsletters import tasks
from newsletters.models import ConsentRecord, Edition
from newsletters.services import subscribers
from newsletters.tokens import confirm_token
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
    assert confirm_token(consent.pk) in mail.outbox[0].body
    assert tasks.send_confirmation.delay(consent.pk).get() is False  # a duplicate
    assert len(mail.outbox) == 1
