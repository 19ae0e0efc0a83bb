"""The edition's page on a bad day: the mail server away, a reader's server refusing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsletters.models import Delivery, Edition
from tests.browser.desk import log_in, shoot
from tests.factories import ArticleFactory, EditionFactory, SubscriberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_sees_the_outage_and_sends_the_refused_delivery_again(page, live_server):
    # A superuser: the newsletter roles' groups (a data migration) are flushed between tests.
    UserFactory(username="chef", is_superuser=True, is_staff=True)
    edition = EditionFactory(subject="De week", articles=[ArticleFactory(headline="Dijk")])
    refused, waiting = SubscriberFactory.create_batch(2)
    Delivery.objects.create(edition=edition, subscriber=refused, status="failed", error="550")
    Delivery.objects.create(edition=edition, subscriber=waiting)
    Edition.objects.filter(pk=edition.pk).update(
        status="sending",
        send_started_at=timezone.now(),
        outage_tries=3,
        outage_until=timezone.now() + timedelta(minutes=4),
        outage_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    path = f"/admin/newsletters/edition/{edition.pk}/change/"
    log_in(page, live_server, path, username="chef")
    box = page.locator(".newsletter-admin")
    assert "geweigerd door de server van de ontvanger 1 · wacht nog 1" in box.inner_text()
    assert "De mailserver is niet bereikbaar" in box.inner_text()
    shoot(page, "edition-bad-day")

    box.get_by_role("button", name="Verstuur mislukte opnieuw").click()
    page.wait_for_url(f"**{path}")
    assert "1 bezorgingen die de servers van de ontvangers weigerden" in page.inner_text("body")
    assert "wacht nog 2" in page.locator(".newsletter-admin").inner_text()
    assert Delivery.objects.get(subscriber=refused).status == "queued"
