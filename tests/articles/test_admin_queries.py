"""The article and photo admin pages answer with a fixed number of queries."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from articles.roles import EINDREDACTEUR
from tests.factories import ArticleFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(role=EINDREDACTEUR))
    return client


# Both lists: session, user, the user's permissions (2), count of all and of the filtered
# rows (2), the page of rows. The article list adds the publication job's last run, the
# cache purges that failed in the last day, the sections for its filter (with the page's
# sections joined) and its date hierarchy (2).
LISTS = {"articles_article": 12, "articles_image": 7}


@pytest.mark.parametrize("rows", [1, 5])
@pytest.mark.parametrize("name", LISTS)
def test_the_lists_use_a_fixed_number_of_queries(
    editor_client, django_assert_num_queries, name, rows
):
    for _ in range(rows):
        ArticleFactory(lead_image=ImageFactory())
    with django_assert_num_queries(LISTS[name]):
        assert editor_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


@pytest.mark.parametrize("articles", [1, 3])
def test_the_form_of_a_photo_in_use_uses_eight_queries(
    editor_client, django_assert_num_queries, articles
):
    image = ImageFactory()
    for _ in range(articles):
        ArticleFactory(lead_image=image)
    url = reverse("admin:articles_image_change", args=[image.pk])
    ContentType.objects.clear_cache()  # kept per process: the count must not depend on order
    # session, user, the photo, the user's permissions (2), the articles showing it
    # (asked by the fieldsets and by the form: 2), the content type for the history link
    with django_assert_num_queries(8):
        assert editor_client.get(url).status_code == 200
