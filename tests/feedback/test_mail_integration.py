"""The editors' mail end to end: a real Celery worker delivering to a real SMTP server."""

import time

from django.urls import reverse

from feedback.models import TypoReport
from tests.factories import ArticleFactory


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_report_reaches_the_redactie_through_the_worker_and_smtp(
    client, celery_worker, smtp_server
):
    article = ArticleFactory(body="<p>De minister zei dat de trien vaker gaat rijden.</p>")
    response = client.post(
        reverse("feedback:typo_report", args=[article.pk]),
        {
            "quote": "trien",
            "correction": "trein",
            "comment": "<b>Kleine fout</b>",
            "name": "Piet de Vries",
            "email": "piet@example.com",
            "revision": article.revision_number,
        },
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 303
    report = TypoReport.objects.get()

    assert wait_for(lambda: smtp_server.envelopes), "no mail arrived"
    assert wait_for(lambda: TypoReport.objects.filter(pk=report.pk, mail_status="sent").exists())
    [envelope] = smtp_server.envelopes
    [message] = smtp_server.messages
    assert envelope.rcpt_tos == ["redactie@kopij.test"]
    assert message["Reply-To"] == "Piet de Vries <piet@example.com>"
    assert message["Subject"] == f"Taalfout gemeld: {article.headline}"
    assert message.get_content_type() == "text/plain"
    body = message.get_body(("plain",)).get_content()
    assert "De minister zei dat de [[trien]] vaker gaat rijden." in body
    assert "Voorgestelde verbetering: trein" in body
    assert "<b>Kleine fout</b>" in body
    assert f"/admin/feedback/typoreport/{report.pk}/change/" in body
