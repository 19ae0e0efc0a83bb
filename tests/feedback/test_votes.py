import pytest
from django.urls import reverse

from feedback.models import Vote
from feedback.views import READER_COOKIE
from tests.factories import ArticleFactory, save_change

pytestmark = pytest.mark.django_db


def vote_url(article):
    return reverse("feedback:vote", args=[article.pk])


def vote_data(article, **overrides):
    return {"useful": "yes", "revision": article.revision_number, "website": "", **overrides}


class TestVoting:
    def test_a_yes_returns_to_the_article_with_the_thanks(self, reader_post, article):
        response = reader_post(vote_url(article), vote_data(article))
        assert response.status_code == 303
        assert response["Location"] == f"{article.get_absolute_url()}#nuttig-bedankt"
        vote = Vote.objects.get()
        assert (vote.article, vote.useful, vote.revision_number) == (article, True, 1)

    def test_a_no_returns_to_the_article_asking_why(self, reader_post, article):
        response = reader_post(vote_url(article), vote_data(article, useful="no"))
        assert response["Location"] == f"{article.get_absolute_url()}#nuttig-waarom"
        assert Vote.objects.get().useful is False

    def test_the_reason_is_stored_with_the_no(self, reader_post, article):
        reader_post(vote_url(article), vote_data(article, useful="no"))
        response = reader_post(
            vote_url(article),
            vote_data(article, useful="no", reason="incomplete", comment="Cijfers ontbreken."),
        )
        assert response["Location"].endswith("#nuttig-bedankt")
        vote = Vote.objects.get()
        assert (vote.reason, vote.comment) == ("incomplete", "Cijfers ontbreken.")

    def test_a_reason_form_without_a_choice_still_ends_with_the_thanks(self, reader_post, article):
        response = reader_post(vote_url(article), vote_data(article, useful="no", comment=""))
        assert response["Location"].endswith("#nuttig-bedankt")
        assert Vote.objects.get().useful is False

    def test_with_script_the_answer_is_json_without_a_reload(self, reader_post, article):
        response = reader_post(vote_url(article), vote_data(article, useful="no"), json=True)
        assert response.status_code == 200
        assert response.json() == {"ask_reason": True}

    def test_a_reader_changes_their_vote_but_never_adds_one(self, reader_post, article):
        reader_post(vote_url(article), vote_data(article, useful="no", reason="unclear"))
        reader_post(vote_url(article), vote_data(article))
        reader_post(vote_url(article), vote_data(article))
        vote = Vote.objects.get()
        assert (vote.useful, vote.reason) == (True, "")

    def test_two_readers_give_two_votes(self, client, reader_post, article):
        reader_post(vote_url(article), vote_data(article))
        client.cookies.clear()
        reader_post(vote_url(article), vote_data(article, useful="no"))
        assert Vote.objects.count() == 2

    def test_the_reader_is_known_by_a_signed_cookie_and_stored_as_a_hash(
        self, client, reader_post, article
    ):
        response = reader_post(vote_url(article), vote_data(article))
        cookie = response.cookies[READER_COOKIE]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        token = cookie.value.split(":")[0]
        stored = Vote.objects.get().reader_hash
        assert len(stored) == 64 and token not in stored
        assert "127.0.0.1" not in stored

    def test_a_forged_cookie_counts_as_a_new_reader(self, client, reader_post, article):
        reader_post(vote_url(article), vote_data(article))
        client.cookies[READER_COOKIE] = "iemand-anders:vervalst"
        reader_post(vote_url(article), vote_data(article, useful="no"))
        assert sorted(Vote.objects.values_list("useful", flat=True)) == [False, True]

    def test_the_revision_the_reader_saw_is_kept(self, reader_post, article):
        save_change(article)
        save_change(article)
        reader_post(vote_url(article), vote_data(article, revision=2))
        assert Vote.objects.get().revision_number == 2


class TestBadVotes:
    @pytest.mark.parametrize(
        "overrides",
        [
            {"useful": ""},
            {"useful": "misschien"},
            {"revision": "99"},
            {"revision": "0"},
            {"revision": "abc"},
            {"useful": "no", "reason": "boos"},
            {"useful": "no", "comment": "x" * 1001},
            {"useful": "yes", "reason": "unclear"},
        ],
    )
    def test_garbage_is_a_400_with_a_dutch_message(self, reader_post, article, overrides):
        response = reader_post(vote_url(article), vote_data(article, **overrides))
        assert response.status_code == 400
        assert "Het formulier kon niet worden verwerkt" in response.content.decode()
        assert not Vote.objects.exists()

    def test_garbage_with_script_is_a_400_with_errors_per_field(self, reader_post, article):
        response = reader_post(vote_url(article), vote_data(article, useful="?"), json=True)
        assert response.status_code == 400
        assert "useful" in response.json()["errors"]

    def test_non_utf8_input_is_a_400_not_a_500(self, client, article):
        body = b"useful=\xff\xfe&revision=1"
        response = client.post(
            vote_url(article),
            body,
            content_type="application/x-www-form-urlencoded",
            headers={"Sec-Fetch-Site": "same-origin"},
        )
        assert response.status_code == 400

    def test_an_oversize_body_is_a_400(self, reader_post, article):
        response = reader_post(vote_url(article), vote_data(article, comment="x" * 3_000_000))
        assert response.status_code == 400
        assert not Vote.objects.exists()

    def test_a_draft_cannot_be_voted_on(self, reader_post):
        draft = ArticleFactory(status="draft", published_at=None)
        assert reader_post(vote_url(draft), vote_data(draft)).status_code == 404
        assert not Vote.objects.exists()

    def test_an_unknown_article_is_404(self, reader_post):
        response = reader_post("/feedback/999999/", {"useful": "yes", "revision": 1})
        assert response.status_code == 404

    def test_get_is_405(self, client, article):
        assert client.get(vote_url(article)).status_code == 405

    def test_a_cross_site_post_is_403(self, client, article):
        response = client.post(
            vote_url(article), vote_data(article), headers={"Origin": "https://evil.example"}
        )
        assert response.status_code == 403
        assert not Vote.objects.exists()

    def test_a_post_without_origin_marks_is_403_like_a_missing_csrf_token(self, client, article):
        assert client.post(vote_url(article), vote_data(article)).status_code == 403

    def test_a_bot_filling_the_honeypot_gets_a_normal_answer_and_stores_nothing(
        self, reader_post, article
    ):
        response = reader_post(vote_url(article), vote_data(article, website="http://spam"))
        assert response.status_code == 303
        assert response["Location"].endswith("#nuttig-bedankt")
        assert not Vote.objects.exists()
