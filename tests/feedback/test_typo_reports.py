import pytest
from django.urls import reverse

from feedback.models import TypoReport

pytestmark = pytest.mark.django_db


def report_url(article):
    return reverse("feedback:typo_report", args=[article.pk])


def report_data(article, **overrides):
    return {
        "quote": "vaker gaat rijden",
        "correction": "vaker zal rijden",
        "comment": "",
        "name": "",
        "email": "",
        "website": "",
        "revision": article.revision_number,
        **overrides,
    }


class TestTheReportForm:
    def test_the_form_page_works_without_script_with_the_quote_prefilled(self, client, article):
        response = client.get(report_url(article), {"quote": "trein", "revision": 1})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Taalfout melden" in html
        assert ">\ntrein</textarea>" in html
        assert 'name="revision" value="1"' in html

    def test_the_form_page_is_rendered_with_crispy_without_a_token_or_bootstrap(
        self, client, article
    ):
        html = client.get(report_url(article)).content.decode()
        assert 'id="div_id_quote"' in html  # crispy's field wrapper
        assert f'action="{report_url(article)}"' in html
        assert 'class="hp-field"' in html and 'id="id_website"' in html  # the honeypot
        assert "csrfmiddlewaretoken" not in html  # the view checks the origin instead
        assert "bootstrap" not in html  # the paper's own CSS styles crispy's markup

    def test_a_report_is_stored_with_article_revision_and_context(
        self, reader_post, article, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks():
            response = reader_post(report_url(article), report_data(article))
        assert response.status_code == 303
        assert response["Location"] == f"{article.get_absolute_url()}#taalfout-bedankt"
        report = TypoReport.objects.get()
        assert (report.article, report.revision_number) == (article, 1)
        assert report.context_before == "De minister zei dat de trein "
        assert report.context_after.startswith(". Volgend jaar komt er")
        assert report.status == TypoReport.Status.NEW

    def test_a_quote_across_paragraphs_is_found_in_the_article(self, reader_post, article):
        reader_post(report_url(article), report_data(article, quote="rijden.\r\n\r\nVolgend"))
        report = TypoReport.objects.get()
        assert report.quote == "rijden. Volgend"
        assert report.context_before.endswith("trein vaker gaat ")

    def test_with_script_the_answer_is_json(self, reader_post, article):
        response = reader_post(report_url(article), report_data(article), json=True)
        assert response.status_code == 200
        assert response.json()["message"] == "Bedankt! De redactie kijkt ernaar."

    def test_a_bot_filling_the_honeypot_gets_the_thanks_and_nothing_is_stored_or_mailed(
        self, reader_post, article, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = reader_post(report_url(article), report_data(article, website="x"))
        assert response.status_code == 303
        assert not TypoReport.objects.exists()
        assert mailoutbox == []


class TestBadReports:
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"quote": ""}, "quote"),
            ({"quote": "   "}, "quote"),
            ({"quote": "x" * 501}, "quote"),
            ({"correction": "x" * 501}, "correction"),
            ({"comment": "x" * 1001}, "comment"),
            ({"name": "Piet\r\nBcc: iedereen@example.com"}, "name"),
            ({"email": "piet@example.com\r\nBcc: iedereen@example.com"}, "email"),
            # Word's line break, and an invisible zero-width space.
            ({"name": "Piet\vde Vries"}, "name"),
            ({"name": "Piet\u200bde Vries"}, "name"),
            ({"email": "geen adres"}, "email"),
            # Valid in form, but longer than the column (a 500 on PostgreSQL).
            ({"email": "a" * 250 + "@voorbeeld.nl"}, "email"),
            ({"revision": "7"}, "revision"),
            ({"quote": "a\x00b"}, "quote"),
        ],
    )
    def test_bad_input_is_a_form_error(self, reader_post, article, overrides, field):
        response = reader_post(report_url(article), report_data(article, **overrides), json=True)
        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert not TypoReport.objects.exists()

    def test_without_script_bad_input_shows_the_form_again_with_the_errors(
        self, reader_post, article
    ):
        response = reader_post(report_url(article), report_data(article, quote=""))
        assert response.status_code == 400
        assert "Dit veld is verplicht." in response.content.decode()

    def test_html_typed_by_the_reader_is_escaped_when_the_form_comes_back(
        self, reader_post, article
    ):
        response = reader_post(
            report_url(article),
            report_data(article, quote="<script>alert(1)</script>", email="fout"),
        )
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_non_utf8_input_is_a_400_not_a_500(self, client, article):
        response = client.post(
            report_url(article),
            b"quote=\xff\xfe\xfd&revision=1",
            content_type="application/x-www-form-urlencoded",
            headers={"Sec-Fetch-Site": "same-origin"},
        )
        assert response.status_code == 400

    def test_a_draft_cannot_be_reported(self, reader_post):
        from tests.factories import ArticleFactory

        draft = ArticleFactory(status="draft", published_at=None)
        assert reader_post(report_url(draft), report_data(draft)).status_code == 404
        assert not TypoReport.objects.exists()

    @pytest.mark.parametrize("method", ["put", "delete", "patch"])
    def test_other_methods_are_405(self, client, article, method):
        assert getattr(client, method)(report_url(article)).status_code == 405

    def test_a_post_without_origin_marks_is_403(self, client, article):
        assert client.post(report_url(article), report_data(article)).status_code == 403
        assert not TypoReport.objects.exists()


def test_percent_encoded_non_utf8_input_is_a_form_error(client, article):
    response = client.post(
        report_url(article),
        b"quote=%FF%FE%FD&revision=1",
        content_type="application/x-www-form-urlencoded",
        headers={"Sec-Fetch-Site": "same-origin", "Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["quote"] == ["Deze tekst bevat tekens die niet te lezen zijn."]


def test_long_context_is_cut_with_ellipses_on_the_cut_sides_only(reader_post):
    from tests.factories import ArticleFactory

    article = ArticleFactory(body="<p>" + "voorwoord " * 20 + "de fuot hier.</p>")
    reader_post(report_url(article), report_data(article, quote="fuot"))
    report = TypoReport.objects.get()
    assert len(report.context_before) == 80
    assert report.context_after == " hier."
    assert report.context_cut == ("…", "")
