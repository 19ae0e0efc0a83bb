"""A generated archive of many articles, written in bulk (`manage.py load_archive`).

Articles are spread over ten years up to now and over all sections, in publication order
(ids grow with time, as in a real archive). About 95% are published; the rest are drafts,
in review, unpublished or scheduled, so that listings must filter. One in twenty got an
update and one in eighty a correction, each with its two revisions; imported articles
without changes have no revision rows (a print archive has no edit history). Some get
usefulness votes. On PostgreSQL rows go in with COPY, elsewhere with executemany, in
batches of their own transaction.
"""

import queue
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from feedback.models import Vote

from .archive_text import FIRST_NAMES, LAST_NAMES, ArchiveText
from .demo import SECTIONS
from .models import WORDS_PER_MINUTE, Article, Author, Revision, Section
from .richtext import count_words

MAX_ARTICLES = 10_000_000
YEARS = 10
BATCH = 5_000
AUTHORS = 120
SEARCH_INDEX = "article_search_vector_idx"
# Above this many articles the full-text index is rebuilt once instead of grown row by row.
REBUILD_SEARCH_INDEX_FROM = 50_000


@dataclass
class Generated:
    articles: int = 0
    revisions: int = 0
    votes: int = 0


def load_archive(
    *,
    articles: int,
    seed: int,
    jobs: int = 1,
    progress: Callable[[int], None] = lambda done: None,
) -> Generated:
    """Add `articles` generated articles; `seed` makes the text and choices reproducible.

    With `jobs` > 1 that many threads write batches over their own connections while this
    one generates the next (PostgreSQL spends most of the time on the search vectors).
    """
    rng = random.Random(seed)
    text = ArchiveText(rng)
    sections = _sections()
    # Their own generator: a second run reuses the authors and must draw the same text.
    authors = _authors(random.Random(seed + 1))
    first_id = (Article.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    now = timezone.now()
    start = now - timedelta(days=365 * YEARS)
    step = (now - start) / articles

    def batches() -> Iterator[_Batch]:
        for offset in range(0, articles, BATCH):
            batch = _Batch(rng, text, sections, authors, now=now)
            for number in range(offset, min(offset + BATCH, articles)):
                batch.article(first_id + number, start + step * (number + rng.random()))
            yield batch

    result = Generated()

    def written(batch: _Batch) -> None:
        result.articles += len(batch.articles)
        result.revisions += len(batch.revisions)
        result.votes += len(batch.votes)
        progress(result.articles)

    rebuild = connection.vendor == "postgresql" and articles >= REBUILD_SEARCH_INDEX_FROM
    if rebuild:
        _drop_search_index()
    try:
        if jobs > 1:
            _write_in_threads(batches(), jobs=jobs, written=written)
        else:
            for batch in batches():
                batch.write()
                written(batch)
    finally:
        if rebuild:
            _create_search_index()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(_no_style(), [Article, Revision, Vote]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE articles_article")
    return result


def _write_in_threads(batches: Iterator["_Batch"], *, jobs: int, written) -> None:
    todo: queue.Queue = queue.Queue(maxsize=jobs * 2)
    lock, errors = threading.Lock(), []

    def work() -> None:
        try:
            while (batch := todo.get()) is not None:
                if not errors:
                    batch.write()
                    with lock:
                        written(batch)
        except Exception as error:
            errors.append(error)
            while todo.get() is not None:  # let the generator finish; write nothing more
                pass
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=work, daemon=True) for _ in range(jobs)]
    for thread in threads:
        thread.start()
    for batch in batches:
        if errors:
            break
        todo.put(batch)
    for _ in threads:
        todo.put(None)
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


class _Batch:
    def __init__(self, rng: random.Random, text: ArchiveText, sections, authors, *, now):
        self.rng, self.text, self.sections, self.authors, self.now = (
            rng,
            text,
            sections,
            authors,
            now,
        )
        self.articles: list[dict] = []
        self.bylines: list[dict] = []
        self.revisions: list[dict] = []
        self.votes: list[dict] = []

    def article(self, pk: int, published_at: datetime) -> None:
        rng, text = self.rng, self.text
        headline = text.headline()
        lede, body = text.lede(headline), text.body()
        status, published_at = self._status(published_at)
        row = {
            "id": pk,
            "section_id": rng.choice(self.sections),
            "headline": headline,
            "slug": f"{slugify(headline)[:180]}-{pk}",
            "lede": lede,
            "body": body,
            "status": status,
            "published_at": published_at,
            "modified_at": None,
            "revision_number": 1,
            "reading_time": max(1, -(-count_words(lede, body) // WORDS_PER_MINUTE)),
            "corrections": [],
            "created_at": published_at or self.now,
            "updated_at": published_at or self.now,
        }
        self.articles.append(row)
        byline = rng.sample(self.authors, 1 if rng.random() < 0.8 else 2)
        row["byline"] = [{"id": author, "name": name} for author, name in byline]
        for author, _name in byline:
            self.bylines.append({"article_id": pk, "author_id": author})
        if published_at and published_at < self.now and rng.random() < 0.05:
            self._change(row, correction=rng.random() < 0.25)
        if status == Article.Status.PUBLISHED and rng.random() < 0.03:
            self._votes(pk)

    def _status(self, published_at: datetime) -> tuple[str, datetime | None]:
        draw = self.rng.random()
        if draw < 0.01:
            return Article.Status.DRAFT, None
        if draw < 0.015:
            return Article.Status.REVIEW, None
        if draw < 0.02:
            return Article.Status.UNPUBLISHED, published_at
        if draw < 0.022:
            return Article.Status.SCHEDULED, self.now + timedelta(hours=self.rng.uniform(1, 168))
        return Article.Status.PUBLISHED, published_at

    def _change(self, row: dict, *, correction: bool) -> None:
        at = min(row["published_at"] + timedelta(hours=self.rng.uniform(0.2, 30)), self.now)
        original = {**row, "kind": "", "note": "", "number": 1, "at": row["published_at"]}
        note = self.text.sentence(6, 14) if correction else ""
        row["body"] += f"<p>{self.text.sentence()}</p>"
        row.update(modified_at=at, updated_at=at, revision_number=2)
        if correction:
            row["corrections"] = [{"at": at.isoformat(), "note": note}]
        kind = Revision.Kind.CORRECTION if correction else Revision.Kind.UPDATE
        changed = {**row, "kind": kind, "note": note, "number": 2, "at": at}
        for state in (original, changed):
            self.revisions.append(
                {
                    "article_id": row["id"],
                    "number": state["number"],
                    "kind": state["kind"],
                    "public_note": state["note"],
                    "internal_note": "",
                    "created_at": state["at"],
                    "section_id": row["section_id"],
                    "headline": row["headline"],
                    "slug": row["slug"],
                    "lede": row["lede"],
                    "body": state["body"],
                    "authors": row["byline"],
                    "images": {"lead": None, "inline": []},
                    "status": row["status"],
                    "published_at": row["published_at"],
                    "reading_time": row["reading_time"],
                }
            )

    def _votes(self, pk: int) -> None:
        for _ in range(self.rng.randint(1, 15)):
            useful = self.rng.random() < 0.7
            self.votes.append(
                {
                    "article_id": pk,
                    "reader_hash": f"{self.rng.getrandbits(256):064x}",
                    "useful": useful,
                    "reason": "" if useful else self.rng.choice(Vote.Reason.values),
                    "revision_number": 1,
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )

    @transaction.atomic
    def write(self) -> None:
        _write(Article, self.articles)
        _write(Article.authors.through, self.bylines)
        _write(Revision, self.revisions)
        _write(Vote, self.votes)


def _write(model: type[models.Model], rows: list[dict]) -> None:
    """Insert `rows` (by attname); fields they leave out get their model default."""
    if not rows:
        return
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])
    ]
    defaults = {f.attname: f.get_default() for f in fields}
    values = (
        tuple(
            f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection) for f in fields
        )
        for row in rows
    )
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join(["%s"] * len(fields))
            # Table and column names come from the model, never from input.
            insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(insert, list(values))


def _sections() -> list[int]:
    """The ids of all sections, creating the demo's sections when there are none."""
    if not Section.objects.exists():
        for position, (slug, name, in_nav) in enumerate(SECTIONS, start=1):
            Section.objects.create(slug=slug, name=name, position=position * 10, in_nav=in_nav)
    return list(Section.objects.order_by("pk").values_list("pk", flat=True))


def _authors(rng: random.Random) -> list[tuple[int, str]]:
    """Up to AUTHORS generated authors (reused on a second run), and the existing ones."""
    for _ in range(AUTHORS - Author.objects.filter(slug__startswith="archief-").count()):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        slug = f"archief-{slugify(name)}-{rng.getrandbits(24):06x}"
        Author.objects.create(name=name, slug=slug)
    return list(Author.objects.order_by("pk").values_list("pk", "name"))


def _drop_search_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")


def _create_search_index() -> None:
    # The same index as migration 0005 creates, built in one go with more sort memory.
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX}"
            " ON articles_article USING gin (search_vector)"
        )


def _no_style():
    from django.core.management.color import no_style

    return no_style()
