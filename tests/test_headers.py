"""newsroom.headers: the one rule for text that reaches a mail header."""

import pytest
from django.core.exceptions import ValidationError

from newsroom.headers import header_text, validate_header_text

# Every character str.splitlines() splits on, and controls of each kind in Unicode's category C.
LINE_ENDS = ["\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
CONTROLS = ["\x00", "\t", "\x7f", "\u200b", "\u00ad", "\u202e", "\ue000", "\ufeff"]


@pytest.mark.parametrize("character", LINE_ENDS + CONTROLS)
def test_a_line_end_or_control_character_is_refused_in_dutch(character):
    with pytest.raises(ValidationError) as refused:
        validate_header_text(f"Test{character}naar mij")
    assert refused.value.code == "control_character"


def test_every_character_splitlines_splits_on_is_covered():
    splitting = {chr(c) for c in range(0x110000) if len(f"a{chr(c)}b".splitlines()) > 1}
    assert splitting == set(LINE_ENDS)


@pytest.mark.parametrize(
    "value", ["Kopij nieuwsbrief, week 48", "Één café in Zuid-Holland €5 — ‘goed’ 👍", ""]
)
def test_ordinary_text_with_accents_dashes_and_emoji_passes(value):
    validate_header_text(value)


@pytest.mark.parametrize("character", LINE_ENDS + CONTROLS)
def test_the_mail_boundary_turns_each_unsafe_character_into_one_space(character):
    assert header_text(f" Test{character}{character}naar mij ") == "Test naar mij"


def test_the_mail_boundary_leaves_safe_text_alone():
    assert header_text("Één café — ‘goed’ 👍") == "Één café — ‘goed’ 👍"
