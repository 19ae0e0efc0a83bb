from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path
from django.views.decorators.http import require_safe

from edge import tags
from edge.tags import tagged
from newsroom.caching import public_page

from . import feeds, views
from .sitemap_views import news_sitemap, sitemap_index, sitemap_month
from .sitemaps import SITEMAPS

app_name = "articles"


def for_machines(view, tag: str):
    """Feeds and sitemaps: GET and HEAD only, the same for everyone like the reader pages."""
    return public_page(require_safe(tagged(view, tag)))


urlpatterns = [
    path("", views.home, name="home"),
    path("preview/<str:token>/", views.preview, name="preview"),
    # Fixed first path segments (see RESERVED_SLUGS) before the section catch-alls.
    path("zoeken/", views.search, name="search"),
    path("auteur/<slug:slug>/", views.author, name="author"),
    path(
        "feeds/auteur/<slug:author_slug>/rss/",
        for_machines(feeds.AuthorFeed(), tags.FEEDS),
        name="author_feed_rss",
    ),
    path(
        "feeds/auteur/<slug:author_slug>/atom/",
        for_machines(feeds.AuthorAtomFeed(), tags.FEEDS),
        name="author_feed_atom",
    ),
    path("feeds/rss/", for_machines(feeds.LatestArticlesFeed(), tags.FEEDS), name="feed_rss"),
    path("feeds/atom/", for_machines(feeds.LatestArticlesAtomFeed(), tags.FEEDS), name="feed_atom"),
    path(
        "feeds/<slug:section_slug>/rss/",
        for_machines(feeds.SectionFeed(), tags.FEEDS),
        name="section_feed_rss",
    ),
    path(
        "feeds/<slug:section_slug>/atom/",
        for_machines(feeds.SectionAtomFeed(), tags.FEEDS),
        name="section_feed_atom",
    ),
    # An index of the sections' sitemap and one sitemap per month of articles.
    path("sitemap.xml", for_machines(sitemap_index, tags.SITEMAPS), name="sitemap"),
    re_path(
        r"^sitemap-articles-(?P<year>[0-9]{4})-(?P<month>[0-9]{2})\.xml$",
        for_machines(sitemap_month, tags.SITEMAPS),
        name="sitemap_month",
    ),
    path("sitemap-news.xml", for_machines(news_sitemap, tags.SITEMAPS), name="news_sitemap"),
    # Own template: lastmod with the time of day, not only the date.
    path(
        "sitemap-<slug:section>.xml",
        for_machines(sitemap_views.sitemap, tags.SITEMAPS),
        {"sitemaps": SITEMAPS, "template_name": "articles/sitemap.xml"},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("<slug:section_slug>/", views.section, name="section"),
    path(
        "<slug:section_slug>/archief/<int:year>/<int:month>/",
        views.section_month,
        name="section_month",
    ),
    path("<slug:section_slug>/<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:section_slug>/<slug:slug>/wijzigingen/", views.article_changes, name="changes"),
]
