"""Exact query counts of every public page and admin list, one named line per query.

Each page runs against several rows of everything it lists (sections, articles with two
authors and a photo, editions, subscribers, reports, votes), so a query per row would
change the count. The cache starts empty, so the navigation's query is counted.
"""

from datetime import UTC

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from articles.models import FrontPageSlot, InlineImage
from articles.roles import EINDREDACTEUR, HOOFDREDACTIE
from feedback.models import TypoReport, Vote
from newsletters.models import Delivery
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditionFactory,
    ImageFactory,
    SectionFactory,
    SubscriberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NAVIGATION = "the sections of the navigation (the cache is cold)"


@pytest.fixture
def content():
    authors = [AuthorFactory(), AuthorFactory()]
    sections = [SectionFactory(slug=slug) for slug in ("binnenland", "buitenland", "sport")]
    articles = [
        ArticleFactory(
            section=section,
            authors=authors,
            lead_image=ImageFactory(),
            headline=f"Trein nummer {number}",
        )
        for section in sections
        for number in range(3)
    ]
    ArticleFactory(section=sections[0], status="draft", published_at=None)
    for _ in range(2):
        InlineImage.objects.create(article=articles[1], image=ImageFactory())
    FrontPageSlot.objects.create(article=articles[4], position=0, breaking=True)
    FrontPageSlot.objects.create(article=articles[7], position=2)
    sent = EditionFactory(articles=articles[:4])
    sent.status, sent.send_started_at = "sent", timezone.now()
    sent.save()
    EditionFactory(articles=articles[4:6])  # scheduled: not public
    for subscriber in SubscriberFactory.create_batch(3):
        Delivery.objects.create(edition=sent, subscriber=subscriber)
    for number, article in enumerate(articles[:3]):
        TypoReport.objects.create(article=article, revision_number=1, quote="trein")
        Vote.objects.create(
            article=article, reader_hash=f"{number:064d}", useful=True, revision_number=1
        )
    return {
        "article": articles[0],
        "illustrated": articles[1],
        "edition": sent,
        "author": authors[0],
    }


PUBLIC_PAGES = {
    "home": (
        "/",
        [
            "the pinned stories still showing (lead and top places) with section and photo",
            "the latest articles not pinned, with section and photo",
            NAVIGATION,
            "the newest articles of each section (a UNION of one index-ordered LIMIT each)",
        ],
    ),
    "section": (
        "/sport/",
        [
            NAVIGATION + ", also the section the page is for",
            "the page of articles with section and photo, and one more for the older link",
        ],
    ),
    "article": (
        "{article}",
        ["the article with section and photo", "its authors", NAVIGATION],
    ),
    "article with photos in the text": (
        "{illustrated}",
        [
            "the article with section and lead photo",
            "its photos in the text with their images",
            "its authors",
            NAVIGATION,
        ],
    ),
    "change log": (
        "{article}wijzigingen/",
        ["the article with section", "its revisions", NAVIGATION],
    ),
    "search": (
        "/zoeken/?q=trein",
        [
            NAVIGATION + ", also the section choices of the form",
            "the count of the results (pagination)",
            "the page of results with section and photo",
        ],
    ),
    "search without a query": ("/zoeken/", [NAVIGATION]),
    "site feed": (
        "/feeds/rss/",
        ["the latest articles with section and photo", "their authors"],
    ),
    "section feed": (
        "/feeds/sport/atom/",
        ["the section", "its latest articles with section and photo", "their authors"],
    ),
    "sitemap index": (
        "/sitemap.xml",
        ["the oldest visible article (the first month)", "each month's latest change"],
    ),
    "month sitemap": ("/sitemap-articles-{month}.xml", ["the month's articles with section"]),
    "sections sitemap": (
        "/sitemap-sections.xml",
        ["the count of the sections (pagination)", "the sections"],
    ),
    "news sitemap": (
        "/sitemap-news.xml",
        ["the articles of the last 48 hours with their section slug"],
    ),
    "authors sitemap": (
        "/sitemap-authors.xml",
        ["the count of the authors (pagination)", "the authors"],
    ),
    "author page": (
        "{author}",
        [
            "the author",
            "the page of their articles with section and photo, and one more for the older link",
            NAVIGATION,
        ],
    ),
    "author page, older articles": (
        "{author}?voor={older}",
        [
            "the author",
            "the article the page starts after (the cursor)",
            "the page of their articles with section and photo, and one more for the older link",
            NAVIGATION,
        ],
    ),
    "author feed": (
        "/feeds/auteur/{author_slug}/rss/",
        ["the author", "their latest articles with section and photo", "their authors"],
    ),
    "privacy statement": ("/privacy/", [NAVIGATION]),
    "colofon": ("/colofon/", [NAVIGATION]),
    "archive index": ("/archief/", [NAVIGATION]),
    "page not found": (
        "/bestaat/niet/meer/echt/",
        ["the latest articles with section and photo", NAVIGATION],
    ),
    "favicon": ("/favicon.ico", []),
    "robots.txt": ("/robots.txt", []),
    "newsletter sign-up": ("/nieuwsbrief/", [NAVIGATION]),
    "newsletter check your mailbox": ("/nieuwsbrief/aangemeld/", [NAVIGATION]),
    "newsletter confirmed": ("/nieuwsbrief/bevestigd/", [NAVIGATION]),
    "newsletter archive": (
        "/nieuwsbrief/archief/",
        ["the count of the public editions (pagination)", NAVIGATION, "the page of editions"],
    ),
    "edition": (
        "{edition}",
        [
            "the edition",
            "its items with their visible articles, sections and photos",
            "their authors (prefetched, for the mail's bylines)",
            NAVIGATION,
        ],
    ),
}


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_a_public_page_runs_exactly_its_queries(client, content, django_assert_num_queries, page):
    url, queries = PUBLIC_PAGES[page]
    url = url.format(
        article=content["article"].get_absolute_url(),
        illustrated=content["illustrated"].get_absolute_url(),
        edition=content["edition"].get_absolute_url(),
        author=content["author"].get_absolute_url(),
        author_slug=content["author"].slug,
        older=content["illustrated"].pk,
        month=f"{content['article'].published_at.astimezone(UTC):%Y-%m}",
    )
    with django_assert_num_queries(len(queries)):
        response = client.get(url)
    assert response.status_code == (404 if page == "page not found" else 200)


@pytest.mark.parametrize("kind", ["unsubscribe", "confirm"])
def test_a_link_from_a_mail_runs_exactly_its_queries(
    client, content, django_assert_num_queries, kind
):
    from newsletters.models import ConsentRecord, Subscriber
    from newsletters.tokens import confirm_token, unsubscribe_token

    subscriber = Subscriber.objects.first()
    if kind == "unsubscribe":
        url = reverse("newsletters:unsubscribe", args=[unsubscribe_token(subscriber.pk)])
    else:
        consent = ConsentRecord.objects.create(subscriber=subscriber)
        url = reverse("newsletters:confirm", args=[confirm_token(consent.pk)])
    queries = [
        f"the {'subscriber' if kind == 'unsubscribe' else 'consent'} of the token",
        NAVIGATION,
    ]
    with django_assert_num_queries(len(queries)):
        response = client.get(url)
    assert response.status_code == 200


# Every admin page: the session, the user, and the user's own and group permissions.
ADMIN_REQUEST = ["the session", "the user", "the user's permissions", "the groups' permissions"]
COUNTS = [
    "the count of the rows shown (pagination)",
    "the count of all rows (Django's changelist shows it next to a filtered count)",
]

ADMIN_LISTS = {
    "articles_article": [
        *ADMIN_REQUEST[:2],
        "when the publication job last ran (the warning above the list)",
        "the cache purges that failed in the last day (the other warning)",
        *ADMIN_REQUEST[2:],
        "the sections of the section filter",
        *COUNTS,
        "the page of articles with their sections",
        "the first and last publication date (date hierarchy)",
        "the days with articles (date hierarchy)",
    ],
    "articles_image": [*ADMIN_REQUEST, *COUNTS, "the page of photos"],
    "articles_section": [*ADMIN_REQUEST, *COUNTS, "the page of sections"],
    "articles_author": [*ADMIN_REQUEST, *COUNTS, "the page of authors with their users"],
    "articles_articleredirect": [*ADMIN_REQUEST, *COUNTS, "the page of redirects with articles"],
    "articles_frontpageslot": [
        *ADMIN_REQUEST,
        *COUNTS,
        "the pinned stories with their articles and who pinned them",
    ],
    "feedback_typoreport": [
        *ADMIN_REQUEST,
        "the sections of the section filter",
        *COUNTS,
        "the page of reports with their articles and sections",
        "the first and last report date (date hierarchy)",
        "the days with reports (date hierarchy)",
    ],
    "feedback_articleusefulness": [
        *ADMIN_REQUEST,
        "the sections of the section filter",
        *COUNTS,
        "the page of articles with their vote counts and sections",
    ],
    "feedback_vote": [
        *ADMIN_REQUEST,
        "the sections of the section filter",
        *COUNTS,
        "the page of votes with their articles",
        "the first and last vote date (date hierarchy)",
        "the days with votes (date hierarchy)",
    ],
    "newsletters_edition": [
        *ADMIN_REQUEST,
        *COUNTS,
        "the page of editions",
        "the first and last week (date hierarchy)",
        "the weeks with editions (date hierarchy)",
    ],
    "newsletters_subscriber": [*ADMIN_REQUEST, *COUNTS, "the page of subscribers"],
    "newsletters_delivery": [
        *ADMIN_REQUEST,
        "the editions of the edition filter",
        *COUNTS,
        "the page of deliveries with their editions and subscribers",
    ],
}


@pytest.fixture
def chief(client, roles):
    client.force_login(UserFactory(username="chef", role=HOOFDREDACTIE))
    return client


@pytest.mark.parametrize("model", ADMIN_LISTS)
def test_an_admin_list_runs_exactly_its_queries(chief, content, django_assert_num_queries, model):
    queries = ADMIN_LISTS[model]
    with django_assert_num_queries(len(queries)):
        response = chief.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200


def test_the_revisions_of_an_article_run_exactly_their_queries(
    chief, content, django_assert_num_queries
):
    url = reverse("admin:articles_article_revisions", args=[content["article"].pk])
    queries = [
        *ADMIN_REQUEST[:2],
        "the article with its section",
        *ADMIN_REQUEST[2:],
        "the revisions with who made them",
    ]
    with django_assert_num_queries(len(queries)):
        response = chief.get(url)
    assert response.status_code == 200


@pytest.fixture
def desk(client, roles):
    client.force_login(UserFactory(username="eva", role=EINDREDACTEUR))
    ContentType.objects.clear_cache()  # kept per process: the count must not depend on order
    return client


@pytest.mark.parametrize("articles", [1, 3])
def test_the_change_page_of_an_edition_runs_exactly_its_queries(
    desk, django_assert_num_queries, articles
):
    edition = EditionFactory(articles=ArticleFactory.create_batch(articles))
    queries = [
        *ADMIN_REQUEST[:2],
        "the edition (for the progress box)",
        "the progress of its deliveries",
        *ADMIN_REQUEST[2:],
        "the edition (the form)",
        "its articles in order, with the articles",
        "the content type of editions (the change form's context)",
        # Django's autocomplete widget reads the label of its selected article itself.
        *["the label of one article (autocomplete widget)"] * articles,
    ]
    with django_assert_num_queries(len(queries)):
        response = desk.get(reverse("admin:newsletters_edition_change", args=[edition.pk]))
    assert response.status_code == 200


def test_the_add_page_of_an_edition_runs_exactly_its_queries(desk, django_assert_num_queries):
    queries = [*ADMIN_REQUEST, "the content type of editions (the change form's context)"]
    with django_assert_num_queries(len(queries)):
        assert desk.get(reverse("admin:newsletters_edition_add")).status_code == 200


@pytest.mark.parametrize("action", ["send", "schedule"])
def test_the_confirmation_of_a_send_runs_exactly_its_queries(
    desk, django_assert_num_queries, action
):
    edition = EditionFactory(articles=ArticleFactory.create_batch(3))
    SubscriberFactory.create_batch(2)
    queries = [
        *ADMIN_REQUEST[:2],
        "the edition",
        *ADMIN_REQUEST[2:],
        "its articles readers can no longer see (the check)",
        "whether it has articles (the check)",
        "the number of recipients",
        "the number of articles",
    ]
    url = reverse("admin:newsletters_edition_action", args=[edition.pk, action])
    with django_assert_num_queries(len(queries)):
        assert desk.get(url).status_code == 200


def test_the_form_to_pin_a_story_runs_exactly_its_queries(desk, django_assert_num_queries):
    queries = [*ADMIN_REQUEST, "the content type of pins (the change form's context)"]
    with django_assert_num_queries(len(queries)):
        assert desk.get(reverse("admin:articles_frontpageslot_add")).status_code == 200


# Django caches content types per process: cleared first, so that the count never depends on
# which test ran before.
CONTENT_TYPE = "the model's content type (Django's link to the page on the site)"


@pytest.fixture
def cold_content_types():
    ContentType.objects.clear_cache()


ARTICLE_FORM = [
    *ADMIN_REQUEST[:2],
    "the article",
    *ADMIN_REQUEST[2:],
    "its authors (the form's initial byline)",
    "its photos in the text (the inline formset)",
    "the same, for the proofing panel's article",
    "the lead photo (the proofing panel checks its texts)",
    "the newsroom's word list (proofing)",
    "the open typo reports' quotes and corrections (proofing)",
    "the rule settings (proofing)",
    CONTENT_TYPE,
    "the sections of the section field",
    "the lead photo of the autocomplete field",
    "the authors of the autocomplete field",
]


def test_the_article_form_runs_exactly_its_queries(
    chief, content, cold_content_types, django_assert_num_queries
):
    url = reverse("admin:articles_article_change", args=[content["article"].pk])
    with django_assert_num_queries(len(ARTICLE_FORM)):
        response = chief.get(url)
    assert response.status_code == 200


def test_the_article_form_from_a_typo_report_adds_only_the_report(
    chief, content, cold_content_types, django_assert_num_queries
):
    report = TypoReport.objects.filter(article=content["article"]).get()
    url = reverse("admin:articles_article_change", args=[content["article"].pk])
    at = ARTICLE_FORM.index(CONTENT_TYPE)
    queries = [*ARTICLE_FORM[:at], "the typo report shown above the form", *ARTICLE_FORM[at:]]
    with django_assert_num_queries(len(queries)):
        response = chief.get(url, {"typo": report.pk})
    assert b"data-typo-quote" in response.content


def test_a_typo_report_runs_exactly_its_queries(
    chief, content, cold_content_types, django_assert_num_queries
):
    report = TypoReport.objects.filter(article=content["article"]).get()
    queries = [
        *ADMIN_REQUEST[:2],
        "the report with its article and section",
        *ADMIN_REQUEST[2:],
        CONTENT_TYPE,
    ]
    with django_assert_num_queries(len(queries)):
        response = chief.get(reverse("admin:feedback_typoreport_change", args=[report.pk]))
    assert response.status_code == 200
