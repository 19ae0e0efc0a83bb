"""The error pages share one base, and the 500 page only promises what is true."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from articles.roles import VERSLAGGEVER
from newsroom.env import parse_admins
from newsroom.errors import server_error
from tests.factories import UserFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
NOTIFIED = "De redactie is op de hoogte gebracht"
SORRY = "Er ging aan onze kant iets mis."
SHARED_BASE = '<div class="error-page">'


@pytest.fixture
def broken_search(monkeypatch):
    """The search page fails with an unhandled error, as a bug would make it."""

    def boom(**terms):
        raise RuntimeError("the search index is gone")

    monkeypatch.setattr("articles.views.search_articles", boom)
    return "/zoeken/?q=trein"


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("name", ["400", "403", "403_csrf", "404", "500", "503"])
def test_every_error_page_extends_the_one_base(name):
    source = (TEMPLATES / f"{name}.html").read_text()
    assert source.startswith('{% extends "error.html" %}')


@pytest.mark.django_db
class TestTheRealPages:
    def test_a_bad_host_gets_the_400_page(self, client):
        response = client.get("/", headers={"Host": "evil.example"})
        html = response.content.decode()
        assert response.status_code == 400
        assert "<h1>Ongeldig verzoek</h1>" in html and SHARED_BASE in html

    def test_a_reporter_in_the_section_admin_gets_the_403_page(self, client, roles):
        client.force_login(UserFactory(username="victor", role=VERSLAGGEVER))
        response = client.get(reverse("admin:articles_section_add"))
        html = response.content.decode()
        assert response.status_code == 403
        assert "<h1>Geen toegang</h1>" in html and SHARED_BASE in html

    def test_a_form_without_its_token_gets_the_csrf_page(self):
        response = Client(enforce_csrf_checks=True).post(reverse("admin:login"), {})
        html = response.content.decode()
        assert response.status_code == 403
        assert "<h1>Het formulier kon niet worden verzonden</h1>" in html and SHARED_BASE in html
        assert "<title>Het formulier kon niet worden verzonden · Kopij</title>" in html

    def test_a_missing_page_gets_the_404_page(self, client):
        response = client.get("/bestaat/echt/niet/")
        html = response.content.decode()
        assert response.status_code == 404
        assert "<h1>Pagina niet gevonden</h1>" in html and SHARED_BASE in html

    def test_an_unhandled_error_gets_the_500_page(self, reader, broken_search):
        response = reader.get(broken_search)
        html = response.content.decode()
        assert response.status_code == 500
        assert "<h1>Er is iets misgegaan</h1>" in html and SHARED_BASE in html
        assert "<title>Er is iets misgegaan · Kopij</title>" in html


@pytest.mark.django_db
class TestTheEditorsAreNotified:
    def test_with_admins_they_get_a_mail_and_the_page_says_so(
        self, reader, broken_search, settings
    ):
        settings.ADMINS = [("Eva de Wit", "eva@kopij.test")]
        html = reader.get(broken_search).content.decode()
        assert NOTIFIED in html
        [message] = mail.outbox
        assert message.to == ["eva@kopij.test"]
        assert "/zoeken/" in message.subject
        assert "the search index is gone" in message.body

    def test_without_admins_nobody_is_mailed_and_the_page_promises_nothing(
        self, reader, broken_search, settings
    ):
        settings.ADMINS = []
        html = reader.get(broken_search).content.decode()
        assert NOTIFIED not in html
        assert f"{SORRY} Probeer het zo nog eens." in html
        assert mail.outbox == []

    def test_a_missing_page_mails_nobody(self, client, settings):
        settings.ADMINS = [("Eva de Wit", "eva@kopij.test")]
        assert client.get("/bestaat/echt/niet/").status_code == 404
        assert mail.outbox == []


@pytest.mark.django_db
def test_the_500_page_needs_no_database(django_assert_num_queries, settings):
    settings.ADMINS = [("Eva de Wit", "eva@kopij.test")]
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert NOTIFIED in response.content.decode()


class TestAdminsFromTheEnvironment:
    def test_names_and_addresses_are_read(self):
        value = 'Eva de Wit <eva@kopij.nl>, "Bakker, Joost" <joost@kopij.nl>,it@kopij.nl'
        assert parse_admins(value) == [
            ("Eva de Wit", "eva@kopij.nl"),
            ("Bakker, Joost", "joost@kopij.nl"),
            ("", "it@kopij.nl"),
        ]

    @pytest.mark.parametrize("value", ["", "   "])
    def test_empty_means_nobody(self, value):
        assert parse_admins(value) == []

    @pytest.mark.parametrize(
        "value",
        [
            "Eva de Wit",
            "eva@",
            "Eva <eva@kopij.nl>, onzin",
            "Eva <eva@kopij.nl>\r\nBcc: x@evil.example",
            "<script>@kopij.nl",
        ],
    )
    def test_garbage_stops_the_start_up(self, value):
        with pytest.raises(ImproperlyConfigured, match="ADMINS"):
            parse_admins(value)
