"""Cache tags: which reader pages show what, so that a change purges exactly those pages.

A reader response carries its tags in `xkey` (Varnish) and `Surrogate-Key` (CDNs); a
change purges its tags from every cache (see purging.py). Views name what they show with
`tag_page(request, …)`; every HTML page shows the navigation and gets `nav` by itself.
"""

from collections.abc import Iterable
from functools import wraps

HOME = "home"
NAV = "nav"
FEEDS = "feeds"
SITEMAPS = "sitemaps"
SEARCH = "search"
EDITIONS = "editions"
# The fixed pages (privacy statement, colofon, archive index): they change with a deploy.
PAGES = "pages"
# Pages that list articles: any article change may move, add or drop an entry on them.
LISTINGS = (HOME, FEEDS, SITEMAPS, SEARCH)


def article(pk: int) -> str:
    return f"article-{pk}"


def section(pk: int) -> str:
    """The pages that list a section's articles (its page and feeds), not every article in it."""
    return f"section-{pk}"


def author(pk: int) -> str:
    return f"author-{pk}"


def edition(pk: int) -> str:
    return f"edition-{pk}"


def tag_page(request, *tags: str) -> None:
    """Name what this response shows; the edge middleware turns it into headers."""
    request.cache_tags = getattr(request, "cache_tags", frozenset()) | frozenset(tags)


def tagged(view, *tags: str):
    """`view` with fixed tags: feeds and sitemaps, whose answers show no single object."""

    @wraps(view)
    def tagging(request, *args, **kwargs):
        tag_page(request, *tags)
        return view(request, *args, **kwargs)

    return tagging


def page_tags(request) -> frozenset[str]:
    return getattr(request, "cache_tags", frozenset())


def article_change(
    *, article_id: int, section_ids: Iterable[int | None] = (), author_ids: Iterable[int] = ()
) -> set[str]:
    """Everything a change to an article's reader-visible content can alter.

    `section_ids` holds the section before and after a move, so both listings are purged.
    """
    return {
        article(article_id),
        *(section(pk) for pk in section_ids if pk is not None),
        *(author(pk) for pk in author_ids),
        *LISTINGS,
    }
