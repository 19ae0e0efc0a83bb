"""Reads for the newsletter: which articles an edition offers, and in which order."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, FloatField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from articles.models import Article, Section

from .models import Edition, Subscriber


def edition_candidates(*, since: datetime, until: datetime, limit: int) -> list[Article]:
    """The articles a new edition starts with: the week's visible articles, best first.

    Best is what readers found most useful ("Vond je dit artikel nuttig?"), then the
    newest. Usefulness is the share of "ja" votes smoothed towards one half
    ((ja + 1) / (votes + 2)), so an article nobody voted on scores 0.5, one "ja"
    lifts it and one "nee" lowers it, without a single vote outweighing many.
    """
    yes = Cast(Count("votes", filter=Q(votes__useful=True)), FloatField())
    total = Cast(Count("votes"), FloatField())
    return list(
        Article.objects.visible(at=until)
        .filter(published_at__gt=since)
        .annotate(usefulness=(yes + 1) / (total + 2))
        .select_related("section")
        .order_by("-usefulness", "-published_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class EditionSection:
    section: Section
    articles: list[Article]
    lead: bool = False


def edition_sections(edition: Edition) -> list[EditionSection]:
    """The edition's articles still visible to readers, in their current text, in blocks.

    The one order of mail, preview and archive: the lead article (the lowest position)
    first, in a block of its own; then the others by section (the site's section order,
    the editor's order within) or, for Arrangement.EDITOR, in the editor's order, a new
    block whenever the section changes.
    """
    items = list(
        edition.items.filter(article__in=Article.objects.visible())
        .select_related("article__section", "article__lead_image")
        .prefetch_related("article__authors")
        .order_by("position", "pk")
    )
    if not items:
        return []
    lead, rest = items[0].article, [item.article for item in items[1:]]
    blocks = [EditionSection(lead.section, [lead], lead=True)]
    if edition.arrangement == Edition.Arrangement.SECTIONS:
        rest.sort(key=lambda article: (article.section.position, article.section.name))
        grouped: dict[int, EditionSection] = {}
        for article in rest:
            block = grouped.setdefault(article.section_id, EditionSection(article.section, []))
            block.articles.append(article)
        return [*blocks, *grouped.values()]
    for article in rest:
        if len(blocks) == 1 or blocks[-1].section.pk != article.section_id:
            blocks.append(EditionSection(article.section, []))
        blocks[-1].articles.append(article)
    return blocks


def recipient_count() -> int:
    """How many subscribers an edition sent now would go to."""
    return Subscriber.objects.receiving().count()


def edition_blocking_articles(edition: Edition) -> list[Article]:
    """Articles in the edition that readers can no longer see (unpublished since assembly)."""
    return [
        item.article
        for item in edition.items.exclude(article__in=Article.objects.visible()).select_related(
            "article"
        )
    ]


def edition_progress(edition: Edition) -> dict:
    """Sent / failed / remaining and the rate so far, for the admin."""
    progress = edition.deliveries.progress()
    rate = None
    if edition.send_started_at and progress["sent"]:
        end = edition.sent_at or timezone.now()
        minutes = max((end - edition.send_started_at).total_seconds() / 60, 1 / 60)
        rate = round(progress["sent"] / minutes)
    return {**progress, "per_minute": rate}
