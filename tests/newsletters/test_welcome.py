"""After confirming: a welcome mail with the way out, and a used link that says so."""

import pytest
from django.core import mail

from newsletters.models import ConsentRecord, Subscriber
from newsletters.services import subscribers
from newsroom.models import OutboxTask
from tests.newsletters.test_subscribing import confirm_link, sign_up  # noqa: F401 (fixture)

# The roles: a transactional test before these (PostgreSQL leg) may have flushed the groups.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]


@pytest.fixture
def confirm(client, sign_up, django_capture_on_commit_callbacks):  # noqa: F811
    sign_up(client)
    link = confirm_link(mail.outbox[0])

    def post():
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(link)

    post.link = link
    return post


def test_confirming_sends_one_welcome_with_the_unsubscribe_link_in_both_parts(confirm):
    confirm()
    welcome = mail.outbox[1]
    subscriber = Subscriber.objects.get()
    assert welcome.to == ["lezer@voorbeeld.nl"]
    assert welcome.subject == "Welkom bij de nieuwsbrief van Kopij"
    assert "/nieuwsbrief/afmelden/" in welcome.body
    html = welcome.alternatives[0].content
    assert '<a href="http://testserver/nieuwsbrief/afmelden/' in html
    assert "Afmelden" in html
    assert welcome.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert subscriber.welcome_sent_at is not None


def test_the_welcome_goes_through_the_outbox_on_commit(client, sign_up):  # noqa: F811
    sign_up(client)
    consent = ConsentRecord.objects.get()
    subscribers.subscriber_confirm(consent=consent)
    work = OutboxTask.objects.get(task="newsletters.tasks.send_welcome")
    assert work.args == [consent.subscriber_id]


def test_a_retried_welcome_task_sends_nothing_twice(confirm):
    confirm()
    subscriber = Subscriber.objects.get()
    assert subscribers.subscriber_send_welcome(subscriber_id=subscriber.pk) is False
    assert len(mail.outbox) == 2  # the confirmation and one welcome


def test_a_used_confirmation_link_says_the_address_is_already_confirmed(client, confirm):
    confirm()
    for response in (client.get(confirm.link), confirm()):
        html = response.content.decode()
        assert response.status_code == 200
        assert "Dit adres is al bevestigd" in html
        assert "Aanmelding bevestigen" not in html
    assert len(mail.outbox) == 2  # no second welcome


def test_a_used_link_after_unsubscribing_is_no_longer_valid(client, confirm):
    confirm()
    subscribers.subscriber_unsubscribe(subscriber=Subscriber.objects.get())
    response = client.get(confirm.link)
    assert response.status_code == 400
    assert "Deze link werkt niet meer" in response.content.decode()
