"""The check panel in the article admin, the word list and the blocking rules."""

import pytest
from django.urls import reverse

from articles.models import Article
from articles.roles import EINDREDACTEUR, HOOFDREDACTIE, VERSLAGGEVER
from proofing.findings import Rule, Severity
from proofing.models import NewsroomWord, RuleSetting
from tests.articles.test_workflow_admin import change_url, form_data, login
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ADD_WORD = reverse("admin:proofing_newsroomword_add_from_check")
BODY = (
    "<p>Volgens de wethouder komt er plaats voor duizend fietsen. De bouw begint in het"
    " voorjaar en duurt ongeveer een jaar. Reizigers kunnen hun fiets tijdens de bouw kwijt"
    " in een tijdelijke stalling aan de overkant van het plein. De gemeente verwacht dat de"
    " nieuwe stalling de drukte op de stoepen rond het station flink vermindert. Omwonenden"
    " klagen al jaren over fietsen die overal staan en de doorgang versperren.</p>"
)


def test_a_reporter_sees_the_panel_with_a_suggestion_on_their_draft(client):
    user = login(client, VERSLAGGEVER)
    article = ArticleFactory(
        status="draft",
        published_at=None,
        created_by=user,
        body=BODY.replace("fietsen.", "fietsne."),
    )
    page = client.get(change_url(article)).content.decode()
    assert "Controle voor publicatie" in page
    assert "fietsne" in page and "Suggestie: fietsen" in page
    # Reporters may not extend the list: no button, and the endpoint refuses.
    assert ADD_WORD not in page
    response = client.post(ADD_WORD, {"word": "fietsne", "next": change_url(article)})
    assert response.status_code == 403
    assert not NewsroomWord.objects.exists()


def test_an_editor_adds_a_flagged_word_in_one_click_and_it_is_no_longer_flagged(client):
    login(client, EINDREDACTEUR)
    article = ArticleFactory(
        status="draft", published_at=None, body=BODY.replace("plein", "Stallux-plein")
    )
    article.body = article.body.replace("fietsen.", "fietsen van stallux.")
    article.save()
    assert 'name="word" value="stallux"' in client.get(change_url(article)).content.decode()
    response = client.post(ADD_WORD, {"word": "stallux", "next": change_url(article)})
    assert response.status_code == 302 and response["Location"] == change_url(article)
    assert NewsroomWord.objects.get().word == "stallux"
    assert 'value="stallux"' not in client.get(change_url(article)).content.decode()


def test_adding_a_word_needs_a_post(client):
    login(client, EINDREDACTEUR)
    assert client.get(ADD_WORD, {"word": "stallux"}).status_code == 405


def test_adding_a_word_sends_back_only_to_this_site(client):
    login(client, EINDREDACTEUR)
    response = client.post(ADD_WORD, {"word": "stallux", "next": "https://evil.example/"})
    assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize(
    "word",
    ["twee woorden", "<b>vet</b>", "woord\x00", "tab\tje", "", "---", "a" * 61, "java<script>"],
)
def test_a_word_with_spaces_markup_or_control_characters_gets_a_form_error(client, word):
    login(client, HOOFDREDACTIE)
    response = client.post(reverse("admin:proofing_newsroomword_add"), {"word": word, "note": ""})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not NewsroomWord.objects.exists()


def test_the_one_click_add_refuses_bad_words_with_a_dutch_message(client):
    login(client, EINDREDACTEUR)
    response = client.post(ADD_WORD, {"word": "<b>vet</b>", "next": "/admin/"}, follow=True)
    assert "Alleen letters, cijfers" in response.content.decode()
    assert not NewsroomWord.objects.exists()


def test_names_and_house_spellings_are_accepted(client):
    login(client, HOOFDREDACTIE)
    for word in ["Pieter-Jan", "auto's", "St.-Michielsgestel", "Zürich", "COVID-19"]:
        response = client.post(reverse("admin:proofing_newsroomword_add"), {"word": word})
        assert response.status_code == 302, word
    assert NewsroomWord.objects.count() == 5


def test_a_blocking_rule_refuses_publication_and_keeps_the_text(client):
    login(client, EINDREDACTEUR)
    RuleSetting.objects.filter(rule=Rule.DOUBLE_SPACES).update(severity=Severity.BLOCKING)
    article = ArticleFactory(status="draft", published_at=None, body=BODY)
    typed = BODY.replace("De bouw begint", "De bouw  begint")
    data = form_data(article, body=typed, status="published", published_at_0="", published_at_1="")
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Niet gepubliceerd" in page and "dubbele spatie" in page
    assert "De bouw  begint" in page  # the editor's text is still in the form
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and "  " not in article.body


def test_a_warning_never_stops_a_save_or_publication(client):
    login(client, EINDREDACTEUR)
    article = ArticleFactory(status="draft", published_at=None, body=BODY)
    data = form_data(
        article,
        body=BODY.replace("De bouw begint", "De bouw  begint"),
        status="published",
        published_at_0="",
        published_at_1="",
    )
    assert client.post(change_url(article), data).status_code == 302
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_the_publish_service_refuses_on_a_blocking_rule_too():
    from articles.services import article_save
    from proofing.services import PublishBlocked
    from tests.factories import UserFactory

    editor = UserFactory(role=EINDREDACTEUR)
    RuleSetting.objects.filter(rule=Rule.HEADLINE_LENGTH).update(severity=Severity.BLOCKING)
    article = ArticleFactory(status="draft", published_at=None, body=BODY)
    article.headline = "Lang " * 30
    article.status = Article.Status.PUBLISHED
    with pytest.raises(PublishBlocked):
        article_save(article=article, by=editor)
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_only_the_editors_in_chief_set_the_rules(client):
    url = reverse("admin:proofing_rulesetting_changelist")
    login(client, EINDREDACTEUR, username="eind")
    assert client.get(url).status_code == 403
    client.logout()
    login(client, HOOFDREDACTIE, username="chef")
    page = client.get(url).content.decode()
    assert "Dubbele spaties" in page


def test_the_body_editor_leaves_the_browser_spell_check_on(client):
    login(client, EINDREDACTEUR)
    article = ArticleFactory(status="draft", published_at=None)
    page = client.get(change_url(article)).content.decode()
    assert "NoSpellCheck" not in page


@pytest.mark.parametrize(
    "body",
    [
        "<p>" + "De raad vergadert vanavond over de begroting. " * 14_300 + "</p>",  # 100,000 words
        "<p>" + "x" * 50_000 + "</p>",  # one 50,000-character "word"
        "<p>Москва 🚲 &amp; &#128512; https://example.com/" + "a" * 3000 + " 中文 العربية</p>",
    ],
    ids=["100000-words", "50000-character-word", "scripts-emoji-entities-urls"],
)
def test_a_draft_with_a_monstrous_body_is_saved_and_checked_within_budget(client, body):
    """On the real clock: the check never stands between a reporter and a saved draft."""
    import time

    user = login(client, VERSLAGGEVER)
    article = ArticleFactory(status="draft", published_at=None, created_by=user, body=BODY)
    started = time.monotonic()
    response = client.post(change_url(article), form_data(article, body=body))
    saved_in = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(pk=article.pk).revision_number == 2
    started = time.monotonic()
    page = client.get(change_url(article)).content.decode()
    shown_in = time.monotonic() - started
    assert "Controle voor publicatie" in page
    # One budget (PROOFING_SECONDS, 1 s) for the check, and slack for a loaded machine.
    assert saved_in < 10 and shown_in < 10, (saved_in, shown_in)
    if len(body) > 500_000:
        assert "alleen het begin" in page  # the panel says what it left unchecked
