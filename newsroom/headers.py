"""Text that ends up in a mail header: one rule, refused at the form, cleaned at the mail.

A header is one line of printable text. Word pastes vertical tabs and form feeds,
and Python's mail package takes every character `str.splitlines()` splits on as a
line end: a subject with one of them gave a HeaderParseError (a 500 on "test", a send
stuck with nothing sent). So every value that reaches a header (an edition's
subject, a typo reporter's name and address, authors' names) is refused by
`validate_header_text` when it is typed in, and `header_text` cleans a value at
the mail boundary, so that a value stored before the check can never block a send.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What str.splitlines() splits on that is not in Unicode's category C (Cc, Cf, Co, Cs, Cn).
_LINE_SEPARATORS = frozenset("\u2028\u2029")


def is_header_unsafe(character: str) -> bool:
    """Control, format, private-use, surrogate or unassigned, or a line or paragraph end."""
    return unicodedata.category(character).startswith("C") or character in _LINE_SEPARATORS


def validate_header_text(value: str) -> None:
    """Refuse a value with a character that has no place in a mail header."""
    if any(is_header_unsafe(character) for character in value):
        raise ValidationError(
            _(
                "This text contains an invisible control character or line break (often pasted"
                " from a word processor). Type it again on one line."
            ),
            code="control_character",
        )


_SPACES = re.compile(r"\s+")


def header_text(value: str) -> str:
    """`value` fit for a header: each unsafe character a space, runs of spaces one space."""
    cleaned = "".join(" " if is_header_unsafe(character) else character for character in value)
    return _SPACES.sub(" ", cleaned).strip()
