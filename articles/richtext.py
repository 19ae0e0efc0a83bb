"""The article body: which rich text the editor offers, and the sanitizer that enforces it.

The same extension list drives the admin editor (django-prose-editor) and the
server-side nh3 allowlist, so what an editor can make is exactly what survives.
"""

import html
import re

from django_prose_editor.fields import create_sanitizer

BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "History": True,
    # On by default in django-prose-editor; editors want the browser's own spell-check.
    "NoSpellCheck": False,
}

_sanitize = create_sanitizer(BODY_EXTENSIONS)
# Pasted text often carries the presentational twins of the tags we allow.
_PRESENTATIONAL = [
    (re.compile(r"<(/?)b(\s|>)", re.I), r"<\1strong\2"),
    (re.compile(r"<(/?)i(\s|>)", re.I), r"<\1em\2"),
]
_TAG = re.compile(r"<[^>]*>")
# Word's line and page breaks, pasted, become spaces; the other C0 controls except tab and
# newlines are dropped. XML 1.0 allows none of them, so one would break the feeds.
_PASTED_BREAKS = str.maketrans({"\x0b": " ", "\x0c": " "})
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")


def without_control_characters(value: str) -> str:
    return _CONTROLS.sub("", value.translate(_PASTED_BREAKS))


def sanitize_body(value: str) -> str:
    """Return `value` reduced to the allowed tags, attributes and URL schemes."""
    for pattern, replacement in _PRESENTATIONAL:
        value = pattern.sub(replacement, value)
    return _sanitize(value)


def plain_text(value: str) -> str:
    """Text of an HTML fragment, with block boundaries kept as spaces."""
    return " ".join(html.unescape(_TAG.sub(" ", value)).split())


def count_words(*fragments: str) -> int:
    return sum(len(plain_text(fragment).split()) for fragment in fragments)
