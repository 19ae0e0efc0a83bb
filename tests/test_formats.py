"""Dates are written the paper's way through Django's format localisation, nowhere by hand."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats

from tests.factories import ArticleFactory

AMS = ZoneInfo("Europe/Amsterdam")
PUBLISHED = datetime(2025, 5, 9, 10, 43, tzinfo=AMS)
ROOT = Path(settings.BASE_DIR)
FORMATS_MODULE = ROOT / "newsroom" / "formats" / "nl" / "formats.py"

# A date format written out instead of named: `|date:"j F"`, `date_format(x, "j-n-Y")`,
# `strftime("%d …")` or an f-string `{x:%Y-%m-%d}`. Named formats (DATETIME_FORMAT) and
# the machine format "c" are fine.
HAND_FORMATTED = re.compile(
    r"""\|date:["'](?!c["']|[A-Z_]+["'])"""
    r"""|\|time:["'](?![A-Z_]+["'])"""
    r"""|date_format\([^)]*,\s*["'](?![A-Z_]+["'])"""
    r"""|strftime\("""
    r"""|\{[^{}]*:%[a-zA-Z]"""
    r"""|["']j F"""
)


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.fixture
def reload_formats(monkeypatch):
    """Forget Django's cached formats, before and after a test that changes ours."""
    monkeypatch.setattr(formats, "_format_cache", {})
    monkeypatch.setattr(formats, "_format_modules_cache", {})


def test_a_template_date_and_time_is_written_the_dutch_way():
    when = datetime(2025, 5, 9, 8, 43, tzinfo=ZoneInfo("UTC"))  # 10:43 in Amsterdam
    assert render('{{ when|date:"DATETIME_FORMAT" }}', when=when) == "9 mei 2025 10:43"
    assert render('{{ when|date:"DATE_FORMAT" }}', when=when) == "9 mei 2025"


def test_the_formats_come_from_the_newsroom_module(reload_formats, monkeypatch):
    from newsroom.formats.nl import formats as ours

    monkeypatch.setattr(ours, "DATETIME_FORMAT", "j F Y, H.i \\u\\u\\r")
    when = datetime(2025, 5, 9, 10, 43, tzinfo=AMS)
    assert render('{{ when|date:"DATETIME_FORMAT" }}', when=when) == "9 mei 2025, 10.43 uur"


@pytest.mark.django_db
def test_the_article_page_dates_follow_the_formats_module(client, reload_formats, monkeypatch):
    from newsroom.formats.nl import formats as ours

    article = ArticleFactory(published_at=PUBLISHED)
    assert "9 mei 2025 10:43</time>" in client.get(article.get_absolute_url()).content.decode()
    monkeypatch.setattr(ours, "DATETIME_FORMAT", "l j F Y")
    formats._format_cache.clear()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "vrijdag 9 mei 2025</time>" in html


def test_no_template_or_module_writes_a_date_format_by_hand():
    sources = [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("templates/**/*.txt"),
        *ROOT.glob("templates/**/*.xml"),
        *(
            path
            for app in [ROOT / "newsroom", *(apps.parent for apps in ROOT.glob("*/apps.py"))]
            for path in app.glob("**/*.py")
            if "migrations" not in path.parts
        ),
    ]
    assert FORMATS_MODULE in sources
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sources
        if path != FORMATS_MODULE
        for match in HAND_FORMATTED.finditer(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "line",
    [
        '{{ x|date:"j F Y H:i" }}',
        "{{ x|date:'d-m-Y' }}",
        '{{ x|time:"H:i" }}',
        'date_format(when, "j F Y")',
        'when.strftime("%d %B")',
        'f"{when:%Y-%m-%d}"',
    ],
)
def test_the_check_catches_a_format_written_by_hand(line):
    assert HAND_FORMATTED.search(line)


@pytest.mark.parametrize(
    "line",
    ["{{ x|date:'c' }}", '{{ x|date:"DATETIME_FORMAT" }}', 'date_format(x, "DATE_FORMAT")'],
)
def test_the_check_lets_named_formats_through(line):
    assert not HAND_FORMATTED.search(line)
