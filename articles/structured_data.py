"""What search engines and social networks read from an article page."""

from django.conf import settings

from newsroom.links import absolute_url


def news_article(article, authors) -> dict:
    """schema.org NewsArticle of a published article."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": absolute_url(article.get_absolute_url()),
        "headline": article.headline[:110],
        "description": article.lede,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.last_modified.isoformat(),
        "author": [{"@type": "Person", "name": author.name} for author in authors],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": absolute_url("/"),
        },
        "articleSection": article.section.name,
        "inLanguage": "nl",
    }
    if article.lead_image:
        data["image"] = [absolute_url(article.lead_image.share_url())]
    return data
