import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from newsroom.origin import same_origin_post


@same_origin_post
def form_view(request):
    return HttpResponse("opgeslagen")


def post(**headers):
    return form_view(RequestFactory().post("/formulier/", {"a": "b"}, headers=headers))


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Origin": "http://testserver"},
        {"Referer": "http://testserver/buitenland/artikel/"},
    ],
)
def test_a_post_from_our_own_page_is_accepted(headers):
    assert post(**headers).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no marks at all, like a forged request from an old client
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/testserver/"},
        {"Referer": "not a url"},
    ],
)
def test_a_cross_site_or_unmarked_post_is_refused(headers):
    assert post(**headers).status_code == 403


def test_safe_methods_pass_through():
    assert form_view(RequestFactory().get("/formulier/")).status_code == 200


def test_the_refusal_is_explained_in_dutch():
    assert "Het formulier kon niet worden verzonden" in post().content.decode()
