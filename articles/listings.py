"""What the home and section pages list: bounded reads, whatever the size of the archive.

Each query walks one of the partial indexes of Article.Meta from its newest entry and stops
after the rows it shows. Section pages page with a keyset (`?voor=<id>`: older than that
article; `?na=<id>`: newer), never with OFFSET, and a month of a section has its own
archive page (`/<section>/archief/2023/05/`).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from .models import Article, FrontPageSlot
from .navigation import NavLink

HOME_LATEST = 9
HOME_PER_SECTION = 4
SECTION_PAGE_SIZE = 20
# Larger ids than this cannot be articles (bigint); they are refused with a 404.
_MAX_ID = 2**63 - 1


def home_latest() -> list[Article]:
    """The home page's HOME_LATEST stories: the pinned ones in their places, the newest around.

    Two bounded queries: the few active pins (FrontPageSlot, its unique place index; the
    article joined by id), then the newest visible articles not pinned, from the partial
    index article_visible_latest_idx. A pinned story carries `is_breaking`.
    """
    now = timezone.now()
    pins = {
        pin.position: pin
        for pin in FrontPageSlot.objects.active(at=now)
        .select_related("article__section", "article__lead_image")
        .defer("article__body", "article__corrections")
    }
    newest = iter(
        Article.objects.visible(at=now)
        .exclude(pk__in=[pin.article_id for pin in pins.values()])
        .for_listing()[: HOME_LATEST - len(pins)]
    )
    stories = []
    for place in range(HOME_LATEST):
        pin = pins.get(place)
        story = pin.article if pin else next(newest, None)
        if story is not None:
            story.is_breaking = bool(pin and pin.breaking)
            stories.append(story)
    return stories


def home_blocks(sections: tuple[NavLink, ...], *, shown: list[Article]):
    """The newest HOME_PER_SECTION articles of each section not `shown` already, in order.

    One query: the articles whose id is in a UNION ALL of one index-ordered LIMIT per section
    (the sections come from the navigation, which is in memory). Spelled out because Django
    refuses sliced parts in a union on SQLite, which takes them as subqueries.
    """
    shown_ids = [article.pk for article in shown]
    parts = [
        Article.objects.visible()
        .filter(section_id=link.pk)
        .exclude(pk__in=shown_ids)
        .order_by("-published_at", "-pk")
        .values("pk")[:HOME_PER_SECTION]
        .query.sql_with_params()
        for link in sections
    ]
    if not parts:
        return []
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) AS section_{number}"  # noqa: S608 (ORM-built SQL)
        for number, (sql, _) in enumerate(parts)
    )
    params = [param for _, part_params in parts for param in part_params]
    articles: dict[int, list[Article]] = {}
    blocks = Article.objects.filter(pk__in=RawSQL(union, params))  # noqa: S611 (ORM-built SQL)
    for article in blocks.for_listing():
        articles.setdefault(article.section_id, []).append(article)
    return [(link, articles[link.pk]) for link in sections if link.pk in articles]


@dataclass(frozen=True)
class Page:
    """One page of a section listing with the ids its "newer" and "older" links carry."""

    articles: list[Article]
    newer: int | None
    older: int | None


def section_page(
    section_id: int,
    *,
    before: str | None = None,
    after: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page:
    """SECTION_PAGE_SIZE visible articles of a section, newest first.

    `before`/`after` are article ids from the query string (older than / newer than that
    article); `since`/`until` bound a month archive. A bad or unknown id is a 404.
    """
    articles = Article.objects.visible().filter(section_id=section_id)
    if since is not None:
        articles = articles.filter(published_at__gte=since)
    if until is not None:
        articles = articles.filter(published_at__lt=until)
    return keyset_page(articles, before=before, after=after)


def author_page(author_id: int, *, before: str | None = None, after: str | None = None) -> Page:
    """SECTION_PAGE_SIZE visible articles with this author in the byline, newest first.

    Through the byline table (its author_id index): PostgreSQL either reads an author's
    rows and keeps the newest, or walks article_visible_latest_idx until it has a page of
    theirs, whichever its statistics say is cheaper for this author. Never an OFFSET.
    """
    articles = Article.objects.visible().filter(authors=author_id)
    return keyset_page(articles, before=before, after=after)


def keyset_page(articles, *, before: str | None, after: str | None) -> Page:
    """A page of `articles` (visible, filtered) before or after a cursor article, or the first."""
    cursor_id = before or after
    if cursor_id is None:
        rows = list(articles.for_listing()[: SECTION_PAGE_SIZE + 1])
        return Page(rows[:SECTION_PAGE_SIZE], None, _last_id(rows))
    cursor = _cursor(articles, cursor_id)
    if before is not None:
        # (published_at, id) < cursor, written so that the index range starts at the cursor.
        older = articles.filter(published_at__lte=cursor.published_at).filter(
            Q(published_at__lt=cursor.published_at) | Q(pk__lt=cursor.pk)
        )
        rows = list(older.for_listing()[: SECTION_PAGE_SIZE + 1])
        return Page(rows[:SECTION_PAGE_SIZE], rows[0].pk if rows else None, _last_id(rows))
    newer = articles.filter(published_at__gte=cursor.published_at).filter(
        Q(published_at__gt=cursor.published_at) | Q(pk__gt=cursor.pk)
    )
    rows = list(newer.for_listing().order_by("published_at", "pk")[: SECTION_PAGE_SIZE + 1])
    has_newer = len(rows) > SECTION_PAGE_SIZE
    rows = rows[:SECTION_PAGE_SIZE][::-1]
    return Page(rows, rows[0].pk if has_newer else None, rows[-1].pk if rows else None)


def _last_id(rows: list[Article]) -> int | None:
    """The id for the "older" link: the last article shown, if there is one more."""
    return rows[SECTION_PAGE_SIZE - 1].pk if len(rows) > SECTION_PAGE_SIZE else None


def _cursor(articles, value: str) -> Article:
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= _MAX_ID:
        raise Http404
    cursor = articles.only("published_at").filter(pk=int(value)).first()
    if cursor is None:
        raise Http404
    return cursor
