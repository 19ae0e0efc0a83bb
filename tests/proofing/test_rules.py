"""The spelling and grammar rules on single sentences: what they flag, and what they leave."""

import pytest

from proofing.budget import Budget
from proofing.findings import INFO, Rule
from proofing.grammar import check_grammar
from proofing.spelling import check_spelling
from proofing.text import html_to_text, segment


def spelling(text, word_list=frozenset()):
    parts = [segment("body", "Tekst", text, max_words=10_000)]
    return check_spelling(parts, word_list=word_list, budget=Budget(2.0, 1.0))


def warnings(text, word_list=frozenset()):
    return [f for f in spelling(text, word_list) if f.severity != INFO]


def grammar(text):
    return check_grammar([segment("body", "Tekst", text, max_words=10_000)])


def test_a_typo_is_flagged_with_a_suggestion():
    [finding] = warnings("De gemeentraad vergadert vanavond over de begroting.")
    assert finding.word == "gemeentraad"
    assert "gemeenteraad" in finding.suggestions
    assert "…" not in finding.excerpt[:1] and "gemeentraad" in finding.excerpt


def test_a_missing_trema_is_flagged_with_the_trema_as_suggestion():
    [finding] = warnings("Zij had goede ideeen over de wijk.")
    assert finding.suggestions[0] == "ideeën"


def test_correct_dutch_prose_gives_no_warnings():
    text = (
        "Het kabinet wordt donderdag door de Tweede Kamer gevraagd om opheldering. "
        "„Wij vinden dat de minister moet uitleggen wat er is gebeurd”, zegt Kamerlid Bos."
    )
    assert warnings(text) == []
    assert grammar(text) == []


def test_a_word_on_the_word_list_is_not_flagged():
    assert warnings("De Velomarbrug gaat dicht.", word_list=frozenset({"velomarbrug"})) == []


def test_an_unknown_capitalised_word_is_taken_for_a_name_not_a_mistake():
    [finding] = spelling("Volgens wethouder Bouzidi gaat het om een proef.")
    assert finding.severity == INFO
    assert finding.word == "Bouzidi"


def test_a_quotation_in_another_language_is_skipped_and_said():
    findings = spelling("Hij riep „we shall overcome this thing” tegen de menigte.")
    assert [f.severity for f in findings] == [INFO]
    assert "another language" in findings[0].message or "andere taal" in findings[0].message


def test_compounds_of_known_words_are_accepted_but_a_doubled_joint_is_not():
    assert warnings("De nieuwspodcast begint morgen.") == []
    [finding] = warnings("De vergaderring begint morgen.")
    assert finding.word == "vergaderring"


@pytest.mark.parametrize(
    "text, wrong, right",
    [
        ("Volgens de burgemeester word het plein opnieuw ingericht.", "word", "wordt"),
        ("Hij word morgen vijftig.", "word", "wordt"),
        ("Ik wordt er moe van.", "wordt", "word"),
        ("Vind jij dat ook? Wordt jij ook moe?", "Wordt", "Word"),
        ("Jij vind het vast ook goed.", "vind", "vindt"),
        ("Wat hij ervan vind is onduidelijk.", "vind", "vindt"),
        ("Het gebeurd steeds vaker.", "gebeurd", "gebeurt"),
        ("Er is veel verandert in de stad.", "verandert", "veranderd"),
        ("Het ongeluk is gisteren gebeurt.", "gebeurt", "gebeurd"),
    ],
)
def test_verb_ending_mistakes_are_flagged_with_the_right_ending(text, wrong, right):
    [finding] = grammar(text)
    assert finding.rule == Rule.VERB_ENDINGS
    assert finding.suggestions == (right,)
    assert wrong in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "Ik word er moe van.",
        "Word jij ook moe?",
        "Hij wordt morgen vijftig.",
        "Wat er gebeurt, is onduidelijk.",
        "Het is gebeurd in Utrecht.",
        "Het land is groot en het gebied is vlak.",
        "Word lid van de vereniging.",
        "Als ik later groot word, wil ik piloot worden.",
    ],
)
def test_correct_verb_endings_are_left_alone(text):
    assert grammar(text) == []


def test_a_split_compound_is_flagged_with_the_joined_word():
    [finding] = grammar("Zij werd opgenomen in het zieken huis van Zwolle.")
    assert finding.rule == Rule.COMPOUNDS
    assert finding.suggestions == ("ziekenhuis",)


@pytest.mark.parametrize(
    "text, compound",
    [
        ("Op de kerst markt waren duizenden bezoekers.", "kerstmarkt"),
        ("De verkiezings uitslag werd pas laat bekend.", "verkiezingsuitslag"),
        ("De ouderen zorg staat onder druk.", "ouderenzorg"),
        ("Het zwem bad gaat na de zomer dicht.", "zwembad"),
    ],
)
def test_a_noun_after_an_article_and_a_noun_is_a_compound_written_apart(text, compound):
    [finding] = grammar(text)
    assert finding.rule == Rule.COMPOUNDS
    assert finding.suggestions == (compound,)


@pytest.mark.parametrize(
    "text",
    [
        "Over een paar weken begint de bouw.",  # a quantity
        "Hij las de papieren krant van zijn vader.",  # an adjective of material
        "Het woord palm komt uit het Latijn.",  # a word named
        "Zij spreekt de streektaal thuis met haar ouders.",  # an adverb that is also a noun
        "Leden van de vereniging haken af.",  # a verb that is also a noun
        "Hij lag ziek thuis in bed.",  # short parts without an article: no "thuisbed"
        "Het gaat om ten minste honderd mensen.",
    ],
)
def test_two_nouns_in_a_row_that_are_no_compound_are_left_alone(text):
    assert grammar(text) == []


def test_a_capitalised_word_without_its_trema_is_a_mistake_not_a_name():
    [finding] = warnings("Het festival trekt ook veel Belgen en Oekrainers.")
    assert finding.word == "Oekrainers"
    assert finding.suggestions[0] == "Oekraïners"


def test_a_linking_s_after_a_word_that_takes_none_is_a_typo():
    [finding] = warnings("De tentoonsteling is tot september te zien.")
    assert finding.word == "tentoonsteling"


def test_function_words_never_form_a_split_compound():
    assert grammar("Zij liepen in een rij naar voren, over een brug.") == []


def test_markup_entities_urls_and_emoji_are_not_words():
    text = html_to_text(
        "<p>Zie https://www.voorbeeld.nl/pagina of mail naar info@voorbeeld.nl &amp; kijk 🚲"
        " naar <strong>het</strong> plan&nbsp;van de stad. Москва и Київ.</p>"
    )
    assert warnings(text) == []


def test_an_overlong_word_is_skipped_not_checked():
    assert warnings("Dit is " + "a" * 50_000 + " een test.") == []
