"""Benchmark: one realistic edition to N subscribers through real Celery workers.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/<db> DATABASE_URL=postgres://…/<throw-away db> \\
        .venv/bin/python benchmarks/newsletter.py --subscribers 100000 --workers 1,2

The database must be a throw-away one (default: a temporary SQLite file); the
newsletter tables are emptied, and the broker's queue is purged. Per run:

1. N confirmed subscribers (COPY on PostgreSQL, bulk inserts elsewhere; kept
   for the next run with the same N) and an edition of twelve demo articles
   with ledes, photos and links, HTML and text; its size is printed.
2. A counting SMTP sink in its own process (benchmarks/mailsink.py).
3. The raw baseline: the same bytes the engine sends, over one plain smtplib
   connection to that sink, before and after the workers (the first
   --raw-messages recipients; the mean of both runs is the baseline).
4. For each --workers count: a new edition sent by that many
   `celery worker --pool solo` processes; msgs/s, MB/s, the rate in each
   tenth of the send, peak RSS, and duplicates and misses checked against the
   sink's count of distinct recipients.
5. With --profile: where one batch's time goes (benchmarks/newsletter_profile.py).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from articles.policy import SYSTEM

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.mailsink import Counts, Sink, recipient_checksum  # noqa: E402
from benchmarks.newsletter_raw import copy_bytes, recipients  # noqa: E402
from tests.worker_process import (  # noqa: E402  (the project root is on the path now)
    free_port,
    start_worker_process,
    stop_worker_process,
    worker_environment,
)

MB = 1_000_000


@dataclass
class Phase:
    """One way of sending, measured: what the sink got, in how long."""

    name: str
    expected: int
    checksum: int
    counts: Counts
    seconds: float
    # CPU seconds of the sender(s) and of the sink: under load, rates vary with the
    # share of the cores a process gets; the CPU a message costs varies much less.
    cpu: tuple[float, float] = (0.0, 0.0)

    @property
    def rate(self) -> float:
        return self.counts.messages / self.seconds

    @property
    def mb_per_s(self) -> float:
        return self.counts.bytes / self.seconds / MB

    def check(self) -> str:
        duplicates = self.counts.duplicates()
        missed = self.counts.missed(expected=self.expected, checksum=self.checksum)
        verdict = "OK" if duplicates == missed == 0 else "FAILED"
        return f"{duplicates} duplicates, {missed} missed ({verdict})"

    def line(self) -> str:
        messages = max(self.counts.messages, 1)
        sender, sink = (seconds * 1000 / messages for seconds in self.cpu)
        return (
            f"{self.name:<22} {self.counts.messages:>9,} msgs in {self.seconds:7.1f} s: "
            f"{self.rate:6.0f} msgs/s {self.mb_per_s:6.1f} MB/s; {self.check()}\n"
            f"  CPU ms/msg: sender {sender:.2f}, sink {sink:.2f}"
        )


def peak_rss_mb(pid: int) -> float:
    """The process's high-water mark of resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def configure(args, workdir: Path, smtp_port: int) -> dict[str, str]:
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        raise SystemExit("Set CELERY_BROKER_URL to a Redis database of your own (it is purged).")
    env = worker_environment(
        database_url=os.environ.get("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"),
        broker_url=broker,
        smtp_port=smtp_port,
        NEWSLETTER_BATCH_SIZE=str(args.batch_size),
    )
    os.environ.update(env)
    return env


def edition_size(edition) -> str:
    from newsletters.mail import BatchMessages, render_edition

    rendered = render_edition(edition)
    data = copy_bytes(BatchMessages(rendered), rendered, email="a@b.test", subscriber_id=1)
    html, text = len(rendered.html.encode()), len(rendered.text.encode())
    return (
        f"edition: {edition.items.count()} articles with photos, {len(data) / 1024:.1f} KiB "
        f"a message (HTML {html / 1024:.1f} KiB, text {text / 1024:.1f} KiB before encoding)"
    )


def raw_phase(name: str, edition, sink: Sink, env: dict, count: int, batch_size: int) -> Phase:
    """The raw baseline, run as a child process like the workers (benchmarks/newsletter_raw.py)."""
    everyone = recipients(count)
    sink.reset(len(everyone))
    sink_cpu = cpu_seconds(sink.pid)
    arguments = {"--edition": edition.pk, "--count": count, "--batch-size": batch_size}
    answer = subprocess.run(
        [sys.executable, "-m", "benchmarks.newsletter_raw", "--port", env["EMAIL_PORT"]]
        + [str(part) for pair in arguments.items() for part in pair],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(answer.stdout)
    sink_cpu = cpu_seconds(sink.pid) - sink_cpu
    checksum = recipient_checksum(email for _pk, email in everyone)
    counts = sink.counts()
    return Phase(
        name, len(everyone), checksum, counts, result["seconds"], (result["cpu"], sink_cpu)
    )


def wait_for_workers(count: int, timeout: float = 60) -> None:
    from newsroom.celery import app

    deadline = time.monotonic() + timeout
    while len(app.control.ping(timeout=0.5) or []) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{count} worker(s) did not answer within {timeout} s")


def show_tenths(counts: Counts, started: float, processes, shown: int) -> int:
    """Print each tenth of the send as it completes (a long run shows its progress)."""
    rates = counts.tenth_rates(started)
    for tenth in range(shown, len(rates)):
        rss = max(peak_rss_mb(process.pid) for process in processes)
        rate = f"{rates[tenth]:5.0f} msgs/s"
        print(f"  {(tenth + 1) * 10:3d}%: {rate}, peak RSS {rss:.1f} MB; {load()}", flush=True)
    return len(rates)


def worker_phase(edition, workers: int, sink: Sink, env: dict, expected: int, checksum: int):
    """`workers` worker processes send the edition; returns the phase and the peak RSS in MB."""
    from django.conf import settings

    from newsletters.models import Edition
    from newsletters.services import editions

    env = {**env, "NEWSLETTER_SEND_CHAINS": str(workers)}
    settings.NEWSLETTER_SEND_CHAINS = workers
    sink.reset(expected)
    processes = [start_worker_process(env) for _ in range(workers)]
    try:
        wait_for_workers(workers)
        sink_cpu = cpu_seconds(sink.pid)
        # Not the workers' start-up (imports, connecting): what the send costs them.
        cpu = -sum(cpu_seconds(process.pid) for process in processes)
        began = time.perf_counter()
        editions.edition_start_send(edition=edition, by=SYSTEM)
        snapshot = time.perf_counter() - began
        started = time.monotonic()
        shown = 0
        while Edition.objects.get(pk=edition.pk).status != Edition.Status.SENT:
            if any(process.poll() is not None for process in processes):
                raise RuntimeError("a worker died")
            time.sleep(0.5)
            shown = show_tenths(sink.counts(), started, processes, shown)
        counts = sink.counts()
        rss = max(peak_rss_mb(process.pid) for process in processes)
        cpu += sum(cpu_seconds(process.pid) for process in processes)
        sink_cpu = cpu_seconds(sink.pid) - sink_cpu
    finally:
        for process in processes:
            stop_worker_process(process)
    seconds = (counts.last_at or started) - started
    phase = Phase(
        f"worker x{workers}", expected, checksum, counts, max(seconds, 1e-6), (cpu, sink_cpu)
    )
    tenths = counts.tenth_rates(started)
    details = [
        f"  snapshot of {expected:,} deliveries {snapshot:.1f} s (not in the rate); "
        f"peak RSS {rss:.1f} MB (largest worker)",
        "  msgs/s per tenth: " + " ".join(f"{rate:.0f}" for rate in tenths),
    ]
    if len(tenths) == 10:
        details.append(f"  last tenth / first tenth: {tenths[-1] / tenths[0]:.2f} (target >= 0.9)")
    return phase, details


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument(
        "--workers", default="1", help="worker process counts, one send each (e.g. 1,2)"
    )
    parser.add_argument(
        "--raw-messages", type=int, default=20_000, help="messages in each raw smtplib run"
    )
    parser.add_argument("--profile", action="store_true", help="also profile one batch")
    args = parser.parse_args()
    worker_counts = [int(count) for count in args.workers.split(",")]

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="kopij-bench-") as workdir, Sink(port) as sink:
        env = configure(args, Path(workdir), port)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from benchmarks import newsletter_data as data
        from newsroom.celery import app

        call_command("migrate", verbosity=0)
        app.control.purge()
        print(f"database: {connection.vendor}; {os.cpu_count()} cores; {load()}")
        created = data.ensure_subscribers(args.subscribers)
        print(f"subscribers: {args.subscribers:,} (created in {created:.1f} s)")
        checksum = recipient_checksum(map(data.subscriber_email, range(args.subscribers)))
        edition = data.create_edition(0)
        print(edition_size(edition))
        raw_count = min(args.raw_messages, args.subscribers)
        raws = [raw_phase("raw smtplib (before)", edition, sink, env, raw_count, args.batch_size)]
        print(raws[0].line(), flush=True)
        results = []
        for serial, workers in enumerate(worker_counts, start=1):
            edition = data.create_edition(serial)
            phase, details = worker_phase(edition, workers, sink, env, args.subscribers, checksum)
            results.append(phase)
            print(phase.line(), *details, sep="\n", flush=True)
        after = raw_phase("raw smtplib (after)", edition, sink, env, raw_count, args.batch_size)
        raws.append(after)
        print(raws[1].line())
        report(raws, results)
        if args.profile:
            from benchmarks.newsletter_profile import profile_batch

            print(profile_batch(data.create_edition(len(worker_counts) + 1), args.batch_size))
        print(load())


def report(raws: list[Phase], results: list[Phase]) -> None:
    raw_rate = sum(phase.rate for phase in raws) / len(raws)
    raw_mb = sum(phase.mb_per_s for phase in raws) / len(raws)
    print(f"raw smtplib baseline   {raw_rate:6.0f} msgs/s {raw_mb:6.1f} MB/s (mean of both runs)")
    raw_cpu = sum(phase.cpu[0] for phase in raws) / sum(phase.counts.messages for phase in raws)
    for phase in results:
        cpu = phase.cpu[0] / phase.counts.messages
        print(
            f"{phase.name}: {phase.rate / raw_rate:.2f} x raw by messages, "
            f"{phase.mb_per_s / raw_mb:.2f} x raw by bytes (target >= 0.9); "
            f"sender CPU per message {cpu / raw_cpu:.2f} x raw's"
        )
    print(
        f"note: this machine has {os.cpu_count()} cores; the sink, the database, this process "
        "and the workers compete for them, so more workers than free cores add little"
    )


if __name__ == "__main__":
    main()
