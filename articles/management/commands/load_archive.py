import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.archive import MAX_ARTICLES, load_archive


class Command(BaseCommand):
    help = (
        "Add N generated Dutch-like articles spread over ten years and all sections, with "
        "authors, updates, corrections and votes (for benchmarks and archive-size tests)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", required=True, help=f"how many (1 to {MAX_ARTICLES:,})")
        parser.add_argument("--seed", type=int, help="the same seed gives the same archive")
        parser.add_argument(
            "--jobs",
            type=int,
            default=2 if connection.vendor == "postgresql" else 1,
            help="connections writing in parallel (PostgreSQL: 2, one per core)",
        )

    def handle(self, *args, articles: str, seed: int | None, jobs: int, **options):
        try:
            count = int(articles.replace("_", ""))
        except ValueError:
            count = 0
        if not 1 <= count <= MAX_ARTICLES:
            raise CommandError(
                f"--articles must be a whole number from 1 to {MAX_ARTICLES:,}, not {articles!r}."
            )
        if seed is None:
            seed = random.SystemRandom().randrange(2**31)
        self.stdout.write(f"Loading {count:,} articles (seed {seed}).")
        started = time.monotonic()
        bar = ProgressBar(count, started)
        result = load_archive(articles=count, seed=seed, jobs=max(1, jobs), progress=bar.show)
        bar.done()
        self.stdout.write(
            f"Loaded {result.articles:,} articles, {result.revisions:,} revisions and "
            f"{result.votes:,} votes in {time.monotonic() - started:.0f} s."
        )


class ProgressBar:
    """A one-line progress bar on stderr: done, rate and the time left."""

    WIDTH = 30

    def __init__(self, total: int, started: float, stream=sys.stderr):
        self.total, self.started, self.stream = total, started, stream

    def show(self, done: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        filled = self.WIDTH * done // self.total
        left = (self.total - done) / rate if rate else 0
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done:,}/{self.total:,} "
            f"{rate:,.0f}/s, {left // 60:.0f}:{left % 60:02.0f} left "
        )
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("\n")
