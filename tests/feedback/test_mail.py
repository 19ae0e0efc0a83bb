from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from feedback import services
from feedback.models import TypoReport
from newsroom.celery import app

pytestmark = pytest.mark.django_db


def post_report(reader_post, article, **overrides):
    data = {
        "quote": "vaker gaat rijden",
        "correction": "vaker zal rijden",
        "revision": article.revision_number,
        **overrides,
    }
    return reader_post(reverse("feedback:typo_report", args=[article.pk]), data)


def age(report, **delta):
    TypoReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(**delta))


class TestEnqueue:
    def test_the_mail_is_queued_only_once_the_report_is_committed(
        self, reader_post, article, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            post_report(reader_post, article)
        assert TypoReport.objects.exists()
        assert len(callbacks) == 1
        assert mailoutbox == []
        with mock.patch("feedback.tasks.send_typo_report_mail.delay") as delay:
            callbacks[0]()
        delay.assert_called_once_with(TypoReport.objects.get().pk)

    def test_with_the_broker_down_the_report_is_kept_and_the_reader_thanked(
        self, reader_post, article, mailoutbox, django_capture_on_commit_callbacks
    ):
        with (
            mock.patch(
                "feedback.tasks.send_typo_report_mail.delay",
                side_effect=OperationalError("broker down"),
            ),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = post_report(reader_post, article)
        assert response.status_code == 303
        report = TypoReport.objects.get()
        assert report.mail_status == TypoReport.MailStatus.PENDING
        assert mailoutbox == []


class TestTheMail:
    def test_it_is_plain_text_to_the_redactie_with_quote_context_and_links(
        self, reader_post, article, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            post_report(reader_post, article, name="Piet de Vries", email="piet@example.com")
        [mail] = mailoutbox
        report = TypoReport.objects.get()
        assert mail.to == ["redactie@kopij.test"]
        assert mail.subject == f"Taalfout gemeld: {article.headline}"
        assert mail.reply_to == ["Piet de Vries <piet@example.com>"]
        assert mail.message().get_content_type() == "text/plain"  # no HTML part
        assert "De minister zei dat de trein [[vaker gaat rijden]]. Volgend jaar" in mail.body
        assert "Voorgestelde verbetering: vaker zal rijden" in mail.body
        assert f"http://testserver{article.get_absolute_url()}" in mail.body
        assert f"http://testserver/admin/feedback/typoreport/{report.pk}/change/" in mail.body
        assert report.mail_status == TypoReport.MailStatus.SENT

    def test_without_an_address_there_is_no_reply_to(
        self, reader_post, article, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            post_report(reader_post, article, name="Piet")
        assert mailoutbox[0].reply_to == []
        assert "Gemeld door: Piet" in mailoutbox[0].body

    def test_a_name_with_commas_and_quotes_stays_one_reply_to_address(
        self, reader_post, article, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            post_report(reader_post, article, name='Vries, "Piet" de', email="piet@example.com")
        message = mailoutbox[0].message()
        assert message["Reply-To"] == '"Vries, \\"Piet\\" de" <piet@example.com>'

    def test_html_typed_by_the_reader_stays_inert_text_in_the_plain_mail(
        self, reader_post, article, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            post_report(reader_post, article, comment="<script>alert(1)</script>")
        message = mailoutbox[0].message()
        assert message.get_content_type() == "text/plain"
        assert "<script>alert(1)</script>" in mailoutbox[0].body


class TestSendingOnce:
    def test_a_second_send_of_the_same_report_sends_nothing(self, article, mailoutbox):
        report = TypoReport.objects.create(article=article, revision_number=1, quote="trein")
        assert services.typo_report_send_mail(report_id=report.pk) is True
        assert services.typo_report_send_mail(report_id=report.pk) is False
        assert len(mailoutbox) == 1

    def test_a_failed_send_releases_the_claim_for_a_retry(self, article, mailoutbox):
        report = TypoReport.objects.create(article=article, revision_number=1, quote="trein")
        with (
            mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("smtp down")),
            pytest.raises(OSError),
        ):
            services.typo_report_send_mail(report_id=report.pk)
        report.refresh_from_db()
        assert report.mail_status == TypoReport.MailStatus.PENDING
        assert services.typo_report_send_mail(report_id=report.pk) is True
        assert len(mailoutbox) == 1


class TestSweep:
    def test_it_sends_the_mail_whose_enqueue_was_lost_exactly_once(self, article, mailoutbox):
        report = TypoReport.objects.create(article=article, revision_number=1, quote="trein")
        age(report, minutes=10)
        assert services.typo_report_mail_sweep() == 1
        assert services.typo_report_mail_sweep() == 0
        assert len(mailoutbox) == 1

    def test_it_leaves_fresh_reports_to_their_own_task(self, article, mailoutbox):
        TypoReport.objects.create(article=article, revision_number=1, quote="trein")
        assert services.typo_report_mail_sweep() == 0
        assert mailoutbox == []

    def test_it_retakes_a_claim_abandoned_by_a_dead_worker(self, article, mailoutbox):
        report = TypoReport.objects.create(article=article, revision_number=1, quote="trein")
        age(report, hours=2)
        TypoReport.objects.filter(pk=report.pk).update(
            mail_status=TypoReport.MailStatus.SENDING,
            mail_claimed_at=timezone.now() - timedelta(hours=1),
        )
        assert services.typo_report_mail_sweep() == 1
        assert len(mailoutbox) == 1

    def test_it_leaves_a_claim_that_is_being_sent_alone(self, article, mailoutbox):
        report = TypoReport.objects.create(article=article, revision_number=1, quote="trein")
        age(report, hours=2)
        TypoReport.objects.filter(pk=report.pk).update(
            mail_status=TypoReport.MailStatus.SENDING, mail_claimed_at=timezone.now()
        )
        assert services.typo_report_mail_sweep() == 0
        assert mailoutbox == []

    def test_beat_runs_the_sweep(self, settings):
        app.loader.import_default_modules()
        [entry] = [
            entry
            for entry in settings.CELERY_BEAT_SCHEDULE.values()
            if entry["task"] == "feedback.tasks.sweep_typo_report_mail"
        ]
        assert entry["task"] in app.tasks
        assert entry["schedule"] <= 600
