import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from newsletters.models import CONSENT_TEXT_VERSION, ConsentRecord, Subscriber
from newsletters.services import subscribers
from newsletters.tokens import confirm_token, read_confirm_token, unsubscribe_token
from newsroom.models import OutboxTask
from newsroom.outbox import outbox_sweep
from tests.factories import ArticleFactory, SubscriberFactory
from tests.worker_process import free_port

pytestmark = pytest.mark.django_db
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture
def sign_up(django_capture_on_commit_callbacks):
    """Post the sign-up form like a browser, running what the view queued on commit."""

    def post(client, email="Lezer@Voorbeeld.nl ", source="/buitenland/iets/", extra=(), **headers):
        data = {"email": email, "source": source, **dict(extra)}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/nieuwsbrief/aanmelden/", data, **{**SAME_ORIGIN, **headers})

    return post


def confirm_link(message) -> str:
    return re.search(r"http://testserver(/nieuwsbrief/bevestigen/[^/\s]+/)", message.body)[1]


def mailed_consent_id(message) -> int:
    """The consent record the mail's link confirms (the token holds the time it was made)."""
    return read_confirm_token(confirm_link(message).rstrip("/").rsplit("/", 1)[1])


class TestSignup:
    def test_it_stores_a_normalised_address_with_a_consent_record_and_mails_a_link(
        self, client, sign_up
    ):
        response = sign_up(client)
        assert response.status_code == 302
        assert response["Location"] == "/nieuwsbrief/aangemeld/"
        subscriber = Subscriber.objects.get()
        assert (subscriber.email, subscriber.status) == ("lezer@voorbeeld.nl", "pending")
        consent = subscriber.consents.get()
        assert consent.source == "/buitenland/iets/"
        assert consent.text_version == CONSENT_TEXT_VERSION
        assert consent.mail_sent_at is not None and consent.confirmed_at is None
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["lezer@voorbeeld.nl"]
        assert "Bevestig uw aanmelding" in mail.outbox[0].subject
        assert "/nieuwsbrief/bevestigen/" in mail.outbox[0].body

    def test_the_pending_page_reveals_nothing_about_the_address(self, client, sign_up):
        SubscriberFactory(email="bekend@voorbeeld.nl")
        known = client.get(sign_up(client, email="bekend@voorbeeld.nl")["Location"])
        new = client.get(sign_up(client, email="nieuw@voorbeeld.nl")["Location"])
        assert known.content == new.content
        assert "Kijk in uw mailbox" in known.content.decode()

    def test_a_confirmed_subscriber_gets_no_mail_when_signing_up_again(self, client, sign_up):
        SubscriberFactory(email="bekend@voorbeeld.nl")
        sign_up(client, email=" BEKEND@voorbeeld.nl")
        assert mail.outbox == []
        assert Subscriber.objects.get().status == "confirmed"

    def test_signing_up_twice_within_an_hour_sends_one_mail(self, client, sign_up):
        sign_up(client)
        sign_up(client)
        assert len(mail.outbox) == 1
        assert ConsentRecord.objects.count() == 1

    def test_signing_up_again_after_an_hour_sends_a_new_mail(self, client, sign_up):
        sign_up(client)
        with time_machine.travel(timezone.now() + timedelta(minutes=61)):
            sign_up(client)
        assert len(mail.outbox) == 2

    @pytest.mark.parametrize(
        "email",
        ["", "geen-adres", "a@b", "<script>alert(1)</script>@x.nl", "x" * 250 + "@voorbeeld.nl"],
    )
    def test_it_refuses_invalid_or_oversize_addresses_with_a_dutch_message(
        self, client, email, sign_up
    ):
        response = sign_up(client, email=email)
        assert response.status_code == 400
        html = response.content.decode()
        assert "e-mailadres" in html
        assert "<script>alert" not in html
        assert Subscriber.objects.count() == 0

    def test_a_foreign_source_is_not_recorded(self, client, sign_up):
        sign_up(client, source="//evil.example/")
        assert ConsentRecord.objects.get().source == ""

    def test_a_post_without_origin_headers_is_refused_like_missing_csrf(self, client):
        response = client.post("/nieuwsbrief/aanmelden/", {"email": "a@voorbeeld.nl"})
        assert response.status_code == 403
        assert Subscriber.objects.count() == 0

    def test_a_cross_site_post_is_refused(self, client, sign_up):
        response = sign_up(client, HTTP_SEC_FETCH_SITE="cross-site")
        assert response.status_code == 403

    def test_get_on_the_signup_action_is_405(self, client):
        assert client.get("/nieuwsbrief/aanmelden/").status_code == 405

    def test_a_flood_of_signups_is_rate_limited_with_429(self, client, settings, sign_up):
        settings.NEWSLETTER_SIGNUP_RATE = "3/h"
        codes = [sign_up(client, email=f"lezer{i}@voorbeeld.nl").status_code for i in range(5)]
        assert codes == [302, 302, 302, 429, 429]
        assert Subscriber.objects.count() == 3

    def test_a_bot_filling_the_honeypot_is_answered_as_usual_and_nothing_is_stored(
        self, client, sign_up
    ):
        response = sign_up(client, extra={"website": "https://spam.example"})
        assert (response.status_code, response["Location"]) == (302, "/nieuwsbrief/aangemeld/")
        assert not Subscriber.objects.exists() and not ConsentRecord.objects.exists()
        assert mail.outbox == []

    # Not "page": that would be Playwright's fixture, and the test a browser test.
    @pytest.mark.parametrize("where", ["/nieuwsbrief/", "article"])
    def test_both_sign_up_forms_carry_the_honeypot(self, client, where):
        path = ArticleFactory().get_absolute_url() if where == "article" else where
        html = client.get(path).content.decode()
        form = html[html.index('action="/nieuwsbrief/aanmelden/"') :]
        form = form[: form.index("</form>")]
        assert '<div class="hp-field">' in form and 'name="website"' in form
        assert "Laat dit veld leeg" in form

    def test_signing_up_keeps_working_when_the_cache_is_down(self, client, dead_cache, sign_up):
        assert sign_up(client).status_code == 302
        assert Subscriber.objects.get().email == "lezer@voorbeeld.nl"

    def test_the_signup_page_shows_the_form_and_the_archive_link(self, client):
        html = client.get("/nieuwsbrief/").content.decode()
        assert "Kopij in uw mailbox?" in html
        assert 'action="/nieuwsbrief/aanmelden/"' in html
        assert 'href="/nieuwsbrief/archief/"' in html


def sweep_later():
    """The beat sweep, once the outbox's rows are old enough to be its business."""
    OutboxTask.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    return outbox_sweep()


class TestWithTheBrokerDown:
    def test_a_sign_up_answers_exactly_as_with_the_broker_up(self, client, sign_up, broker_down):
        SubscriberFactory(email="bekend@voorbeeld.nl")
        down = [
            sign_up(client, email=email) for email in ("nieuw@voorbeeld.nl", "bekend@voorbeeld.nl")
        ]
        broker_down.stop()
        up = [
            sign_up(client, email=email) for email in ("ander@voorbeeld.nl", "bekend@voorbeeld.nl")
        ]
        answers = {
            (r.status_code, r["Location"], client.get(r["Location"]).content) for r in down + up
        }
        assert len(answers) == 1
        assert answers.pop()[:2] == (302, "/nieuwsbrief/aangemeld/")

    def test_the_consent_is_kept_and_its_mail_waits_in_the_outbox(
        self, client, sign_up, broker_down
    ):
        sign_up(client)
        consent = ConsentRecord.objects.get()
        assert consent.mail_sent_at is None
        work = OutboxTask.objects.get()
        assert (work.task, work.args) == ("newsletters.tasks.send_confirmation", [consent.pk])
        assert work.published_at is None
        assert mail.outbox == []

    def test_the_sweep_mails_the_confirmation_once_the_broker_is_back(
        self, client, sign_up, broker_down
    ):
        sign_up(client)
        broker_down.stop()
        assert sweep_later() == 1
        assert sweep_later() == 0
        [message] = mail.outbox
        assert message.to == ["lezer@voorbeeld.nl"]
        assert mailed_consent_id(message) == ConsentRecord.objects.get().pk

    def test_signing_up_again_within_the_hour_sends_the_mail_that_never_left(
        self, client, sign_up, broker_down
    ):
        sign_up(client)
        broker_down.stop()
        sign_up(client)
        assert len(mail.outbox) == 1
        sweep_later()  # hands over the first sign-up's mail too: the hour is taken
        assert len(mail.outbox) == 1
        assert not OutboxTask.objects.exists()

    def test_many_sign_ups_waiting_in_the_outbox_send_one_mail(self, client, sign_up, broker_down):
        for _ in range(3):
            sign_up(client)
        broker_down.stop()
        assert sweep_later() == 3
        assert len(mail.outbox) == 1

    def test_the_sweep_and_a_late_hand_over_on_commit_send_one_mail(
        self, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            client.post("/nieuwsbrief/aanmelden/", {"email": "a@voorbeeld.nl"}, **SAME_ORIGIN)
        assert sweep_later() == 1
        callbacks[0]()
        assert len(mail.outbox) == 1

    def test_a_failed_mail_gives_the_hour_back_for_the_retry(self, client, sign_up, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
        sign_up(client)  # run in process: the task and its retries fail, the reader sees nothing
        assert ConsentRecord.objects.get().mail_sent_at is None
        assert Subscriber.objects.get().confirmation_sent_at is None
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        sign_up(client)
        assert len(mail.outbox) == 1


class TestArticleBlock:
    def test_the_article_page_carries_the_signup_block_without_a_csrf_token(self, client):
        article = ArticleFactory()
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Kopij in uw mailbox?" in html
        assert "Ontvang onze wekelijkse nieuwsbrief om op de hoogte te blijven." in html
        assert 'action="/nieuwsbrief/aanmelden/"' in html
        assert f'name="source" value="{article.get_absolute_url()}"' in html
        assert "csrfmiddlewaretoken" not in html


class TestConfirm:
    @pytest.fixture
    def consent(self, client, sign_up):
        sign_up(client)
        return ConsentRecord.objects.get()

    def test_opening_the_link_only_shows_a_button(self, client, consent):
        response = client.get(confirm_link(mail.outbox[0]))
        assert response.status_code == 200
        assert "Aanmelding bevestigen" in response.content.decode()
        assert Subscriber.objects.get().status == "pending"
        assert client.head(confirm_link(mail.outbox[0])).status_code == 200
        assert Subscriber.objects.get().status == "pending"

    def test_the_post_confirms_and_records_the_time(self, client, consent):
        response = client.post(confirm_link(mail.outbox[0]))
        assert response["Location"] == "/nieuwsbrief/bevestigd/"
        subscriber = Subscriber.objects.get()
        consent.refresh_from_db()
        assert subscriber.status == "confirmed"
        assert subscriber.confirmed_at == consent.confirmed_at is not None

    @pytest.mark.parametrize("token", ["abc", "MQ:1abc:fake", "x" * 500])
    def test_a_tampered_token_is_a_clear_400(self, client, consent, token):
        response = client.post(f"/nieuwsbrief/bevestigen/{token}/")
        assert response.status_code == 400
        assert "Deze link werkt niet meer" in response.content.decode()
        assert Subscriber.objects.get().status == "pending"

    def test_an_expired_token_is_a_clear_400(self, client, consent):
        link = confirm_link(mail.outbox[0])
        with time_machine.travel(timezone.now() + timedelta(days=8)):
            response = client.post(link)
        assert response.status_code == 400
        assert Subscriber.objects.get().status == "pending"

    def test_a_token_for_an_unknown_consent_is_a_400(self, client):
        response = client.post(f"/nieuwsbrief/bevestigen/{confirm_token(987654)}/")
        assert response.status_code == 400

    def test_an_old_confirmation_link_does_not_undo_an_unsubscribe(self, client, consent):
        link = confirm_link(mail.outbox[0])
        client.post(link)
        subscribers.subscriber_unsubscribe(subscriber=consent.subscriber)
        client.post(link)
        assert Subscriber.objects.get().status == "unsubscribed"


class TestUnsubscribe:
    @pytest.fixture
    def subscriber(self):
        return SubscriberFactory()

    def url(self, subscriber):
        return f"/nieuwsbrief/afmelden/{unsubscribe_token(subscriber.pk)}/"

    def test_the_rfc8058_one_click_post_unsubscribes_without_cookies_or_csrf(self, subscriber):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        response = client.post(
            self.url(subscriber),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        subscriber.refresh_from_db()
        assert subscriber.status == "unsubscribed" and subscriber.unsubscribed_at is not None

    def test_get_and_head_change_nothing(self, client, subscriber):
        assert client.get(self.url(subscriber)).status_code == 200
        assert client.head(self.url(subscriber)).status_code == 200
        subscriber.refresh_from_db()
        assert subscriber.status == "confirmed"

    def test_the_page_button_posts_the_one_click_body(self, client, subscriber):
        html = client.get(self.url(subscriber)).content.decode()
        assert 'name="List-Unsubscribe" value="One-Click"' in html

    @pytest.mark.parametrize("body", ["", "List-Unsubscribe=Yes", "unsubscribe=1"])
    def test_a_post_with_a_wrong_body_is_a_400_and_changes_nothing(self, client, subscriber, body):
        response = client.post(
            self.url(subscriber), body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 400
        subscriber.refresh_from_db()
        assert subscriber.status == "confirmed"

    def test_a_tampered_token_is_a_400(self, client, subscriber):
        token = unsubscribe_token(subscriber.pk).replace(str(subscriber.pk), "999", 1)
        response = client.post(f"/nieuwsbrief/afmelden/{token}/", {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 400
        subscriber.refresh_from_db()
        assert subscriber.status == "confirmed"

    def test_a_token_for_an_unknown_subscriber_is_a_400(self, client):
        url = f"/nieuwsbrief/afmelden/{unsubscribe_token(424242)}/"
        assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 400

    def test_put_is_405(self, client, subscriber):
        assert client.put(self.url(subscriber)).status_code == 405

    def test_an_unsubscribed_reader_can_subscribe_again_through_the_double_opt_in(
        self, client, subscriber, sign_up
    ):
        client.post(self.url(subscriber), {"List-Unsubscribe": "One-Click"})
        sign_up(client, email=subscriber.email)
        subscriber.refresh_from_db()
        assert subscriber.status == "unsubscribed"
        client.post(confirm_link(mail.outbox[-1]))
        subscriber.refresh_from_db()
        assert subscriber.status == "confirmed"
        assert subscriber.consents.filter(confirmed_at__isnull=False).count() == 1


class TestPurge:
    def test_unconfirmed_signups_older_than_a_week_are_purged(self, client, sign_up):
        sign_up(client, email="oud@voorbeeld.nl")
        SubscriberFactory(email="bevestigd@voorbeeld.nl")
        with time_machine.travel(timezone.now() + timedelta(days=6)):
            sign_up(client, email="recent@voorbeeld.nl")
        with time_machine.travel(timezone.now() + timedelta(days=7, hours=1)):
            assert subscribers.purge_unconfirmed_signups() == 1
        assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
            "bevestigd@voorbeeld.nl",
            "recent@voorbeeld.nl",
        ]

    def test_a_stale_retry_of_an_unsubscribed_reader_is_forgotten_but_the_reader_kept(self):
        subscriber = SubscriberFactory(status="unsubscribed")
        subscribers.subscriber_signup(email=subscriber.email)
        with time_machine.travel(timezone.now() + timedelta(days=8)):
            subscribers.purge_unconfirmed_signups()
        assert Subscriber.objects.filter(pk=subscriber.pk).exists()
        assert not ConsentRecord.objects.exists()
