"""Content-Security-Policy and Permissions-Policy: strict on reader pages, working in the admin."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from articles.roles import EINDREDACTEUR
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
READER_POLICY = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return {name: value for name, value in parts}


@pytest.fixture
def article():
    return ArticleFactory(section=SectionFactory(slug="binnenland", name="Binnenland"))


@pytest.fixture
def editor(client, roles):
    client.force_login(UserFactory(username="eva", role=EINDREDACTEUR))
    return client


@pytest.mark.parametrize(
    "path", ["/", "/binnenland/", "ARTICLE", "/zoeken/?q=kabinet", "/nieuwsbrief/", "/feeds/rss/"]
)
def test_reader_pages_allow_only_our_own_origin(client, article, path):
    response = client.get(article.get_absolute_url() if path == "ARTICLE" else path)
    assert response.status_code == 200
    # default-src covers scripts, styles, images, fonts and fetches: no inline, no nonce.
    assert policy(response) == READER_POLICY


@pytest.mark.parametrize("path", ["/bestaat-niet/", "/zoeken/?q=%00"])
def test_error_pages_carry_the_reader_policy(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert policy(response) == READER_POLICY


def test_a_page_from_the_page_cache_carries_the_policy_too(client, article, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    client.get("/binnenland/")
    again = client.get("/binnenland/")
    assert again["X-Page-Cache"] == "hit"
    assert policy(again) == READER_POLICY


def test_the_article_editor_runs_its_import_map_with_a_fresh_nonce(editor, article):
    url = f"/admin/articles/article/{article.pk}/change/"
    nonces = []
    for _ in range(2):
        response = editor.get(url)
        script_src = policy(response)["script-src"].split()
        nonce = re.search(r'<script type="importmap" nonce="([^"]+)"', response.content.decode())
        assert nonce, "the editor's import map carries no nonce"
        assert script_src == ["'self'", f"'nonce-{nonce[1]}'"]
        nonces.append(nonce[1])
    assert nonces[0] != nonces[1]


def test_the_admin_keeps_the_strict_parts_and_allows_inline_styles_only(editor):
    admin_policy = policy(editor.get("/admin/articles/article/"))
    for name in ("default-src", "object-src", "base-uri", "frame-ancestors", "form-action"):
        assert admin_policy[name] == READER_POLICY[name]
    assert admin_policy["style-src"] == "'self' 'unsafe-inline'"
    assert "unsafe" not in admin_policy.get("script-src", "")


@pytest.mark.parametrize("path", ["/", "ARTICLE", "/admin/login/", "/bestaat-niet/"])
def test_every_page_turns_off_the_browser_features_we_never_use(client, article, path):
    response = client.get(article.get_absolute_url() if path == "ARTICLE" else path)
    features = dict(part.split("=") for part in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "interest-cohort", "payment", "usb"):
        assert features[feature] == "()"


def reader_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES).as_posix()
        # The admin has its own policy; mail is read in mail clients, not under our CSP.
        if not relative.startswith("admin/") and "/mail/" not in relative:
            yield relative


@pytest.mark.parametrize("name", list(reader_templates()))
def test_no_reader_template_has_inline_script_style_or_handlers(name):
    source = (TEMPLATES / name).read_text()
    inline_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", source)
        if "src=" not in tag and 'type="application/ld+json"' not in tag  # data, not run
    ]
    assert inline_scripts == []
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", source)
