from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from articles.roles import EINDREDACTEUR, HOOFDREDACTIE, VERSLAGGEVER
from newsletters.models import Delivery, Edition, Subscriber
from newsletters.services import editions
from tests.factories import ArticleFactory, EditionFactory, SubscriberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = UserFactory(username="eva", email="eva@kopij.test", role=EINDREDACTEUR)
    client.force_login(user)
    return client


@pytest.fixture
def edition():
    return EditionFactory(
        articles=[ArticleFactory(headline="Eerste bericht"), ArticleFactory(headline="Tweede")]
    )


CONFIRMED = {"confirmed": "yes"}


def url(edition, suffix=""):
    return f"/admin/newsletters/edition/{edition.pk}/{suffix}"


def inline_form(edition, **overrides):
    items = list(edition.items.all())
    data = {
        "subject": edition.subject,
        "intro": "Nieuwe inleiding van de redactie.",
        "arrangement": edition.arrangement,
        "scheduled_at_0": "28-11-2026",
        "scheduled_at_1": "07:00:00",
        "items-TOTAL_FORMS": str(len(items) + 1),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        data |= {
            f"items-{i}-id": str(item.pk),
            f"items-{i}-edition": str(edition.pk),
            f"items-{i}-article": str(item.article_id),
            f"items-{i}-position": str(item.position),
        }
    return {**data, **overrides}


def test_the_roles_hold_the_newsletter_permissions():
    editor_perms = set(
        Group.objects.get(name=EINDREDACTEUR).permissions.values_list("codename", flat=True)
    )
    assert {"change_edition", "send_edition", "add_editionitem"} <= editor_perms
    assert "view_subscriber" not in editor_perms
    chief = Group.objects.get(name=HOOFDREDACTIE).permissions.values_list("codename", flat=True)
    assert {"send_edition", "view_subscriber"} <= set(chief)


class TestCurating:
    def test_an_editor_reorders_removes_and_adds_articles_and_writes_the_intro(
        self, editor, edition
    ):
        extra = ArticleFactory(headline="Derde bericht")
        data = inline_form(
            edition,
            **{
                "items-0-position": "2",
                "items-1-position": "1",
                "items-1-DELETE": "on",
                "items-2-article": str(extra.pk),
                "items-2-position": "3",
            },
        )
        response = editor.post(url(edition, "change/"), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        edition.refresh_from_db()
        assert edition.intro == "Nieuwe inleiding van de redactie."
        assert [i.article.headline for i in edition.items.all()] == [
            "Eerste bericht",
            "Derde bericht",
        ]

    def test_the_change_page_shows_previews_actions_and_progress(self, editor, edition):
        html = editor.get(url(edition, "change/")).content.decode()
        assert "Voorbeeld HTML" in html and "Voorbeeld platte tekst" in html
        assert "Stuur mij een test" in html and "Nu verzenden" in html

    def test_previews_show_both_parts(self, editor, edition):
        html = editor.get(url(edition, "preview/html/"))
        text = editor.get(url(edition, "preview/text/"))
        assert "Eerste bericht" in html.content.decode()
        assert text["Content-Type"].startswith("text/plain")
        assert "Eerste bericht" in text.content.decode()

    def test_an_editor_sends_a_test_to_themselves(self, editor, edition):
        response = editor.post(url(edition, "actions/test/"), follow=True)
        assert "Test verstuurd naar eva@kopij.test" in response.content.decode()
        (message,) = mail.outbox
        assert message.to == ["eva@kopij.test"]
        assert message.subject.startswith("[Test]")
        assert Edition.objects.get().status == "scheduled"

    def test_the_demo_editor_of_make_run_can_send_a_test_to_themselves(
        self, client, edition, monkeypatch
    ):
        monkeypatch.setenv("DEMO_PASSWORD", "demo-wachtwoord-123")
        call_command("demo_accounts", stdout=StringIO())
        assert client.login(username="eindredacteur", password="demo-wachtwoord-123")
        response = client.post(url(edition, "actions/test/"), follow=True)
        (message,) = mail.outbox
        assert f"Test verstuurd naar {message.to[0]}" in response.content.decode()

    def test_hold_and_schedule_again(self, editor, edition):
        editor.post(url(edition, "actions/hold/"))
        assert Edition.objects.get().status == "held"
        editor.post(url(edition, "actions/schedule/"), CONFIRMED)
        assert Edition.objects.get().status == "scheduled"

    def test_send_now_starts_the_send_and_the_page_shows_progress(
        self, editor, edition, django_capture_on_commit_callbacks
    ):
        SubscriberFactory.create_batch(3)
        with django_capture_on_commit_callbacks(execute=True):
            editor.post(url(edition, "actions/send/"), CONFIRMED)
        edition.refresh_from_db()
        assert edition.status == "sent"  # tasks run eagerly in tests
        assert len(mail.outbox) == 3
        html = editor.get(url(edition, "change/")).content.decode()
        assert "Verzending naar 3 abonnees is gestart." in html
        assert (
            "Verzonden 3 van 3 · geweigerd door de server van de ontvanger 0 · wacht nog 0" in html
        )
        assert "Verstuur mislukte opnieuw" not in html

    def test_send_now_with_an_unpublished_article_shows_the_reason(self, editor, edition):
        Article.objects.filter(headline="Tweede").update(status=Article.Status.UNPUBLISHED)
        response = editor.post(url(edition, "actions/send/"), CONFIRMED, follow=True)
        assert "Niet meer gepubliceerd: “Tweede”" in response.content.decode()
        assert Edition.objects.get().status == "scheduled"

    def test_pause_and_resume(self, editor, edition, django_capture_on_commit_callbacks):
        Edition.objects.filter(pk=edition.pk).update(
            status="sending", send_started_at=timezone.now()
        )
        editor.post(url(edition, "actions/pause/"))
        assert Edition.objects.get().status == "paused"
        with django_capture_on_commit_callbacks(execute=True):
            editor.post(url(edition, "actions/resume/"))
        assert Edition.objects.get().status == "sent"  # resumed and, eagerly, finished

    def test_a_sent_edition_is_read_only(self, editor, edition):
        Edition.objects.filter(pk=edition.pk).update(status="sent")
        response = editor.post(url(edition, "change/"), inline_form(edition, subject="Anders"))
        assert response.status_code == 403
        assert Edition.objects.get().subject == edition.subject

    def test_a_failing_test_send_is_a_message_not_a_500(
        self, editor, edition, settings, closed_port
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
        settings.EMAIL_USE_TLS = False
        response = editor.post(url(edition, "actions/test/"), follow=True)
        assert response.status_code == 200
        assert "De test kon niet worden verstuurd" in response.content.decode()


class TestBadDays:
    """The edition's page tells sent, refused by a recipient's server and still waiting apart."""

    def test_an_unreachable_mail_server_is_explained_and_nobody_counts_as_failed(
        self, editor, edition
    ):
        SubscriberFactory.create_batch(2)
        Edition.objects.filter(pk=edition.pk).update(
            status="sending",
            outage_tries=2,
            outage_until=timezone.now() + timedelta(minutes=2),
            outage_error="ConnectionRefusedError: [Errno 111] Connection refused",
        )
        Delivery.objects.bulk_create(
            Delivery(edition=edition, subscriber=s) for s in Subscriber.objects.all()
        )
        html = editor.get(url(edition, "change/")).content.decode()
        assert "De mailserver is niet bereikbaar; de verzending probeert het om" in html
        assert "ConnectionRefusedError" in html
        assert (
            "Verzonden 0 van 2 · geweigerd door de server van de ontvanger 0 · wacht nog 2" in html
        )

    def test_an_editor_sends_the_refused_deliveries_again(
        self, editor, edition, django_capture_on_commit_callbacks
    ):
        refused, suppressed, sent = SubscriberFactory.create_batch(3)
        Edition.objects.filter(pk=edition.pk).update(status="sent", sent_at=timezone.now())
        for subscriber, status in [(refused, "failed"), (suppressed, "failed"), (sent, "sent")]:
            Delivery.objects.create(
                edition=edition, subscriber=subscriber, status=status, attempts=5, error="550"
            )
        Subscriber.objects.filter(pk=suppressed.pk).update(status="suppressed")
        page = editor.get(url(edition, "change/")).content.decode()
        assert "geweigerd door de server van de ontvanger 2" in page
        assert "Verstuur mislukte opnieuw" in page
        with django_capture_on_commit_callbacks(execute=True):
            response = editor.post(url(edition, "actions/resend/"), follow=True)
        assert (
            "1 bezorgingen die de servers van de ontvangers weigerden" in response.content.decode()
        )
        assert [m.to for m in mail.outbox] == [[refused.email]]
        assert Edition.objects.get().status == "sent"
        statuses = dict(Delivery.objects.values_list("subscriber_id", "status"))
        assert statuses == {refused.pk: "sent", suppressed.pk: "failed", sent.pk: "sent"}

    def test_with_nothing_refused_resend_says_so(self, editor, edition):
        Edition.objects.filter(pk=edition.pk).update(status="sent")
        response = editor.post(url(edition, "actions/resend/"), follow=True)
        assert "Er zijn geen mislukte bezorgingen om opnieuw te versturen." in (
            response.content.decode()
        )

    def test_a_reporter_cannot_resend_and_the_service_refuses_them_too(self, client, edition):
        reporter = UserFactory(username="victor", role=VERSLAGGEVER)
        client.force_login(reporter)
        assert client.post(url(edition, "actions/resend/")).status_code == 403
        with pytest.raises(PermissionDenied):
            editions.edition_resend_failed(edition=edition, by=reporter)


class TestRefusals:
    def test_a_reporter_cannot_send(self, client, edition):
        client.force_login(UserFactory(username="victor", role=VERSLAGGEVER))
        assert client.post(url(edition, "actions/send/"), CONFIRMED).status_code == 403
        assert Edition.objects.get().status == "scheduled"

    def test_actions_need_post(self, editor, edition):
        for action in ("hold", "test", "fill", "pause"):
            assert editor.get(url(edition, f"actions/{action}/")).status_code == 405
        assert editor.put(url(edition, "actions/send/"), CONFIRMED).status_code == 405
        assert Edition.objects.get().status == "scheduled"

    def test_an_unknown_action_or_edition_is_404(self, editor, edition):
        assert editor.post(url(edition, "actions/explode/")).status_code == 404
        assert editor.post("/admin/newsletters/edition/999999/actions/send/").status_code == 404

    def test_an_editor_without_an_email_address_gets_a_clear_message(self, client, edition):
        client.force_login(UserFactory(username="zonder", email="", role=EINDREDACTEUR))
        response = client.post(url(edition, "actions/test/"), follow=True)
        assert "Uw account heeft geen e-mailadres voor de test." in response.content.decode()
        assert mail.outbox == []

    @pytest.mark.parametrize(
        "subject",
        [
            "Nieuws van de week\r\nBcc: iedereen@example.com",
            # Word pastes vertical tabs; a zero-width space is as invisible.
            "Test\vnaar mij",
            "Test\u200bnaar mij",
            "Test\u2028naar mij",
        ],
    )
    def test_a_subject_with_a_control_character_is_refused_so_no_mail_header_breaks(
        self, editor, edition, subject
    ):
        response = editor.post(
            url(edition, "change/"),
            inline_form(edition, subject=subject, **{"items-TOTAL_FORMS": "2"}),
        )
        assert response.status_code == 200
        assert "onzichtbaar stuurteken of een regeleinde" in response.content.decode()
        assert Edition.objects.get().subject == edition.subject

    def test_a_subject_stored_before_the_check_does_not_stop_a_test_over_smtp(
        self, editor, edition, mail_server
    ):
        Edition.objects.filter(pk=edition.pk).update(subject="Test\vnaar\u200bmij")
        response = editor.post(url(edition, "actions/test/"), follow=True)
        assert "Test verstuurd naar eva@kopij.test" in response.content.decode()
        (message,) = mail_server.messages
        assert message["Subject"] == "[Test] Test naar mij"

    def test_a_send_time_out_of_range_is_a_form_error_not_a_500(self, editor, edition):
        data = inline_form(
            edition,
            scheduled_at_0="01-01-0001",
            scheduled_at_1="00:00",
            **{"items-TOTAL_FORMS": "2"},
        )
        response = editor.post(url(edition, "change/"), data)
        assert response.status_code == 200
        assert "Vul een datum in tussen de jaren 1600 en 9998." in response.content.decode()


def test_an_editor_sees_a_delivery_without_a_link_to_a_subscriber_page_they_may_not_open(
    editor, edition
):
    from newsletters.models import Delivery

    subscriber = SubscriberFactory(email="lezer@voorbeeld.nl")
    delivery = Delivery.objects.create(edition=edition, subscriber=subscriber)
    response = editor.get(f"/admin/newsletters/delivery/{delivery.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "lezer@voorbeeld.nl" in html
    assert f"/admin/newsletters/subscriber/{subscriber.pk}/change/" not in html


def test_the_editors_in_chief_still_get_the_link_to_the_subscriber(client, edition):
    from newsletters.models import Delivery

    client.force_login(UserFactory(username="hanna", role=HOOFDREDACTIE))
    subscriber = SubscriberFactory()
    delivery = Delivery.objects.create(edition=edition, subscriber=subscriber)
    html = client.get(f"/admin/newsletters/delivery/{delivery.pk}/change/").content.decode()
    assert f"/admin/newsletters/subscriber/{subscriber.pk}/change/" in html
