from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles import services
from articles.models import Article, Author, Image, Section
from articles.policy import SYSTEM


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Rubriek {n}")
    slug = factory.Sequence(lambda n: f"rubriek-{n}")
    position = factory.Sequence(lambda n: n)


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Journalist {n}")
    slug = factory.Sequence(lambda n: f"journalist-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    section = factory.SubFactory(SectionFactory)
    headline = factory.Sequence(lambda n: f"Kabinet neemt besluit nummer {n}")
    slug = factory.Sequence(lambda n: f"kabinet-neemt-besluit-{n}")
    lede = "Het kabinet heeft een besluit genomen. Dat meldt een woordvoerder."
    body = "<p>Eerste alinea van het artikel.</p><p>Tweede alinea met meer uitleg.</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    authors = ()

    @classmethod
    def _build(cls, model_class, *args, authors=(), **kwargs):
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, authors=(), **kwargs):
        """Through the workflow, as the site itself: one revision, byline included."""
        article = model_class(*args, **kwargs)
        services.article_create(article=article, by=SYSTEM, authors=list(authors))
        return article


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "geheim-wachtwoord-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    file = factory.django.ImageField(width=1000, height=600, format="JPEG", color="navy")
    file_size = 1234
    alt = "Een trein rijdt over een brug bij Arnhem"
    caption = "De nieuwe verbinding naar Duitsland."
    credit = "Jan Jansen / ANP"


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "newsletters.Subscriber"

    email = factory.Sequence(lambda n: f"lezer{n}@voorbeeld.nl")
    status = "confirmed"
    confirmed_at = factory.LazyFunction(timezone.now)


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "newsletters.Edition"
        skip_postgeneration_save = True

    week = factory.Sequence(lambda n: timezone.localdate() - timedelta(weeks=n, days=0))
    subject = factory.Sequence(lambda n: f"Kopij nieuwsbrief, editie {n}")
    intro = "Goedemorgen! Dit was de week in het kort."
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))

    @factory.post_generation
    def articles(self, create, extracted, **kwargs):
        if create and extracted:
            for position, article in enumerate(extracted, start=1):
                self.items.create(article=article, position=position)


def save_change(
    article, *, kind="typo", public_note="", internal_note="", at=None, by=SYSTEM, **fields
):
    """Change `fields` of `article` and save it through the workflow, as `by` (the site).

    The kind is kept only for articles readers have seen; returns the new revision.
    """
    for name, value in fields.items():
        setattr(article, name, value)
    return services.article_save(
        article=article,
        by=by,
        kind=kind,
        public_note=public_note,
        internal_note=internal_note,
        at=at,
    )


def new_article_form(section, **overrides) -> dict:
    """What the admin's add form posts for a new draft in `section`, plus `overrides`."""
    return {
        "section": section.pk,
        "headline": "Nieuwe brug",
        "slug": "nieuwe-brug",
        "lede": "Er komt een brug.",
        "body": "<p>Tekst.</p>",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "inline_images-TOTAL_FORMS": "0",
        "inline_images-INITIAL_FORMS": "0",
        **overrides,
    }
