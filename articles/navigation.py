"""The site navigation: Home, the sections editors put in the bar, and “More”.

Built from one query and kept in the cache until a section changes (see signals).
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache

from .models import Section

CACHE_KEY = "articles:navigation"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NavLink:
    name: str
    slug: str
    url: str


@dataclass(frozen=True)
class Navigation:
    main: tuple[NavLink, ...]
    more: tuple[NavLink, ...]

    @property
    def sections(self) -> tuple[NavLink, ...]:
        return self.main + self.more


def build_navigation() -> Navigation:
    main, more = [], []
    for section in Section.objects.order_by("position", "name"):
        link = NavLink(section.name, section.slug, section.get_absolute_url())
        (main if section.in_nav else more).append(link)
    return Navigation(main=tuple(main), more=tuple(more))


def get_navigation() -> Navigation:
    try:
        return cache.get_or_set(CACHE_KEY, build_navigation, timeout=3600)
    except Exception:
        # A shared cache that is down must not take every page down with it.
        logger.warning("Cache unavailable; navigation built from the database", exc_info=True)
        return build_navigation()


def invalidate_navigation(**kwargs) -> None:
    try:
        cache.delete(CACHE_KEY)
    except Exception:
        # Editors can still save; the cached copy expires within the hour at most.
        logger.warning("Cache unavailable; navigation not invalidated", exc_info=True)
