"""The real stack: Varnish with tag purges in front of gunicorn, a worker, beat, PostgreSQL."""

import json
import re
import time

import pytest

from articles.navigation import CHECK_SECONDS
from tests.stack.client import raw_request
from tests.stack.stack import PASSWORD, eventually

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def site(stack):
    """Demo content, an editor and a chief editor, and what the tests look at."""
    code = f"""
import json
import re
from django.contrib.auth import get_user_model
from articles.models import Article, Section
from articles.policy import SYSTEM
from articles.services import preview_token
User = get_user_model()
User.objects.filter(username="chef").exists() or User.objects.create_superuser(
    "chef", "chef@example.nl", "{PASSWORD}"
)
visible = list(Article.objects.visible().order_by("-published_at", "-pk")[:4])
draft = Article.objects.exclude(pk__in=[a.pk for a in visible]).first()
print(json.dumps({{
    "articles": [[a.pk, a.get_absolute_url(), a.section_id] for a in visible],
    "section": [visible[0].section_id, visible[0].section.slug, visible[0].section.name],
    "preview": "/preview/" + preview_token(article=draft, by=SYSTEM) + "/",
}}))
"""
    return json.loads(stack.shell(code).strip().splitlines()[-1])


def cached(reader, path: str):
    reader.get(path)
    answer = reader.get(path)
    assert answer.header("X-Cache") == "HIT", (path, answer.status, answer.headers)
    return answer


def test_a_correction_saved_in_the_admin_is_visible_through_varnish_within_a_second(stack, site):
    pk, path, _ = site["articles"][0]
    reader, editor = stack.browser(), stack.browser()
    cached(reader, path)
    editor.login("eindredacteur", PASSWORD)
    saved = editor.submit(
        f"/admin/articles/article/{pk}/change/",
        "article_form",
        headline="Rectificatie: het bedrag is 42 miljoen euro",
        change_kind="correction",
        change_note="Eerder stond hier 24 miljoen euro.",
    )
    assert saved.status == 302, saved.text[:2000]
    shown, seconds = eventually(
        lambda: "Rectificatie: het bedrag is 42 miljoen" in reader.get(path).text, within=3
    )
    assert shown and seconds <= 1.0, f"visible after {seconds:.2f} s"
    assert "Eerder stond hier 24 miljoen euro." in reader.get(path).text


def test_a_section_rename_changes_every_cached_page_that_shows_the_navigation(stack, site):
    section_id, slug, name = site["section"]
    reader, chief = stack.browser(), stack.browser()
    pages = ["/", f"/{slug}/", *(path for _, path, _ in site["articles"][1:]), "/zoeken/?q=a"]
    for page in pages:
        assert name in cached(reader, page).text
    chief.login("chef", PASSWORD)
    saved = chief.submit(
        f"/admin/articles/section/{section_id}/change/", "section_form", name="Wereldnieuws"
    )
    assert saved.status == 302, saved.text[:2000]
    # Other gunicorn workers keep their navigation up to CHECK_SECONDS; the nav purge is
    # repeated after that, so no page they render meanwhile stays at the edge.
    for page in pages:
        renamed, seconds = eventually(
            lambda page=page: ">Wereldnieuws<" in reader.get(page).text,
            within=CHECK_SECONDS + 4,
        )
        assert renamed, (page, seconds)
    time.sleep(2)
    for page in pages:
        assert ">Wereldnieuws<" in reader.get(page).text, page


def test_with_gunicorn_stopped_cached_articles_are_still_served(stack, site):
    _, path, _ = site["articles"][1]
    _, purged, _ = site["articles"][2]
    reader = stack.browser()
    text = cached(reader, path).text
    cached(reader, purged)
    # A purged page is kept in grace for exactly this moment.
    raw_request(
        stack.port,
        b"PURGE / HTTP/1.1\r\nHost: 127.0.0.1\r\nxkey-purge: article-%d\r\n\r\n"
        % site["articles"][2][0],
    )
    stack.stack("stop", "gunicorn")
    try:
        answer = reader.get(path)
        assert (answer.status, answer.text) == (200, text)
        assert reader.get(purged).status == 200
        unknown = reader.get("/binnenland/bestaat-niet/")
        assert unknown.status == 503
        assert "Even niet beschikbaar" in unknown.text and unknown.header("Retry-After")
    finally:
        stack.stack("start", "gunicorn")
        wait_healthy(stack)


def test_with_postgresql_stopped_cached_articles_are_still_served(stack, site):
    _, path, _ = site["articles"][3]
    reader = stack.browser()
    text = cached(reader, path).text
    cached(reader, "/")
    raw_request(stack.port, b"PURGE / HTTP/1.1\r\nHost: 127.0.0.1\r\nxkey-purge: home\r\n\r\n")
    stack.postgres("stop")
    try:
        statuses = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            statuses += [reader.get(path).status, reader.get("/").status]
        assert set(statuses) == {200}, statuses
        assert reader.get(path).text == text
    finally:
        stack.postgres("start")
        wait_healthy(stack)


def wait_healthy(stack):
    reader = stack.browser()
    healthy, seconds = eventually(lambda: reader.get("/health/").status == 200, within=30, step=0.2)
    assert healthy, f"the app is not healthy {seconds:.0f} s later"


@pytest.mark.parametrize("path", ["/admin/login/", "PREVIEW"])
def test_the_admin_and_previews_are_never_cached(stack, site, path):
    path = site["preview"] if path == "PREVIEW" else path
    reader = stack.browser()
    for _ in range(2):
        answer = reader.get(path)
        assert answer.status == 200
        assert answer.header("X-Cache") == "PASS"


def test_posts_are_never_cached_and_the_reader_cookie_does_not_bypass_the_cache(stack, site):
    pk, path, _ = site["articles"][1]
    reader = stack.browser()
    revision = re.search(r'name="revision" value="(\d+)"', cached(reader, path).text)[1]
    for _ in range(2):
        vote = reader.request(
            f"/feedback/{pk}/",
            method="POST",
            data={"useful": "yes", "revision": revision},
            headers={"Origin": reader.base, "Sec-Fetch-Site": "same-origin"},
        )
        assert vote.status in (302, 303), vote.text[:1000]
        assert vote.header("X-Cache") == "PASS"
    assert any(c.name == "kopij_lezer" for c in reader.cookies)
    assert reader.get(path).header("X-Cache") == "HIT"


def test_tracking_parameters_and_parameter_order_hit_the_same_object(stack, site):
    _, path, _ = site["articles"][1]
    reader = stack.browser()
    cached(reader, path)
    tracked = reader.get(path + "?utm_source=nieuwsbrief&utm_medium=mail&fbclid=x&gclid=y")
    assert tracked.header("X-Cache") == "HIT"
    cached(reader, "/zoeken/?q=kabinet&page=1")
    assert reader.get("/zoeken/?page=1&utm_campaign=z&q=kabinet").header("X-Cache") == "HIT"


def test_accept_encoding_variants_share_one_object(stack, site):
    _, path, _ = site["articles"][1]
    reader = stack.browser()
    reader.get(path, **{"Accept-Encoding": "gzip"})
    answer = reader.get(path, **{"Accept-Encoding": "br, gzip;q=0.9, deflate"})
    assert answer.header("X-Cache") == "HIT"
    assert answer.header("Content-Encoding") == "gzip"


def test_a_host_not_allowed_is_never_cached(stack):
    for _ in range(2):
        answer = raw_request(stack.port, b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n")
        assert answer.startswith("HTTP/1.1 400")
        assert "X-Cache: PASS" in answer


@pytest.mark.parametrize("method", [b"PURGE", b"BAN"])
def test_a_purge_from_outside_the_purger_acl_is_refused(stack, site, method):
    _, path, _ = site["articles"][1]
    reader = stack.browser()
    cached(reader, path)
    answer = raw_request(
        stack.port,
        method + b" / HTTP/1.1\r\nHost: 127.0.0.1\r\nxkey-purge: nav home feeds\r\n\r\n",
        source="127.0.0.2",
    )
    assert answer.startswith("HTTP/1.1 403")
    assert reader.get(path).header("X-Cache") == "HIT"
