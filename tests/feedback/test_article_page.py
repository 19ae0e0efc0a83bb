import pytest

from feedback.models import TypoReport, Vote
from tests.factories import save_change
from tests.feedback.conftest import SAME_ORIGIN

pytestmark = pytest.mark.django_db


def test_the_article_page_shows_the_usefulness_block_first_and_the_typo_block_last(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    useful = html.index("Vond je dit artikel nuttig?")
    typo = html.index("Hebt u een taalfout gezien?")
    assert html.index('class="reader-blocks"') < useful < typo
    assert f'action="/feedback/{article.pk}/"' in html
    assert f'action="/taalfout/{article.pk}/"' in html
    assert f'href="/taalfout/{article.pk}/?revision={article.revision_number}"' in html


def test_the_forms_carry_the_revision_the_reader_sees(client, article):
    save_change(article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('name="revision" value="2"') == 3  # vote, reason, typo report


def test_the_honeypot_is_labelled_for_screen_readers(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<label for="nuttig-website">Laat dit veld leeg</label>' in html


def test_the_page_stays_the_same_for_a_reader_who_voted(client, article):
    url = article.get_absolute_url()
    before = client.get(url)
    client.post(
        f"/feedback/{article.pk}/",
        {"useful": "no", "revision": 1},
        headers=SAME_ORIGIN,
    )
    assert "kopij_lezer" in client.cookies
    after = client.get(url)
    assert before.content == after.content
    assert b"csrfmiddlewaretoken" not in after.content
    assert "Cookie" not in after.get("Vary", "")


def test_votes_and_reports_add_no_queries_to_the_article_page(
    client, article, django_assert_num_queries
):
    Vote.objects.create(article=article, reader_hash="a" * 64, useful=True, revision_number=1)
    TypoReport.objects.create(article=article, revision_number=1, quote="trein")
    # article with section and photo (1), authors (1), navigation (1, cold cache)
    with django_assert_num_queries(3):
        assert client.get(article.get_absolute_url()).status_code == 200
