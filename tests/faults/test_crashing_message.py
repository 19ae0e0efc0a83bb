"""A message that kills its worker comes back, is counted, and is set aside.

A real worker process is SIGKILLed (as the OOM killer would) while it renders a large
photo. The message is not acknowledged (tasks are acknowledged late), so it comes
back: here through the outbox sweep, which hands over again, under the same task id,
a task no worker finished. With JOBS_MAX_STARTS at 1 its next start is one too many:
the new worker sets it aside instead of dying in it again, and keeps working.
"""

import io
import os
import signal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PillowImage

from articles.imaging import image_queue_renditions
from articles.models import Image
from jobs.models import SetAsideTask, TaskRun
from newsroom.models import OutboxTask
from newsroom.outbox import outbox_sweep
from tests.faults.services import wait_for

pytestmark = pytest.mark.faults


def large_photo() -> bytes:
    """49 megapixels within every upload limit: seconds of work for a rendition task."""
    output = io.BytesIO()
    noise = PillowImage.effect_noise((7_000, 7_000), 60).convert("RGB")
    noise.save(output, "JPEG", quality=70)
    return output.getvalue()


def test_a_message_that_killed_its_worker_is_set_aside_when_it_comes_back(
    worker_env, worker_processes, django_capture_on_commit_callbacks, figures
):
    data = large_photo()
    name = default_storage.save("images/groot.jpg", ContentFile(data))
    image = Image.objects.create(file=name, alt="Ruis", credit="Kopij", file_size=len(data))
    env = worker_env(JOBS_MAX_STARTS="1")
    first = worker_processes(env)
    with django_capture_on_commit_callbacks(execute=True):
        image_queue_renditions(image=image)
    (row,) = OutboxTask.objects.all()

    wait_for(TaskRun.objects.exists, what="the rendition to start", timeout=60)
    os.kill(first.pid, signal.SIGKILL)
    assert first.wait(timeout=20) == -signal.SIGKILL
    assert TaskRun.objects.get().task_id == f"outbox-{row.pk}"  # it never ended

    second = worker_processes(env)
    assert outbox_sweep() == 1  # the same task id again, as a redelivery would bring it
    wait_for(SetAsideTask.objects.exists, what="the message to be set aside", timeout=60)
    entry = SetAsideTask.objects.get()
    assert (entry.reason, entry.starts, entry.args) == ("crashed", 2, [image.pk])
    wait_for(lambda: not OutboxTask.objects.exists(), what="the outbox to forget it")
    assert not TaskRun.objects.exists()
    assert second.poll() is None
    image.refresh_from_db()
    assert image.renditions == {}
    figures.notes.append(
        "SIGKILL during a 49 MP rendition; its next delivery (the outbox sweep, same task id) "
        "set aside as crashed with JOBS_MAX_STARTS=1, the new worker alive"
    )
