import pytest

from tests.factories import ArticleFactory

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
JSON = {**SAME_ORIGIN, "Accept": "application/json"}


@pytest.fixture
def article(db):
    return ArticleFactory(
        body="<p>De minister zei dat de trein vaker gaat rijden.</p>"
        "<p>Volgend jaar komt er een nieuwe dienstregling.</p>"
    )


@pytest.fixture
def reader_post(client):
    """POST as a reader's browser on our own page does: marked same-origin."""

    def post(url, data, *, json=False, **extra):
        return client.post(url, data, headers=JSON if json else SAME_ORIGIN, **extra)

    return post
