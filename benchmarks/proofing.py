"""Benchmark: how well and how fast the pre-publish check finds Dutch mistakes.

    .venv/bin/python benchmarks/proofing.py [--verbose]

Runs the check (proofing.checks.check_texts, without a database: empty word list, no
reader reports, every rule a warning) on
- the 30 demo articles (articles/demo_data/content.json), taken as correctly spelled:
  every spelling, d/t or compound warning there is a false warning;
- 103 seeded mistakes (benchmarks/proofing_seeds.py): d/t, missing trema, compounds written
  apart, typos; a mistake counts as found when a warning names its word.
Prints the detection rate (target >= 90%), false warnings per 1,000 correct words
(target <= 1) and the time per 1,000 words (target <= 50 ms), warm and from a cold word
cache, by the wall clock and in CPU time (what a loaded machine does not inflate). Names
(unknown capitalised words) are notes, not warnings, and are not counted.
"""

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "true")  # a laptop run: no production settings needed

import django  # noqa: E402  (the project root is on the path now)

django.setup()

from benchmarks.proofing_seeds import SEEDS  # noqa: E402
from proofing import dictionary  # noqa: E402
from proofing.checks import check_texts  # noqa: E402
from proofing.findings import Rule, Severity  # noqa: E402

TEXT_RULES = {Rule.SPELLING, Rule.VERB_ENDINGS, Rule.COMPOUNDS}
CONTENT = ROOT / "articles" / "demo_data" / "content.json"


def check(headline: str, lede: str, paragraphs: list[str]):
    return check_texts(
        headline=headline,
        lede=lede,
        body="".join(f"<p>{p}</p>" for p in paragraphs),
        photos=[],
        reading_time=3,
        change_kind="",
        change_note="",
        word_list=frozenset(),
        mistakes=[],
        severities={rule: Severity.WARNING for rule in Rule},
    )


def text_warnings(findings):
    return [f for f in findings if f.rule in TEXT_RULES and f.severity == Severity.WARNING]


def run_clean(articles, verbose: bool) -> tuple[int, int, float, float]:
    words, false, started, cpu = 0, 0, time.perf_counter(), time.process_time()
    for article in articles:
        findings = text_warnings(check(article["headline"], article["lede"], article["body"]))
        words += sum(
            len(t.split()) for t in [article["headline"], article["lede"], *article["body"]]
        )
        false += len(findings)
        if verbose:
            for finding in findings:
                print(f"  false warning: {finding.message} {finding.excerpt}")
    return words, false, time.perf_counter() - started, time.process_time() - cpu


def run_seeds(verbose: bool) -> tuple[Counter, Counter, int, float]:
    found, total, words, started = Counter(), Counter(), 0, time.perf_counter()
    for kind, sentence, wrong in SEEDS:
        total[kind] += 1
        words += len(sentence.split())
        findings = text_warnings(check("", "", [sentence]))
        hit = any(wrong in (f.word or "") or f"“{wrong}" in f.message for f in findings)
        found[kind] += hit
        if verbose and not hit:
            print(f"  missed ({kind}): {wrong!r} in {sentence!r}")
    return found, total, words, time.perf_counter() - started


def main() -> None:
    verbose = "--verbose" in sys.argv
    articles = json.loads(CONTENT.read_text(encoding="utf-8"))["articles"]
    dictionary.load()
    words, false, cold, cold_cpu = run_clean(articles, verbose)
    _, _, warm, warm_cpu = run_clean(articles, verbose=False)
    found, total, seed_words, seed_time = run_seeds(verbose)

    rate = sum(found.values()) / sum(total.values())
    print(f"Seeded mistakes found: {sum(found.values())}/{sum(total.values())} = {rate:.1%}")
    for kind in total:
        print(f"  {kind:9} {found[kind]}/{total[kind]}")
    print(f"False warnings on the demo articles: {false} in {words} words")
    print(f"  = {false / words * 1000:.2f} per 1,000 correct words")
    print(f"Time per 1,000 words, demo articles: {cold / words * 1000 * 1000:.1f} ms cold,")
    print(f"  {warm / words * 1000 * 1000:.1f} ms warm (words seen before are cached)")
    # On a shared machine the wall clock counts other processes' turns; CPU time does not.
    print(
        f"  CPU time: {cold_cpu / words * 1000 * 1000:.1f} ms cold,"
        f" {warm_cpu / words * 1000 * 1000:.1f} ms warm"
    )
    print(
        f"Time per 1,000 words, seeded sentences (one mistake each, with suggestions):"
        f" {seed_time / seed_words * 1000 * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
