"""The raw baseline: the engine's bytes over one plain smtplib connection, in a process of its own.

    python -m benchmarks.newsletter_raw --edition ID --count N --batch-size B --port P

Run by benchmarks/newsletter.py with the workers' environment, so that the baseline
is a child process beside the sink exactly as a worker is. Each chunk of messages is
built untimed; only the sending is timed. Prints its seconds and CPU seconds as JSON.
"""

import argparse
import json
import smtplib
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def copy_bytes(messages, rendered, *, email: str, subscriber_id: int) -> bytes:
    """The bytes the engine sends to one subscriber."""
    from newsletters.mail import delivery_message_id, edition_message

    message_id = delivery_message_id(delivery_id=subscriber_id, batch=uuid.uuid4())
    data = messages.message_bytes(to=email, subscriber_id=subscriber_id, message_id=message_id)
    if data is None:
        message = edition_message(rendered, to=email, subscriber_id=subscriber_id)
        data = message.message().as_bytes(linesep="\r\n")
    return data


def recipients(count: int) -> list[tuple[int, str]]:
    """The first `count` receiving subscribers: (id, address)."""
    from newsletters.models import Subscriber

    return list(Subscriber.objects.receiving().order_by("pk").values_list("pk", "email")[:count])


def send_raw(edition, *, port: int, count: int, batch_size: int) -> tuple[float, float]:
    """Send the first `count` subscribers their copy with smtplib.

    Returns the seconds and the CPU seconds of this process spent sending.
    """
    from django.conf import settings

    from newsletters.mail import BatchMessages, render_edition

    rendered = render_edition(edition)
    messages = BatchMessages(rendered)
    everyone = recipients(count)
    elapsed = cpu = 0.0
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for first in range(0, len(everyone), batch_size):
            chunk = [
                (email, copy_bytes(messages, rendered, email=email, subscriber_id=pk))
                for pk, email in everyone[first : first + batch_size]
            ]
            started, cpu_started = time.perf_counter(), time.process_time()
            for email, data in chunk:
                smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [email], data)
            elapsed += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("--edition", "--count", "--batch-size", "--port"):
        parser.add_argument(name, type=int, required=True)
    args = parser.parse_args()
    import django

    django.setup()
    from newsletters.models import Edition

    edition = Edition.objects.get(pk=args.edition)
    seconds, cpu = send_raw(edition, port=args.port, count=args.count, batch_size=args.batch_size)
    print(json.dumps({"seconds": seconds, "cpu": cpu}))


if __name__ == "__main__":
    main()
