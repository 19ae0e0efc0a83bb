"""The editors' desk for editions: add, assemble now, arrange, confirm, send; refusals."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from articles.models import Article
from articles.roles import EINDREDACTEUR, VERSLAGGEVER
from newsletters.models import Edition, monday_of
from newsletters.selectors import edition_sections
from newsletters.services import editions
from tests.factories import ArticleFactory, EditionFactory, SubscriberFactory, UserFactory
from tests.newsletters.test_admin import CONFIRMED, url

# The roles: a transactional test before these (PostgreSQL leg) may have flushed the groups.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]
AMS = ZoneInfo("Europe/Amsterdam")
WEDNESDAY = datetime(2026, 11, 25, 14, 0, tzinfo=AMS)


@pytest.fixture
def eva(roles):
    return UserFactory(username="eva", email="eva@kopij.test", role=EINDREDACTEUR)


@pytest.fixture
def editor(client, eva):
    client.force_login(eva)
    return client


@pytest.fixture
def reporter(client):
    client.force_login(UserFactory(username="victor", role=VERSLAGGEVER))
    return client


@pytest.fixture
def edition():
    return EditionFactory(articles=[ArticleFactory(headline="Eerste"), ArticleFactory()])


class TestAddingAndAssembling:
    def test_an_editor_adds_an_edition_by_hand_and_it_is_held(self, editor):
        response = editor.post(
            "/admin/newsletters/edition/add/",
            {
                "subject": "Extra editie: de verkiezingen",
                "intro": "",
                "arrangement": "editor",
                "scheduled_at_0": "04-12-2026",
                "scheduled_at_1": "07:00:00",
                "week": "2026-12-02",
                "items-TOTAL_FORMS": "0",
                "items-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302
        edition = Edition.objects.get()
        assert (edition.status, edition.arrangement) == ("held", "editor")
        assert edition.week.isoformat() == "2026-11-30"  # the Monday of that week
        form = editor.get("/admin/newsletters/edition/add/").content.decode()
        assert "bewaard wordt de maandag van die week" in form

    def test_assemble_now_makes_this_weeks_edition_with_the_beat_jobs_selection(
        self, editor, settings
    ):
        settings.NEWSLETTER_EDITION_SIZE = 2
        with time_machine.travel(WEDNESDAY, tick=False):
            old = ArticleFactory(published_at=WEDNESDAY - timedelta(days=8))
            first = ArticleFactory(published_at=WEDNESDAY - timedelta(days=2))
            newest = ArticleFactory(published_at=WEDNESDAY - timedelta(hours=1))
            response = editor.post("/admin/newsletters/edition/assemble/", follow=True)
        edition = Edition.objects.get()
        assert [item.article for item in edition.items.all()] == [newest, first]
        assert old not in edition.articles.all()
        assert edition.status == "held"  # nothing goes out without the editor's confirmation
        assert "is samengesteld met 2 artikelen" in response.content.decode()

    def test_assembling_again_in_the_same_week_opens_the_existing_edition(self, editor):
        with time_machine.travel(WEDNESDAY, tick=False):
            editor.post("/admin/newsletters/edition/assemble/")
            response = editor.post("/admin/newsletters/edition/assemble/", follow=True)
        assert Edition.objects.count() == 1
        assert "bestaat al" in response.content.decode()

    def test_assemble_now_on_an_edition_replaces_its_articles(self, editor):
        edition = EditionFactory(
            week=monday_of(timezone.localdate()), articles=[ArticleFactory(headline="Oud")]
        )
        fresh = ArticleFactory(published_at=timezone.now() - timedelta(minutes=5))
        response = editor.post(url(edition, "actions/fill/"), follow=True)
        assert fresh in edition.articles.all()
        assert "beste artikelen van deze week" in response.content.decode()

    def test_the_list_offers_assemble_and_shows_when_an_edition_went_out(self, editor, edition):
        sent_at = datetime(2026, 11, 27, 6, 12, tzinfo=AMS)
        Edition.objects.filter(pk=edition.pk).update(
            status="sent", send_started_at=sent_at - timedelta(minutes=12), sent_at=sent_at
        )
        html = editor.get("/admin/newsletters/edition/").content.decode()
        assert "Editie van deze week nu samenstellen" in html
        assert "27 november 2026 06:12" in html

    def test_a_reporter_may_neither_add_nor_assemble(self, reporter):
        assert reporter.post("/admin/newsletters/edition/assemble/").status_code == 403
        assert reporter.get("/admin/newsletters/edition/add/").status_code == 403
        assert not Edition.objects.exists()

    def test_assemble_needs_post(self, editor):
        assert editor.get("/admin/newsletters/edition/assemble/").status_code == 405
        assert not Edition.objects.exists()


class TestConfirmation:
    def test_send_now_asks_first_with_the_number_of_recipients(self, editor, edition):
        SubscriberFactory.create_batch(3)
        SubscriberFactory(status="unsubscribed")
        response = editor.get(url(edition, "actions/send/"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Deze editie nu verzenden?" in html
        assert "Ja, verzend naar 3 abonnees" in html
        assert Edition.objects.get().status == "scheduled"
        assert mail.outbox == []

    def test_a_post_without_the_confirmation_only_asks(self, editor, edition):
        SubscriberFactory()
        response = editor.post(url(edition, "actions/send/"))
        assert response.status_code == 200
        assert "Ja, verzend naar 1 abonnee" in response.content.decode()
        assert Edition.objects.get().status == "scheduled"

    def test_the_confirmed_send_goes_out_and_shows_when(
        self, editor, edition, django_capture_on_commit_callbacks
    ):
        SubscriberFactory.create_batch(2)
        with django_capture_on_commit_callbacks(execute=True):
            editor.post(url(edition, "actions/send/"), CONFIRMED)
        edition.refresh_from_db()
        assert (edition.status, len(mail.outbox)) == ("sent", 2)
        html = editor.get(url(edition, "change/")).content.decode()
        assert "Verzonden:" in html and edition.sent_at is not None

    def test_schedule_asks_first_and_then_schedules(self, editor, edition):
        Edition.objects.filter(pk=edition.pk).update(status="held")
        asked = editor.get(url(edition, "actions/schedule/")).content.decode()
        assert "Deze editie inplannen?" in asked and "Gaat uit om" in asked
        assert Edition.objects.get().status == "held"
        editor.post(url(edition, "actions/schedule/"), CONFIRMED)
        assert Edition.objects.get().status == "scheduled"

    def test_the_confirmed_send_needs_a_csrf_token(self, eva, edition):
        client = Client(enforce_csrf_checks=True)
        client.force_login(eva)
        assert client.post(url(edition, "actions/send/"), CONFIRMED).status_code == 403
        assert Edition.objects.get().status == "scheduled"


class TestRefusals:
    def test_an_empty_edition_is_refused_in_dutch_and_nothing_changes(self, editor):
        empty = EditionFactory()
        SubscriberFactory()
        response = editor.get(url(empty, "actions/send/"))
        html = response.content.decode()
        assert "Deze editie bevat geen artikelen." in html
        assert "Ja, verzend" not in html
        response = editor.post(url(empty, "actions/send/"), CONFIRMED, follow=True)
        assert "Deze editie bevat geen artikelen." in response.content.decode()
        assert Edition.objects.get().status == "scheduled"
        assert not empty.deliveries.exists()

    def test_an_edition_without_a_subject_is_refused(self, editor, edition):
        Edition.objects.filter(pk=edition.pk).update(subject="   ")
        response = editor.post(url(edition, "actions/send/"), CONFIRMED, follow=True)
        assert "Deze editie heeft geen onderwerp." in response.content.decode()
        assert Edition.objects.get().status == "scheduled"

    def test_scheduling_at_a_time_that_passed_is_refused(self, editor, edition):
        Edition.objects.filter(pk=edition.pk).update(
            status="held", scheduled_at=timezone.now() - timedelta(hours=1)
        )
        asked = editor.get(url(edition, "actions/schedule/")).content.decode()
        assert "Het verzendtijdstip is al voorbij" in asked
        response = editor.post(url(edition, "actions/schedule/"), CONFIRMED, follow=True)
        assert "Het verzendtijdstip is al voorbij" in response.content.decode()
        assert Edition.objects.get().status == "held"

    def test_a_reporters_direct_post_to_send_is_refused(self, reporter, edition):
        SubscriberFactory()
        response = reporter.post(url(edition, "actions/send/"), CONFIRMED)
        assert response.status_code == 403
        assert "Geen toegang" in response.content.decode()
        assert Edition.objects.get().status == "scheduled"
        assert reporter.get(url(edition, "actions/send/")).status_code == 403

    def test_the_services_refuse_a_reporter_too(self, edition):
        reporter = UserFactory(username="victor", role=VERSLAGGEVER)
        for call in (
            lambda: editions.edition_start_send(edition=edition, by=reporter),
            lambda: editions.edition_schedule(edition=edition, at=timezone.now(), by=reporter),
            lambda: editions.edition_fill(edition=edition, by=reporter),
            lambda: editions.edition_assemble(by=reporter),
        ):
            with pytest.raises(PermissionDenied):
                call()
        assert Edition.objects.get().status == "scheduled"

    def test_a_sent_edition_cannot_be_assembled_again(self, editor, edition):
        Edition.objects.filter(pk=edition.pk).update(status="sent")
        response = editor.post(url(edition, "actions/fill/"))
        assert response.status_code == 403
        assert edition.items.count() == 2


class TestOrder:
    def test_the_lead_comes_first_in_the_preview_and_the_archive(self, editor, client):
        binnenland = ArticleFactory(headline="Binnenlands nieuws")
        donau = ArticleFactory(headline="Donau bevaarbaar")
        edition = EditionFactory(articles=[binnenland, donau])
        edition.items.filter(article=donau).update(position=0)
        preview = editor.get(url(edition, "preview/text/")).content.decode()
        assert preview.index("Donau bevaarbaar") < preview.index("Binnenlands nieuws")
        Edition.objects.filter(pk=edition.pk).update(status="sent")
        page = Client().get(edition.get_absolute_url()).content.decode()
        assert page.index("Donau bevaarbaar") < page.index("Binnenlands nieuws")
        assert "Uitgelicht" in page

    def test_an_unpublished_lead_gives_its_place_to_the_next(self):
        gone = ArticleFactory(headline="Teruggetrokken")
        next_one = ArticleFactory(headline="Volgende")
        edition = EditionFactory(articles=[gone, next_one])
        Article.objects.filter(pk=gone.pk).update(status=Article.Status.UNPUBLISHED)
        assert edition_sections(edition)[0].articles == [next_one]


def test_an_article_added_without_a_position_goes_last_not_first(editor):
    edition = EditionFactory(articles=[ArticleFactory(headline="Opening")])
    html = editor.get(url(edition, "change/")).content.decode()
    assert 'name="items-1-position" value="99"' in html
    assert 'name="items-0-position" value="1"' in html
