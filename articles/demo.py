"""Demo content for a first run: sections, authors and Dutch articles written for Kopij.

The lead stories get a photo painted at load time (demo_photos.py), with alt text, caption
and credit like any photo an editor uploads.
"""

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape

from . import services
from .demo_photos import photo_jpeg
from .models import Article, Author, Image, Revision, Section
from .policy import SYSTEM

CONTENT_FILE = Path(__file__).parent / "demo_data" / "content.json"

# (slug, name, in main navigation). Order is the navigation order.
SECTIONS = [
    ("krant", "Krant", True),
    ("media", "Media", True),
    ("puzzels", "Puzzels", True),
    ("binnenland", "Binnenland", False),
    ("buitenland", "Buitenland", False),
    ("economie", "Economie", False),
    ("kerk-religie", "Kerk & religie", False),
    ("sport", "Sport", False),
    ("opinie", "Opinie", False),
    ("cultuur", "Cultuur", False),
]


def _local(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


@transaction.atomic
def load_demo_content() -> dict[str, int]:
    """Create what is missing; never overwrite what editors changed. Returns counts created."""
    data = json.loads(CONTENT_FILE.read_text(encoding="utf-8"))
    created = {"sections": 0, "authors": 0, "articles": 0}

    sections = {}
    for position, (slug, name, in_nav) in enumerate(SECTIONS, start=1):
        section, was_created = Section.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position * 10, "in_nav": in_nav}
        )
        sections[slug] = section
        created["sections"] += was_created

    authors = {}
    for entry in data["authors"]:
        author, was_created = Author.objects.get_or_create(
            slug=entry["slug"], defaults={"name": entry["name"], "bio": entry["bio"]}
        )
        authors[author.slug] = author
        created["authors"] += was_created

    existing = set(Article.objects.values_list("slug", flat=True))
    for number, entry in enumerate(data["articles"]):
        if entry["slug"] in existing:
            continue
        # An article with a later edit starts without its last paragraph, which that
        # edit (an `update`, with its note) adds: page, change log and history agree.
        paragraphs = [f"<p>{escape(paragraph)}</p>" for paragraph in entry["body"]]
        first_body = paragraphs[:-1] if entry.get("modified") else paragraphs
        article = Article(
            section=sections[entry["section"]],
            headline=entry["headline"],
            slug=entry["slug"],
            lede=entry["lede"],
            body="".join(first_body),
            status=Article.Status.PUBLISHED,
            published_at=_local(entry["published"]),
            lead_image=_photo(entry["photo"], seed=number) if "photo" in entry else None,
        )
        byline = [authors[slug] for slug in entry["authors"]]
        services.article_create(article=article, by=SYSTEM, authors=byline, at=article.published_at)
        if entry.get("modified"):
            article.body = "".join(paragraphs)
            services.article_save(
                article=article,
                by=SYSTEM,
                kind=Revision.Kind.UPDATE,
                public_note=entry.get("update_note", ""),
                at=_local(entry["modified"]),
            )
        created["articles"] += 1
    return created


def _photo(entry: dict, *, seed: int) -> Image:
    """A painted photo, saved like an upload; its renditions are queued as for one."""
    data = photo_jpeg(entry["scene"], seed=seed)
    image = Image(
        file=ContentFile(data, name=f"demo-{entry['scene']}.jpg"),
        file_size=len(data),
        alt=entry["alt"],
        caption=entry["caption"],
        credit=entry["credit"],
    )
    services.image_change(image=image, by=SYSTEM, changed={"file", "alt", "caption", "credit"})
    return image
