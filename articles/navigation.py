"""The site navigation: Home, the sections editors put in the bar, and “More”.

Every process keeps its own copy, built from one query, and checks at most every
CHECK_SECONDS that it is still current: one read of a version key in the shared cache,
which a section change replaces (see signals in apps.py). So an article request costs no
cache round trip and no query for it; other processes follow an editor's change within
CHECK_SECONDS. With the shared cache down the copy is rebuilt from the database instead.
"""

import hashlib
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache

from .models import Section

VERSION_KEY = "articles:navigation-version"
CHECK_SECONDS = 5.0
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NavLink:
    name: str
    slug: str
    url: str
    pk: int = 0


@dataclass(frozen=True)
class Navigation:
    main: tuple[NavLink, ...]
    more: tuple[NavLink, ...]
    # A short digest of all links, for the ETag of pages that show them.
    digest: str = field(default="", compare=False)

    @property
    def sections(self) -> tuple[NavLink, ...]:
        return self.main + self.more

    def by_slug(self, slug: str) -> NavLink | None:
        return next((link for link in self.sections if link.slug == slug), None)


def build_navigation() -> Navigation:
    main, more = [], []
    for section in Section.objects.order_by("position", "name"):
        link = NavLink(section.name, section.slug, section.get_absolute_url(), section.pk)
        (main if section.in_nav else more).append(link)
    digest = hashlib.sha256(repr((main, more)).encode()).hexdigest()[:16]
    return Navigation(main=tuple(main), more=tuple(more), digest=digest)


@dataclass
class _Copy:
    navigation: Navigation
    version: str | None
    checked_at: float


_lock = threading.Lock()
_copy: _Copy | None = None


def get_navigation() -> Navigation:
    global _copy
    current, now = _copy, time.monotonic()
    if current is not None and now - current.checked_at < CHECK_SECONDS:
        return current.navigation
    version = _shared_version()
    if current is not None and version is not None and version == current.version:
        current.checked_at = now
        return current.navigation
    with _lock:
        _copy = _Copy(build_navigation(), version, now)
        return _copy.navigation


def _shared_version() -> str | None:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception:
        # A shared cache that is down must not take every page down with it.
        logger.warning("Cache unavailable; navigation built from the database", exc_info=True)
        return None


def forget_local_copy() -> None:
    global _copy
    _copy = None


def invalidate_navigation(**kwargs) -> None:
    forget_local_copy()
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # Other processes keep their copy until the cache is back and they see a new version.
        logger.warning("Cache unavailable; navigation not invalidated", exc_info=True)
