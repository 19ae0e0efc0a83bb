"""The site navigation: Home, the sections editors put in the bar, and “More”.

Built from one query and kept in the cache until a section changes (see signals).
"""

from dataclasses import dataclass

from django.core.cache import cache

from .models import Section

CACHE_KEY = "articles:navigation"


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
    return cache.get_or_set(CACHE_KEY, build_navigation, timeout=3600)


def invalidate_navigation(**kwargs) -> None:
    cache.delete(CACHE_KEY)
