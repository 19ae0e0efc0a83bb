"""jobs: a task that cannot be processed, or keeps killing its worker, is set aside."""

import io
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PillowImage

from articles import roles
from articles.models import Image
from articles.tasks import make_image_renditions
from jobs.base import Job
from jobs.models import SetAsideTask, TaskRun
from jobs.services import task_runs_forget
from newsroom.celery import app
from newsroom.models import OutboxTask
from newsroom.outbox import enqueue_on_commit
from tests.factories import ImageFactory, UserFactory


def stored_image(data: bytes, name: str = "images/streep.png") -> Image:
    """A file put in storage directly, as one stored before the upload checks would be."""
    name = default_storage.save(name, ContentFile(data))
    return Image.objects.create(file=name, alt="Streep", credit="Onbekend", file_size=len(data))


def poison_png() -> bytes:
    """47 KB: 49,000,000 x 1 pixels, a MemoryError when resized (issue 12)."""
    output = io.BytesIO()
    PillowImage.new("L", (49_000_000, 1), 255).save(output, "PNG", optimize=True)
    return output.getvalue()


def wait_until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_every_task_of_the_project_is_a_job():
    app.loader.import_default_modules()  # what a worker does at start: autodiscover tasks
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert len(ours) >= 10
    assert all(isinstance(task, Job) for task in ours), [t.name for t in ours]


@pytest.mark.django_db
class TestUnprocessable:
    def test_the_poison_image_is_set_aside_with_its_reason_and_its_outbox_row_goes(
        self, django_capture_on_commit_callbacks
    ):
        image = stored_image(poison_png())
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit(make_image_renditions, image.pk)
        (entry,) = SetAsideTask.objects.all()
        assert (entry.task, entry.args, entry.reason) == (
            "articles.tasks.make_image_renditions",
            [image.pk],
            SetAsideTask.Reason.FAILED,
        )
        assert "49000000 x 1" in entry.error
        image.refresh_from_db()
        assert image.renditions == {}
        assert not OutboxTask.objects.exists()  # not handed over again by the sweep

    def test_a_memory_error_in_any_task_is_an_ordinary_recorded_failure(self, monkeypatch):
        image = ImageFactory(file__width=900, file__height=600)

        def out_of_memory(*args, **kwargs):
            raise MemoryError

        monkeypatch.setattr(PillowImage.Image, "resize", out_of_memory)
        assert make_image_renditions.delay(image.pk).get() is None
        assert SetAsideTask.objects.get().error == "MemoryError: "

    def test_a_truncated_stored_image_is_set_aside_at_once_not_retried(self, monkeypatch):
        output = io.BytesIO()
        PillowImage.new("RGB", (900, 600), "darkgreen").save(output, "JPEG")
        image = stored_image(output.getvalue()[:700], "images/kapot.jpg")
        retries = []
        monkeypatch.setattr(make_image_renditions, "retry", lambda *a, **k: retries.append(k))
        make_image_renditions.delay(image.pk)
        assert retries == []
        assert "images/kapot" in SetAsideTask.objects.get().error

    def test_an_ordinary_error_is_left_to_the_task_retries_and_celery(self, monkeypatch):
        image = ImageFactory()

        def broken(*, image):
            raise RuntimeError("a bug")

        monkeypatch.setattr("articles.tasks.image_make_renditions", broken)
        with pytest.raises(RuntimeError, match="a bug"):
            make_image_renditions.delay(image.pk)
        assert not SetAsideTask.objects.exists()


class TestOnARealWorker:
    def test_the_worker_survives_a_memory_error_and_runs_the_next_task(
        self, celery_worker, monkeypatch
    ):
        poisoned = stored_image(poison_png())
        healthy = ImageFactory(file__width=500, file__height=300)
        # Past the geometry check, as a file that passes it and still exhausts memory would.
        monkeypatch.setattr("articles.imaging.geometry_refusal", lambda width, height: None)
        make_image_renditions.delay(poisoned.pk)
        make_image_renditions.delay(healthy.pk)
        wait_until(lambda: Image.objects.get(pk=healthy.pk).renditions)
        entry = SetAsideTask.objects.get()
        assert entry.error.startswith("MemoryError")
        wait_until(lambda: not TaskRun.objects.exists())  # both messages ended

    def test_a_message_that_keeps_killing_its_worker_is_set_aside_not_run(self, celery_worker):
        image = ImageFactory(file__width=500, file__height=300)
        # Three earlier deliveries of this message started and never ended.
        TaskRun.objects.create(task_id="outbox-7", task=make_image_renditions.name, starts=3)
        make_image_renditions.apply_async((image.pk,), task_id="outbox-7")
        wait_until(lambda: SetAsideTask.objects.exists())
        entry = SetAsideTask.objects.get()
        assert (entry.reason, entry.starts, entry.task_id) == ("crashed", 4, "outbox-7")
        image.refresh_from_db()
        assert image.renditions == {}
        wait_until(lambda: not TaskRun.objects.exists())

    def test_a_message_that_killed_its_worker_once_runs_again_and_its_counter_goes(
        self, celery_worker
    ):
        image = ImageFactory(file__width=500, file__height=300)
        TaskRun.objects.create(task_id="outbox-8", task=make_image_renditions.name, starts=1)
        make_image_renditions.apply_async((image.pk,), task_id="outbox-8")
        wait_until(lambda: Image.objects.get(pk=image.pk).renditions)
        wait_until(lambda: not TaskRun.objects.exists())
        assert not SetAsideTask.objects.exists()


@pytest.mark.django_db
def test_counters_of_messages_that_never_came_back_are_forgotten_after_a_week():
    old = timezone.now() - timedelta(days=8)
    TaskRun.objects.create(task_id="a", task="x", last_started_at=old)
    TaskRun.objects.create(task_id="b", task="x")
    assert task_runs_forget() == 1
    assert list(TaskRun.objects.values_list("task_id", flat=True)) == ["b"]


@pytest.mark.django_db
def test_the_admin_lists_what_was_set_aside(client):
    client.force_login(UserFactory(username="beheer", is_superuser=True, is_staff=True))
    SetAsideTask.objects.create(
        task="articles.tasks.make_image_renditions", task_id="outbox-3", args=[12],
        reason=SetAsideTask.Reason.CRASHED, error="started 4 times", starts=4,
    )  # fmt: skip
    response = client.get(reverse("admin:jobs_setasidetask_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "articles.tasks.make_image_renditions" in page
    assert "de worker stierf er telkens aan" in page
    assert client.get(reverse("admin:jobs_setasidetask_add")).status_code == 403


@pytest.mark.django_db
def test_editors_see_what_was_set_aside_and_only_chief_editors_may_clear_it(client):
    task = SetAsideTask.objects.create(task="x", task_id="outbox-9", reason="failed")
    change = reverse("admin:jobs_setasidetask_change", args=[task.pk])
    delete = reverse("admin:jobs_setasidetask_delete", args=[task.pk])
    client.force_login(UserFactory(role=roles.EINDREDACTEUR, is_staff=True))
    assert client.get(reverse("admin:jobs_setasidetask_changelist")).status_code == 200
    assert client.get(change).status_code == 200
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.force_login(UserFactory(role=roles.HOOFDREDACTIE, is_staff=True))
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not SetAsideTask.objects.exists()
    client.force_login(UserFactory(role=roles.VERSLAGGEVER, is_staff=True))
    assert client.get(reverse("admin:jobs_setasidetask_changelist")).status_code == 403


@pytest.mark.django_db
def test_the_set_aside_list_runs_exactly_its_queries(client, django_assert_num_queries):
    client.force_login(UserFactory(username="beheer", is_superuser=True, is_staff=True))
    for number in range(3):
        SetAsideTask.objects.create(task="x", task_id=f"outbox-{number}", reason="failed")
    queries = [
        "the session",
        "the user",
        "the count of the rows shown (pagination)",
        "the count of all rows",
        "the page of set-aside tasks",
        "the first and last date (date hierarchy)",
        "the days with set-aside tasks (date hierarchy)",
    ]
    with django_assert_num_queries(len(queries)):
        assert client.get(reverse("admin:jobs_setasidetask_changelist")).status_code == 200
