"""RSS 2.0 and Atom feeds of the whole site and of each section (django.contrib.syndication).

Every link is absolute on SITE_URL: syndication only prefixes relative links with the
request's host, so links that are already absolute stay the same whichever host was asked.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.translation import gettext_lazy as _

from newsroom.links import absolute_url

from .models import Article, Author, Section

FEED_SIZE = 30


class LatestArticlesFeed(Feed):
    """The newest published articles; previews, drafts and scheduled ones never appear."""

    language = "nl"
    url_name = "articles:feed_rss"

    def title(self, section: Section | None = None) -> str:
        if section is None:
            return settings.SITE_NAME
        return f"{settings.SITE_NAME}: {section.name}"

    def description(self, section: Section | None = None) -> str:
        if section is None:
            return str(_("The latest news"))
        return str(_("The latest news in %(section)s")) % {"section": section.name}

    def link(self, section: Section | None = None) -> str:
        return absolute_url(section.get_absolute_url() if section else "/")

    def feed_url(self, section: Section | None = None) -> str:
        kwargs = {"section_slug": section.slug} if section else {}
        return absolute_url(reverse(self.url_name, kwargs=kwargs))

    def items(self, section: Section | None = None):
        articles = Article.objects.visible().for_listing()
        if section is not None:
            articles = articles.filter(section=section)
        return articles.select_related("lead_image").prefetch_related("authors")[:FEED_SIZE]

    def item_link(self, item: Article) -> str:
        return absolute_url(item.get_absolute_url())

    def item_title(self, item: Article) -> str:
        return item.headline

    def item_description(self, item: Article) -> str:
        return item.lede

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.last_modified

    def item_author_name(self, item: Article) -> str | None:
        return ", ".join(author.name for author in item.authors.all()) or None

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name]

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        image = item.lead_image
        if image is None:
            return []
        # The original's size: renditions are made later and their sizes are not stored.
        mime_type = {"png": "image/png", "webp": "image/webp"}.get(
            image.file.name.rsplit(".", 1)[-1].lower(), "image/jpeg"
        )
        return [Enclosure(absolute_url(image.file.url), str(image.file_size), mime_type)]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    url_name = "articles:feed_atom"
    subtitle = LatestArticlesFeed.description


class SectionFeed(LatestArticlesFeed):
    url_name = "articles:section_feed_rss"

    def get_object(self, request, section_slug: str) -> Section:
        return get_object_or_404(Section, slug=section_slug)


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed
    url_name = "articles:section_feed_atom"
    subtitle = LatestArticlesFeed.description


class AuthorFeed(LatestArticlesFeed):
    """An author's newest articles (the author page as a feed)."""

    url_name = "articles:author_feed_rss"

    def get_object(self, request, author_slug: str) -> Author:
        return get_object_or_404(Author, slug=author_slug)

    def title(self, author: Author) -> str:
        return f"{settings.SITE_NAME}: {author.name}"

    def description(self, author: Author) -> str:
        return str(_("The latest articles by %(author)s")) % {"author": author.name}

    def link(self, author: Author) -> str:
        return absolute_url(author.get_absolute_url())

    def feed_url(self, author: Author) -> str:
        return absolute_url(reverse(self.url_name, kwargs={"author_slug": author.slug}))

    def items(self, author: Author):
        articles = Article.objects.visible().for_listing().filter(authors=author)
        return articles.prefetch_related("authors")[:FEED_SIZE]


class AuthorAtomFeed(AuthorFeed):
    feed_type = Atom1Feed
    url_name = "articles:author_feed_atom"
    subtitle = AuthorFeed.description
