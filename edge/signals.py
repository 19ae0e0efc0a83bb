"""Saves made through the admin's plain model forms (sections, authors): purged by signal.

Articles, photos and editions change through services, which call purging directly
because only they know what the page showed before.
"""

from django.db.models.signals import post_delete, post_save

from . import tags
from .purging import content_changed, navigation_changed


def section_changed(sender, instance, **kwargs) -> None:
    # The name is in the navigation of every page and in the feeds; the slug in every URL.
    navigation_changed({tags.NAV, tags.section(instance.pk), tags.FEEDS, tags.SITEMAPS})


def author_changed(sender, instance, **kwargs) -> None:
    # Bylines show on the author's articles and page (tagged with the author) and in the
    # feeds; the authors' sitemap lists every author page.
    content_changed({tags.author(instance.pk), tags.FEEDS, tags.SITEMAPS})


def connect() -> None:
    from articles.models import Author, Section

    for signal in (post_save, post_delete):
        signal.connect(section_changed, sender=Section, dispatch_uid=f"edge-section-{signal}")
        signal.connect(author_changed, sender=Author, dispatch_uid=f"edge-author-{signal}")
