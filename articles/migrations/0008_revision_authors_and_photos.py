from django.db import migrations, models


def photo(image):
    return {"id": image.pk, "alt": image.alt, "caption": image.caption, "credit": image.credit}


def keep_author_ids_and_current_photos(apps, schema_editor):
    """Earlier revisions kept only author names, and no photos.

    A name gets its author's id back when the article's authors, or else all authors, have
    exactly one of that name; otherwise the name stays without an id (it cannot be restored).
    The newest revision of each article is the live version, so it gets the current photos;
    older ones keep NULL: what they showed is not known.
    """
    Article = apps.get_model("articles", "Article")
    Author = apps.get_model("articles", "Author")
    Revision = apps.get_model("articles", "Revision")
    ids_by_name = {}
    for pk, name in Author.objects.values_list("pk", "name"):
        ids_by_name.setdefault(name, []).append(pk)
    articles = Article.objects.prefetch_related("authors", "inline_images__image").select_related(
        "lead_image"
    )
    for article in articles.iterator(chunk_size=200):
        own = {}
        for author in article.authors.all():
            own.setdefault(author.name, []).append(author.pk)
        revisions = list(Revision.objects.filter(article=article).order_by("-number"))
        for revision in revisions:
            revision.authors = [
                {"id": _only(own.get(name)) or _only(ids_by_name.get(name)), "name": name}
                for name in revision.author_names
            ]
        if revisions:
            revisions[0].images = {
                "lead": photo(article.lead_image) if article.lead_image else None,
                "inline": [
                    {**photo(inline.image), "after_paragraph": inline.after_paragraph}
                    for inline in sorted(
                        article.inline_images.all(), key=lambda i: (i.after_paragraph, i.pk)
                    )
                ],
            }
        Revision.objects.bulk_update(revisions, ["authors", "images"])


def _only(ids):
    return ids[0] if ids and len(ids) == 1 else None


def keep_author_names(apps, schema_editor):
    Revision = apps.get_model("articles", "Revision")
    revisions = list(Revision.objects.only("pk", "authors"))
    for revision in revisions:
        revision.author_names = [author["name"] for author in revision.authors]
    Revision.objects.bulk_update(revisions, ["author_names"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_merge_revisions_and_images"),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="authors",
            field=models.JSONField(blank=True, default=list, verbose_name="authors"),
        ),
        migrations.AddField(
            model_name="revision",
            name="images",
            field=models.JSONField(blank=True, null=True, verbose_name="photos"),
        ),
        migrations.RunPython(keep_author_ids_and_current_photos, keep_author_names),
        migrations.RemoveField(
            model_name="revision",
            name="author_names",
        ),
    ]
