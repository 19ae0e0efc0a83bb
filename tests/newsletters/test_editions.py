import email
import email.policy
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from articles.policy import SYSTEM
from newsletters.mail import BatchMessages, edition_message, render_edition
from newsletters.models import Edition
from newsletters.selectors import edition_sections
from newsletters.services import editions, sending
from newsletters.tokens import read_unsubscribe_token
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    EditionFactory,
    ImageFactory,
    SectionFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
FRIDAY_6 = datetime(2026, 11, 27, 6, 0, tzinfo=AMS)


class TestAssembly:
    def test_it_takes_the_weeks_visible_articles_newest_first(self, settings):
        settings.NEWSLETTER_EDITION_SIZE = 2
        old = ArticleFactory(published_at=FRIDAY_6 - timedelta(days=8))
        first = ArticleFactory(published_at=FRIDAY_6 - timedelta(days=5))
        second = ArticleFactory(published_at=FRIDAY_6 - timedelta(days=1))
        newest = ArticleFactory(published_at=FRIDAY_6 - timedelta(hours=1))
        ArticleFactory(published_at=FRIDAY_6 - timedelta(days=2), status=Article.Status.DRAFT)
        edition = editions.edition_assemble(by=SYSTEM, now=FRIDAY_6)
        assert [item.article for item in edition.items.all()] == [newest, second]
        assert old not in edition.articles.all() and first not in edition.articles.all()
        assert edition.week.isoformat() == "2026-11-23"
        assert edition.subject == "Nieuwsbrief Kopij, week 48"
        assert edition.status == "scheduled"
        assert timezone.localtime(edition.scheduled_at) == FRIDAY_6 + timedelta(hours=1)

    def test_what_readers_found_useful_comes_first_then_the_newest(self, settings):
        from feedback.models import Vote

        def votes(article, *answers):
            for number, useful in enumerate(answers):
                Vote.objects.create(
                    article=article, reader_hash=f"lezer-{number}", useful=useful, revision_number=1
                )

        settings.NEWSLETTER_EDITION_SIZE = 3
        useful = ArticleFactory(published_at=FRIDAY_6 - timedelta(days=4))
        votes(useful, True, True, True, False)
        not_useful = ArticleFactory(published_at=FRIDAY_6 - timedelta(hours=2))
        votes(not_useful, False, False)
        unvoted_old = ArticleFactory(published_at=FRIDAY_6 - timedelta(days=3))
        unvoted_new = ArticleFactory(published_at=FRIDAY_6 - timedelta(days=1))
        edition = editions.edition_assemble(by=SYSTEM, now=FRIDAY_6)
        assert [item.article for item in edition.items.all()] == [useful, unvoted_new, unvoted_old]
        assert not_useful not in edition.articles.all()

    def test_running_twice_in_a_week_makes_one_edition(self):
        ArticleFactory(published_at=FRIDAY_6 - timedelta(days=1))
        assert editions.edition_assemble(by=SYSTEM, now=FRIDAY_6) is not None
        assert editions.edition_assemble(by=SYSTEM, now=FRIDAY_6 + timedelta(hours=2)) is None
        assert Edition.objects.count() == 1

    def test_the_database_refuses_a_second_edition_for_a_week(self):
        EditionFactory(week=FRIDAY_6.date())
        with pytest.raises(IntegrityError), transaction.atomic():
            EditionFactory(week=FRIDAY_6.date())

    def test_a_week_without_articles_gives_a_held_edition(self):
        edition = editions.edition_assemble(by=SYSTEM, now=FRIDAY_6)
        assert edition.status == "held"
        assert edition.notice == "Deze week zijn er geen artikelen gepubliceerd."

    def test_the_lead_comes_first_then_the_others_by_section_in_the_sites_order(self):
        binnenland = SectionFactory(name="Binnenland", slug="binnenland", position=1)
        buitenland = SectionFactory(name="Buitenland", slug="buitenland", position=2)
        a = ArticleFactory(section=buitenland)
        b = ArticleFactory(section=binnenland)
        c = ArticleFactory(section=buitenland)
        d = ArticleFactory(section=buitenland)
        edition = EditionFactory(articles=[a, c, b, d])
        grouped = [
            (block.section.name, block.articles, block.lead) for block in edition_sections(edition)
        ]
        assert grouped == [
            ("Buitenland", [a], True),
            ("Binnenland", [b], False),
            ("Buitenland", [c, d], False),
        ]

    def test_in_the_editors_order_a_new_block_starts_when_the_section_changes(self):
        binnenland = SectionFactory(name="Binnenland", slug="binnenland", position=1)
        buitenland = SectionFactory(name="Buitenland", slug="buitenland", position=2)
        a = ArticleFactory(section=buitenland)
        b = ArticleFactory(section=buitenland)
        c = ArticleFactory(section=binnenland)
        d = ArticleFactory(section=buitenland)
        edition = EditionFactory(articles=[a, b, c, d], arrangement="editor")
        grouped = [(block.section.name, block.articles) for block in edition_sections(edition)]
        assert grouped == [
            ("Buitenland", [a]),
            ("Buitenland", [b]),
            ("Binnenland", [c]),
            ("Buitenland", [d]),
        ]


class TestTheMail:
    @pytest.fixture
    def sent(self, mail_server, django_capture_on_commit_callbacks):
        section = SectionFactory(name="Economie", slug="economie")
        article = ArticleFactory(
            section=section,
            headline="Rente <b>stijgt</b> & spaarders blij",
            lede="De rente stijgt. Spaarders zijn blij.",
        )
        edition = EditionFactory(intro="Beste lezer,\nhier is de week.", articles=[article])
        subscriber = SubscriberFactory(email="lezer@voorbeeld.nl")
        editions.edition_start_send(edition=edition, by=SYSTEM)
        sending.edition_send_batch(edition_id=edition.pk)
        (message,) = mail_server.messages
        return message, edition, subscriber, article

    def test_it_is_multipart_alternative_with_text_and_inlined_html(self, sent):
        message, edition, _subscriber, article = sent
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "Rente <b>stijgt</b> & spaarders blij" in text
        assert "De rente stijgt. Spaarders zijn blij." in text
        assert f"http://testserver{article.get_absolute_url()}" in text
        assert "== UITGELICHT · ECONOMIE ==" in text
        assert "Rente &lt;b&gt;stijgt&lt;/b&gt; &amp; spaarders blij" in html
        assert "<style" not in html and 'style="' in html  # CSS inlined
        assert f"http://testserver{edition.get_absolute_url()}" in html
        assert "Bekijk in de browser" in html and "Bekijk in de browser" in text

    def test_the_headers_are_set_for_one_click_unsubscribe(self, sent):
        message, _edition, subscriber, _article = sent
        assert message["From"] == "Kopij <noreply@example.nl>"
        assert message["To"] == "lezer@voorbeeld.nl"
        assert message["Message-ID"].endswith("@testserver>")
        assert abs(parsedate_to_datetime(message["Date"]) - timezone.now()) < timedelta(minutes=1)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url, mailto = (part.strip(" <>") for part in message["List-Unsubscribe"].split(","))
        assert url.startswith("http://testserver/nieuwsbrief/afmelden/")
        token = url.rstrip("/").rsplit("/", 1)[1]
        assert read_unsubscribe_token(token) == subscriber.pk
        assert mailto == f"mailto:afmelden@example.nl?subject={token}"

    def test_the_unsubscribe_link_in_both_parts_is_personal_and_works(self, sent, client):
        message, _edition, subscriber, _article = sent
        url = message["List-Unsubscribe"].split(",")[0].strip(" <>")
        assert url in message.get_body(("plain",)).get_content()
        assert url in message.get_body(("html",)).get_content()
        response = client.post(
            url.removeprefix("http://testserver"), {"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 200
        subscriber.refresh_from_db()
        assert subscriber.status == "unsubscribed"

    def test_copies_built_from_the_batch_template_match_the_ordinary_message(self, sent):
        message, edition, subscriber, _article = sent
        rendered = render_edition(edition)
        batch = BatchMessages(rendered)
        assert batch.usable
        ordinary = edition_message(
            rendered, to=subscriber.email, subscriber_id=subscriber.pk, message_id="<x@y>"
        ).message()
        fast = batch.message_bytes(
            to=subscriber.email, subscriber_id=subscriber.pk, message_id="<x@y>"
        )
        parsed = email.message_from_bytes(fast, policy=email.policy.default)
        for header in ("To", "Message-ID", "List-Unsubscribe", "Subject", "From"):
            assert " ".join(str(parsed[header]).split()) == " ".join(str(ordinary[header]).split())
        assert parsed.get_body(("html",)).get_content() == message.get_body(("html",)).get_content()

    def test_each_article_shows_its_photo_with_credit_and_its_byline(self, mail_server):
        image = ImageFactory(renditions={"800": {"webp": "r/800.webp", "jpeg": "r/800.jpg"}})
        article = ArticleFactory(
            lead_image=image,
            authors=[AuthorFactory(name="Marieke van Doorn")],
            published_at=datetime(2025, 5, 9, 10, 43, tzinfo=ZoneInfo("Europe/Amsterdam")),
        )
        edition = EditionFactory(articles=[article])
        SubscriberFactory()
        editions.edition_start_send(edition=edition, by=SYSTEM)
        sending.edition_send_batch(edition_id=edition.pk)
        (message,) = mail_server.messages
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        assert 'src="http://testserver/uploads/r/800.jpg"' in html
        assert 'alt="Een trein rijdt over een brug bij Arnhem"' in html
        assert "De nieuwe verbinding naar Duitsland. Foto: Jan Jansen / ANP" in html
        for part in (html, text):
            assert "Door Marieke van Doorn · 9 mei 2025 10:43" in part

    def test_an_address_that_is_not_ascii_gets_an_ordinary_message(self, mail_server):
        edition = EditionFactory(articles=[ArticleFactory()], status="sending")
        subscriber = SubscriberFactory(email="lezer@bücher.nl")
        edition.deliveries.create(subscriber=subscriber)
        assert (
            BatchMessages(render_edition(edition)).message_bytes(
                to=subscriber.email, subscriber_id=subscriber.pk, message_id="<x@y>"
            )
            is None
        )
        sending.edition_send_batch(edition_id=edition.pk)
        assert mail_server.recipients() == ["lezer@xn--bcher-kva.nl"]


class TestWebPages:
    def test_a_sent_edition_is_a_public_page_and_in_the_archive(self, client):
        article = ArticleFactory(headline="Nieuwe brug geopend")
        edition = EditionFactory(articles=[article], status="sent", send_started_at=timezone.now())
        page = client.get(f"/nieuwsbrief/{edition.pk}/")
        assert page.status_code == 200
        assert "Nieuwe brug geopend" in page.content.decode()
        assert "public" in page["Cache-Control"]
        archive = client.get("/nieuwsbrief/archief/").content.decode()
        assert f'href="/nieuwsbrief/{edition.pk}/"' in archive

    def test_an_unsent_or_unknown_edition_is_404(self, client):
        edition = EditionFactory(articles=[ArticleFactory()])
        assert client.get(f"/nieuwsbrief/{edition.pk}/").status_code == 404
        assert client.get("/nieuwsbrief/999999/").status_code == 404
        assert client.get("/nieuwsbrief/archief/").content.decode().count("teaser__headline") == 0

    def test_an_article_unpublished_after_the_send_disappears_from_the_web_edition(self, client):
        gone = ArticleFactory(headline="Ingetrokken bericht")
        edition = EditionFactory(articles=[gone, ArticleFactory()], status="sent")
        Article.objects.filter(pk=gone.pk).update(status=Article.Status.UNPUBLISHED)
        assert (
            "Ingetrokken bericht" not in client.get(f"/nieuwsbrief/{edition.pk}/").content.decode()
        )

    def test_the_archive_post_is_405(self, client):
        assert client.post("/nieuwsbrief/archief/").status_code == 405


def test_a_subscriber_email_must_be_normalised_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        SubscriberFactory(email="Hoofdletters@Voorbeeld.nl")
