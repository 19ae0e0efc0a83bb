"""sitemap.xml and the Google News sitemap (django.contrib.sitemaps)."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from newsroom.links import absolute_url

from .models import Article, Section

# Google News takes articles of the last two days, at most a thousand.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class SiteUrlSitemap(Sitemap):
    """Absolute URLs on SITE_URL, whatever host the request came in on."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(absolute_url("/")).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(absolute_url("/")).netloc


class ArticleSitemap(SiteUrlSitemap):
    # Pages of the sitemap, each listed in the index at /sitemap.xml.
    limit = 5000

    def items(self):
        return Article.objects.visible().for_listing()

    def lastmod(self, item: Article):
        return item.last_modified

    def get_latest_lastmod(self):
        # One query, where Django's default would load every article.
        latest = Article.objects.visible().aggregate(
            latest=Max(Coalesce("modified_at", "published_at"))
        )
        return latest["latest"]


class SectionSitemap(SiteUrlSitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.order_by("position", "name")


class NewsSitemap(SiteUrlSitemap):
    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return Article.objects.visible().filter(published_at__gte=since).for_listing()[:NEWS_LIMIT]

    def lastmod(self, item: Article):
        return item.last_modified


SITEMAPS = {"sections": SectionSitemap, "articles": ArticleSitemap}
NEWS_SITEMAPS = {"news": NewsSitemap}


def index(request, **kwargs):
    """Django's sitemap index, with each sitemap's location on SITE_URL.

    Django builds those locations from the request's host; only their path and query
    (`/sitemap-articles.xml?p=2`) are kept.
    """
    response = sitemap_views.index(request, **kwargs)
    for entry in response.context_data["sitemaps"]:
        entry.location = absolute_url(
            urlsplit(entry.location)._replace(scheme="", netloc="").geturl()
        )
    return response
