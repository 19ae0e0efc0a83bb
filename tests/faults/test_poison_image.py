"""The poison image: a 47 KB PNG of 49,000,000 x 1 pixels reaches the worker mid-send.

Uploads refuse it (tests/articles/test_images.py); here it is put in storage directly,
as a file stored before that check or by another way in would be, and its renditions
are queued while a real worker process is sending a newsletter. The rendition runs out
of memory; the worker must survive it and finish the edition.
"""

import asyncio
import importlib.util
import io
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PillowImage

from articles.imaging import image_queue_renditions
from articles.models import Image
from articles.policy import SYSTEM
from newsletters.models import Delivery, Edition
from newsletters.services import editions
from tests.conftest import SmtpSink
from tests.factories import ArticleFactory, EditionFactory, SubscriberFactory
from tests.faults.services import wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.xfail(
        importlib.util.find_spec("jobs") is None,
        strict=True,
        reason="a MemoryError in a task still stops the worker until the fix lands (issue 12)",
    ),
]

SUBSCRIBERS = 60
BATCH_SIZE = 10
# Queued while the first batch is being sent, so the worker (one message at a time, in
# the order queued) takes the rendition before the next batch.
POISON_AT = 3


def poison_png() -> bytes:
    output = io.BytesIO()
    PillowImage.new("L", (49_000_000, 1), 255).save(output, "PNG", optimize=True)
    return output.getvalue()


class SlowSink(SmtpSink):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp(settings):
    from tests.conftest import serving_smtp

    with serving_smtp(SlowSink(), settings) as sink:
        yield sink


def test_the_poison_image_queued_mid_send_neither_kills_the_worker_nor_stops_the_edition(
    slow_smtp, worker_env, worker_processes, figures
):
    edition = EditionFactory(articles=[ArticleFactory(headline="Dijk houdt stand")])
    subscribers = {s.email for s in SubscriberFactory.create_batch(SUBSCRIBERS)}
    worker = worker_processes(worker_env(NEWSLETTER_BATCH_SIZE=str(BATCH_SIZE)))
    editions.edition_start_send(edition=edition, by=SYSTEM)
    wait_for(lambda: len(slow_smtp.envelopes) >= POISON_AT, what="the send", timeout=60)

    data = poison_png()
    name = default_storage.save("images/poison.png", ContentFile(data))
    image = Image.objects.create(file=name, alt="Streep", credit="Onbekend", file_size=len(data))
    assert (image.width, image.height) == (49_000_000, 1)
    queued_at = time.monotonic()
    image_queue_renditions(image=image)

    wait_for(
        lambda: worker.poll() is not None or Edition.objects.get().status == Edition.Status.SENT,
        what="the edition to be sent",
        timeout=60,
    )
    assert worker.poll() is None, f"the worker died (exit status {worker.poll()})"
    figures.notes.append(
        f"a {len(data) // 1024} KB PNG of 49,000,000 × 1 px queued at message {POISON_AT}; "
        f"the edition finished {time.monotonic() - queued_at:.1f} s later, the worker alive"
    )
    recipients = [to for envelope in slow_smtp.envelopes for to in envelope.rcpt_tos]
    received = figures.count_mails(recipients, expected=SUBSCRIBERS)
    assert set(received) == subscribers
    assert max(received.values()) == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
    image.refresh_from_db()
    assert image.renditions == {}
