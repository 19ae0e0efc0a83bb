from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import TypoReport
from newsroom.models import OutboxTask
from newsroom.outbox import outbox_sweep

pytestmark = pytest.mark.django_db


def post_report(reader_post, article, **overrides):
    data = {
        "quote": "vaker gaat rijden",
        "correction": "vaker zal rijden",
        "revision": article.revision_number,
        **overrides,
    }
    return reader_post(reverse("feedback:typo_report", args=[article.pk]), data)


class TestEnqueue:
    def test_the_mail_is_recorded_with_the_report_and_queued_once_it_is_committed(
        self, reader_post, article, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            post_report(reader_post, article)
        report = TypoReport.objects.get()
        work = OutboxTask.objects.get()
        assert (work.task, work.args) == ("feedback.tasks.send_typo_report_mail", [report.pk])
        assert len(callbacks) == 1
        assert mailoutbox == []
        callbacks[0]()
        assert len(mailoutbox) == 1
        assert not OutboxTask.objects.exists()

    def test_with_the_broker_down_the_report_is_kept_and_the_reader_thanked(
        self, reader_post, article, mailoutbox, django_capture_on_commit_callbacks, broker_down
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_report(reader_post, article)
        assert response.status_code == 303
        assert response["Location"].endswith("#taalfout-bedankt")
        report = TypoReport.objects.get()
        assert report.mail_status == TypoReport.MailStatus.PENDING
        assert OutboxTask.objects.get().published_at is None
        assert mailoutbox == []

    def test_the_outbox_sweep_mails_it_once_the_broker_is_back(
        self, reader_post, article, mailoutbox, django_capture_on_commit_callbacks, broker_down
    ):
        with django_capture_on_commit_callbacks(execute=True):
            post_report(reader_post, article)
        broker_down.stop()  # back, and running tasks in process again
        OutboxTask.objects.update(created_at=timezone.now() - timedelta(minutes=1))
        assert outbox_sweep() == 1
        assert outbox_sweep() == 0
        assert len(mailoutbox) == 1
        assert TypoReport.objects.get().mail_status == TypoReport.MailStatus.SENT

    def test_the_sweep_and_a_late_hand_over_on_commit_send_one_mail(
        self, reader_post, article, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            post_report(reader_post, article)
        OutboxTask.objects.update(created_at=timezone.now() - timedelta(minutes=1))
        assert outbox_sweep() == 1
        callbacks[0]()
        assert len(mailoutbox) == 1


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

    def test_a_name_stored_with_control_characters_does_not_stop_the_mail(
        self, article, smtp_server
    ):
        # Stored before the check (newsroom.headers; PostgreSQL refuses NUL, not these).
        report = TypoReport.objects.create(
            article=article,
            revision_number=1,
            quote="trein",
            name="Piet\vde\x1fVries",
            email="piet@example.com",
        )
        assert services.typo_report_send_mail(report_id=report.pk) is True
        (message,) = smtp_server.messages
        assert message["Reply-To"] == "Piet de Vries <piet@example.com>"

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


class TestDeadWorker:
    def test_a_claim_abandoned_by_a_dead_worker_is_taken_again(self, article, mailoutbox):
        report = TypoReport.objects.create(article=article, revision_number=1, quote="trein")
        TypoReport.objects.filter(pk=report.pk).update(
            mail_status=TypoReport.MailStatus.SENDING,
            mail_claimed_at=timezone.now() - timedelta(hours=1),
        )
        assert services.typo_report_send_mail(report_id=report.pk) is True
        assert len(mailoutbox) == 1

    def test_a_claim_that_is_being_sent_is_left_alone(self, article, mailoutbox):
        report = TypoReport.objects.create(article=article, revision_number=1, quote="trein")
        TypoReport.objects.filter(pk=report.pk).update(
            mail_status=TypoReport.MailStatus.SENDING, mail_claimed_at=timezone.now()
        )
        assert services.typo_report_send_mail(report_id=report.pk) is False
        assert mailoutbox == []
