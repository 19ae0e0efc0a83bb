"""The check service on whole articles: word list, reader reports, rule settings, budgets."""

import itertools
import time

import pytest

from feedback.models import TypoReport
from proofing.checks import check_article
from proofing.findings import INFO, Rule, Severity
from proofing.models import NewsroomWord, RuleSetting
from proofing.reported import mistakes_from_report
from tests.factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db

LEDE = "De gemeente Utrecht bouwt een nieuwe fietsenstalling bij het station."
BODY = (
    "<p>Volgens de wethouder komt er plaats voor duizend fietsen. De bouw begint in het"
    " voorjaar en duurt ongeveer een jaar. Reizigers kunnen hun fiets tijdens de bouw kwijt"
    " in een tijdelijke stalling aan de overkant van het plein. De gemeente verwacht dat de"
    " nieuwe stalling de drukte op de stoepen rond het station flink vermindert. Omwonenden"
    " klagen al jaren over fietsen die overal staan en de doorgang versperren. „We zijn blij"
    " dat er eindelijk iets gebeurt”, zegt een bewoonster van de straat naast het station.</p>"
)


def draft(**fields):
    values = {"headline": "Utrecht bouwt nieuwe stalling", "lede": LEDE, "body": BODY}
    return ArticleFactory(status="draft", published_at=None, **{**values, **fields})


def warnings(findings):
    return [f for f in findings if f.severity != INFO]


def test_a_clean_draft_gets_no_warnings():
    assert warnings(check_article(article=draft())) == []


def test_a_seeded_misspelling_in_a_draft_gives_a_warning_with_a_suggestion():
    article = draft(lede=LEDE.replace("nieuwe", "nieuwwe"))
    [finding] = warnings(check_article(article=article))
    assert (finding.rule, finding.field, finding.word) == (Rule.SPELLING, "lede", "nieuwwe")
    assert finding.suggestions[0] == "nieuwe"


def test_a_word_added_to_the_list_is_no_longer_flagged():
    article = draft(body=BODY.replace("wethouder", "wethouder Velomar-Bakx van Fietsstad"))
    article.body = article.body.replace("fietsen.", "fietsenhokjes van het merk stallux.")
    assert [f.word for f in warnings(check_article(article=article))] == ["stallux"]
    NewsroomWord.objects.create(word="Stallux")
    assert warnings(check_article(article=article)) == []


def test_photo_captions_and_alt_texts_are_checked_too():
    photo = ImageFactory(caption="De stalling in aanbouw, gefotografeert vanaf het dak.")
    article = draft(lead_image=photo)
    [finding] = warnings(check_article(article=article))
    assert finding.field == "caption" and finding.word == "gefotografeert"


def test_a_mistake_readers_reported_is_flagged_next_time():
    earlier = ArticleFactory()
    TypoReport.objects.create(
        article=earlier,
        revision_number=1,
        quote="de wethouder van verkeer",
        correction="de wethouder voor verkeer",
        status=TypoReport.Status.FIXED,
    )
    article = draft(body=BODY.replace("Volgens de wethouder", "Volgens de wethouder van verkeer"))
    [finding] = warnings(check_article(article=article))
    assert finding.rule == Rule.REPORTED
    assert finding.suggestions == ("de wethouder voor verkeer",)


def test_reports_that_were_rejected_teach_the_check_nothing():
    TypoReport.objects.create(
        article=ArticleFactory(), revision_number=1, quote="fietsen", status="rejected"
    )
    assert warnings(check_article(article=draft())) == []


def test_mistakes_are_read_from_the_words_a_correction_changes():
    [typo] = mistakes_from_report("de gemeentraad besloot", "de gemeenteraad besloot")
    assert (typo.wrong, typo.right) == ("gemeentraad", "gemeenteraad")
    # A real word used wrongly is recognised only in the words around it.
    [verb] = mistakes_from_report("Het kabinet word gevraagd.", "Het kabinet wordt gevraagd.")
    assert (verb.wrong, verb.right) == ("Het kabinet word gevraagd", "Het kabinet wordt gevraagd.")
    assert mistakes_from_report("een lange zin die ergens fout was maar niet", "") == []


def test_a_rule_set_to_off_is_not_reported_and_blocking_is_marked():
    article = draft(headline="Utrecht bouwt  nieuwe stalling")
    [finding] = warnings(check_article(article=article))
    assert finding.rule == Rule.DOUBLE_SPACES and not finding.blocks
    RuleSetting.objects.filter(rule=Rule.DOUBLE_SPACES).update(severity=Severity.BLOCKING)
    assert check_article(article=article)[0].blocks
    RuleSetting.objects.filter(rule=Rule.DOUBLE_SPACES).update(severity=Severity.OFF)
    assert warnings(check_article(article=article)) == []


@pytest.mark.parametrize(
    "fields, rule",
    [
        ({"headline": "Utrecht " * 15}, Rule.HEADLINE_LENGTH),
        ({"lede": LEDE * 5}, Rule.LEDE),
        ({"body": BODY.replace("„We zijn blij", '"We zijn blij')}, Rule.QUOTATION_MARKS),
        ({"body": "<p>Kort stuk over de stalling.</p>"}, Rule.READING_TIME),
    ],
)
def test_each_house_style_rule_has_its_message(fields, rule):
    findings = warnings(check_article(article=draft(**fields)))
    assert [f.rule for f in findings] == [rule]
    assert findings[0].message


def test_a_photo_without_credit_blocks_and_an_update_without_note_warns_by_default():
    article = draft(lead_image=ImageFactory(credit=""))
    findings = check_article(article=article, change_kind="update", change_note="")
    assert {f.rule for f in findings if f.blocks} == {Rule.PHOTO_CREDITS}
    assert Rule.CHANGE_NOTE in {f.rule for f in findings if not f.blocks}


def test_a_hundred_thousand_word_body_stays_within_budget_and_says_it_skipped(
    settings, monkeypatch
):
    # A clock that moves 10 ms per reading: the budget decides, not the machine's load.
    start, readings = time.monotonic(), itertools.count(1)

    def clock():
        return start + next(readings) / 100

    monkeypatch.setattr("proofing.budget.time.monotonic", clock)
    settings.PROOFING_SECONDS = 0.5
    # No size caps: only the time budget can stop this check.
    settings.PROOFING_MAX_WORDS = settings.PROOFING_MAX_CHARACTERS = 10**9
    body = "<p>" + "De raad vergadert vanavond over de begroting. " * 14_300 + "</p>"
    findings = check_article(article=draft(body=body))
    assert any(f.severity == INFO and "alleen het begin" in f.message for f in findings)


def test_garbage_input_is_checked_without_errors():
    body = (
        "<p>"
        + "x" * 50_000
        + " 🚲🚲 &lt;script&gt; https://example.com/"
        + "a" * 3000
        + " Ελληνικά 中文 العربية &#128512; mail@example.com</p>"
    )
    findings = check_article(article=draft(body=body))
    assert all(f.rule != Rule.SPELLING or f.severity == INFO for f in findings)
