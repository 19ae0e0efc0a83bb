"""The typo inbox tells the truth: what is fixed, what was never there, and thanking readers."""

import email
from email import policy as email_policy

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from articles.roles import EINDREDACTEUR, VERSLAGGEVER
from feedback import inbox, services
from feedback.links import text_fragment
from feedback.models import TypoReport
from newsroom.models import OutboxTask
from tests.articles.test_workflow_admin import form_data
from tests.factories import ArticleFactory, UserFactory, save_change

pytestmark = pytest.mark.django_db

INBOX = reverse("admin:feedback_typoreport_changelist")
TEXT = "<p>De minister zei dat de trien vaker gaat rijden.</p>"
FIXED = "<p>De minister zei dat de trein vaker gaat rijden.</p>"


def close_url(report):
    return reverse("admin:feedback_typoreport_close_and_thank", args=[report.pk])


@pytest.fixture
def eva():
    return UserFactory(username="eva", role=EINDREDACTEUR)


@pytest.fixture
def editor(client, eva):
    client.force_login(eva)
    return client


@pytest.fixture
def article(db):
    return ArticleFactory(body=TEXT)


def reported(article, quote="trien", **fields):
    return services.typo_report_create(
        article=article, revision_number=article.revision_number, quote=quote, **fields
    )


class TestWhatTheInboxSays:
    def test_a_quote_that_was_never_in_the_article_is_marked_not_found(self, article):
        report = reported(article, quote="trijn")
        assert report.quote_found is False
        assert report.possibly_fixed is False
        assert report.text_state == "nooit in het artikel"

    def test_a_quote_seen_in_an_older_revision_is_found_there_and_fixed_in_the_live_one(
        self, article
    ):
        seen = article.revision_number
        save_change(article, body=FIXED)
        report = services.typo_report_create(article=article, revision_number=seen, quote="trien")
        assert report.quote_found is True
        assert report.context_before == "De minister zei dat de "
        assert report.possibly_fixed is True

    def test_a_quote_only_in_a_later_revision_is_not_found_in_the_one_the_reader_saw(self, article):
        seen = article.revision_number
        save_change(article, body="<p>Een nieuwe zin met een fuot.</p>")
        report = services.typo_report_create(article=article, revision_number=seen, quote="fuot")
        assert report.quote_found is False

    def test_the_inbox_shows_each_state_in_words(self, editor, article):
        reported(article, quote="trijn")
        reported(article, quote="minister")
        gone = reported(article, quote="trien")
        save_change(article, body=FIXED)
        html = editor.get(INBOX).content.decode()
        assert "nooit in het artikel" in html
        assert "staat er nog" in html
        assert "mogelijk verbeterd" in html
        filtered = editor.get(INBOX, {"text": "possibly_fixed"}).content.decode()
        assert f'value="{gone.pk}"' in filtered
        assert filtered.count('class="action-select"') == 1
        not_found = editor.get(INBOX, {"text": "not_found"}).content.decode()
        assert "trijn</mark>" in not_found and not_found.count('class="action-select"') == 1


class TestBulkClose:
    def test_it_closes_only_reports_that_are_really_fixed_and_says_how_many_it_skipped(
        self, editor, article
    ):
        fixed = reported(article, quote="trien")
        never = reported(article, quote="trijn")
        still = reported(article, quote="minister")
        save_change(article, body=FIXED)
        response = editor.post(
            INBOX,
            {"action": "close_fixed", "_selected_action": [fixed.pk, never.pk, still.pk]},
            follow=True,
        )
        html = response.content.decode()
        assert "1 melding gesloten als verbeterd." in html
        assert "2 meldingen overgeslagen" in html
        statuses = dict(TypoReport.objects.values_list("pk", "status"))
        assert statuses == {fixed.pk: "fixed", never.pk: "new", still.pk: "new"}

    def test_the_service_refuses_someone_without_the_inbox_permission(self, article):
        reporter = UserFactory(username="victor", role=VERSLAGGEVER)
        reported(article)
        save_change(article, body=FIXED)
        with pytest.raises(PermissionDenied):
            inbox.typo_reports_close_fixed(reports=TypoReport.objects.all(), by=reporter)
        assert TypoReport.objects.get().status == "new"

    def test_garbage_ids_in_the_action_change_nothing(self, editor, article):
        reported(article)
        save_change(article, body=FIXED)
        response = editor.post(
            INBOX, {"action": "close_fixed", "_selected_action": ["abc", "-1", "9" * 30]}
        )
        assert response.status_code in {200, 302}
        assert TypoReport.objects.get().status == "new"


class TestCloseAndThank:
    def test_it_closes_the_report_and_thanks_the_reader_through_the_outbox(
        self, editor, article, mailoutbox, django_capture_on_commit_callbacks
    ):
        report = reported(article, name="Piet\r\nBcc: x@example.org", email="piet@example.nl")
        save_change(article, body=FIXED)
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = editor.post(close_url(report), follow=True)
        assert "de melder krijgt een bedankmail" in response.content.decode()
        report.refresh_from_db()
        assert (report.status, report.fixed_in_revision) == ("fixed", article.revision_number)
        assert report.thanks_status == "sent"
        assert not OutboxTask.objects.filter(task="feedback.tasks.send_typo_thanks").exists()
        (mail,) = mailoutbox
        parsed = email.message_from_bytes(mail.message().as_bytes(), policy=email_policy.default)
        assert parsed["To"] == '"Piet Bcc: x@example.org" <piet@example.nl>'
        assert parsed["Bcc"] is None
        assert parsed["Subject"].startswith("Bedankt voor uw melding: ")
        body = parsed.get_body(("plain",)).get_content()
        assert "Beste Piet Bcc: x@example.org," in body
        assert "“trien”" in body and article.get_absolute_url() in body

    def test_a_thank_you_mail_is_sent_once_however_often_the_task_runs(
        self, eva, article, mailoutbox, django_capture_on_commit_callbacks
    ):
        report = reported(article, email="piet@example.nl")
        save_change(article, body=FIXED)
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=False):
            assert inbox.typo_report_close_and_thank(report=report, by=eva) is True
        assert inbox.typo_report_send_thanks(report_id=report.pk) is True
        assert inbox.typo_report_send_thanks(report_id=report.pk) is False
        assert len(mailoutbox) == 1

    def test_without_an_address_it_only_closes(self, editor, article, mailoutbox):
        report = reported(article)
        save_change(article, body=FIXED)
        mailoutbox.clear()
        response = editor.post(close_url(report), follow=True)
        assert "De melding is gesloten als verbeterd." in response.content.decode()
        report.refresh_from_db()
        assert (report.status, report.thanks_status) == ("fixed", "")
        assert mailoutbox == []

    @pytest.mark.parametrize(
        ("quote", "message"),
        [
            ("minister", "De geciteerde tekst staat nog in het artikel"),
            ("trijn", "De geciteerde tekst stond nooit in het artikel"),
        ],
    )
    def test_a_report_that_is_not_really_fixed_is_refused_in_dutch(
        self, editor, article, mailoutbox, quote, message
    ):
        report = reported(article, quote=quote, email="piet@example.nl")
        mailoutbox.clear()
        response = editor.post(close_url(report), follow=True)
        assert message in response.content.decode()
        report.refresh_from_db()
        assert (report.status, report.thanks_status) == ("new", "")
        assert mailoutbox == []

    def test_a_handled_report_is_not_closed_or_thanked_twice(self, editor, article, mailoutbox):
        report = reported(article, email="piet@example.nl")
        save_change(article, body=FIXED)
        editor.post(close_url(report))
        mailoutbox.clear()
        response = editor.post(close_url(report), follow=True)
        assert "Deze melding is al afgehandeld." in response.content.decode()
        assert mailoutbox == []

    def test_a_get_is_refused(self, editor, article):
        report = reported(article)
        save_change(article, body=FIXED)
        assert editor.get(close_url(report)).status_code == 405
        assert TypoReport.objects.get().status == "new"

    def test_a_post_without_the_csrf_token_is_refused(self, eva, article):
        report = reported(article)
        save_change(article, body=FIXED)
        client = Client(enforce_csrf_checks=True)
        client.force_login(eva)
        assert client.post(close_url(report)).status_code == 403
        assert TypoReport.objects.get().status == "new"

    def test_a_reporters_direct_post_is_refused(self, client, article):
        report = reported(article, email="piet@example.nl")
        save_change(article, body=FIXED)
        client.force_login(UserFactory(username="victor", role=VERSLAGGEVER))
        assert client.post(close_url(report)).status_code == 403
        assert TypoReport.objects.get().status == "new"

    @pytest.mark.parametrize("report_id", ["abc", "-1", "1e3", "99999999999999999999"])
    def test_garbage_ids_change_nothing(self, editor, article, report_id):
        reported(article)
        save_change(article, body=FIXED)
        url = f"/admin/feedback/typoreport/{report_id}/close-and-thank/"
        assert editor.post(url, follow=True).status_code in {200, 404}
        assert TypoReport.objects.get().status == "new"

    def test_an_unknown_report_is_not_found(self, editor):
        assert editor.post(close_url(TypoReport(pk=424242))).status_code == 404


class TestOpeningTheArticle:
    def test_the_report_links_to_the_editor_and_the_public_page_with_the_quote(
        self, editor, article
    ):
        report = reported(article)
        html = editor.get(report.get_admin_url()).content.decode()
        edit = reverse("admin:articles_article_change", args=[article.pk])
        assert f'href="{edit}?typo={report.pk}"' in html
        assert f'href="{article.get_absolute_url()}#:~:text=trien"' in html

    def test_the_text_fragment_escapes_what_has_a_meaning_of_its_own(self):
        assert text_fragment("A-B, & C") == "#:~:text=A%2DB%2C%20%26%20C"

    def test_the_article_page_shows_the_report_and_the_close_button_once_fixed(
        self, editor, article
    ):
        report = reported(article, email="piet@example.nl")
        url = reverse("admin:articles_article_change", args=[article.pk])
        html = editor.get(url, {"typo": report.pk}).content.decode()
        assert f'data-typo-quote="{report.quote}"' in html
        assert "typo-highlight.js" in html
        assert close_url(report) not in html  # not fixed yet
        save_change(article, body=FIXED)
        html = editor.get(url, {"typo": report.pk}).content.decode()
        assert f'action="{close_url(report)}"' in html
        assert "Sluit als verbeterd en bedank de melder" in html

    @pytest.mark.parametrize("value", ["abc", "1" * 30, ""])
    def test_a_garbage_report_parameter_shows_no_panel(self, editor, article, value):
        url = reverse("admin:articles_article_change", args=[article.pk])
        response = editor.get(url, {"typo": value})
        assert response.status_code == 200
        assert b"data-typo-quote" not in response.content

    def test_saving_from_the_report_leads_back_to_it(self, editor, article):
        report = reported(article)
        url = reverse("admin:articles_article_change", args=[article.pk])
        data = form_data(article, body=FIXED, change_kind="typo")
        response = editor.post(f"{url}?typo={report.pk}", {**data, "_continue": "1"})
        assert response["Location"] == f"{url}?typo={report.pk}"
        data = form_data(article, body=FIXED + "<p>Meer.</p>", change_kind="typo")
        response = editor.post(f"{url}?typo={report.pk}", {**data, "_save": "1"})
        assert response["Location"] == report.get_admin_url()
