"""Word-level differences between two states of an article, as editors read them.

The body is compared as text, paragraph by paragraph, so markup changes are not noise.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .richtext import plain_text

_BLOCK_END = re.compile(r"</(?:p|h2|h3|li|blockquote)>|<br\s*/?>", re.I)
PARAGRAPH = "\n"


def _words(text: str) -> list[str]:
    return text.split()


def body_words(html: str) -> list[str]:
    """The words of an HTML body, with a paragraph mark between blocks."""
    tokens: list[str] = []
    for block in _BLOCK_END.split(html or ""):
        words = _words(plain_text(block or ""))
        if words:
            if tokens:
                tokens.append(PARAGRAPH)
            tokens.extend(words)
    return tokens


def _render(tokens: list[str]) -> str:
    return " ".join(escape(t) for t in tokens).replace(f" {PARAGRAPH} ", PARAGRAPH)


def word_diff(old: list[str], new: list[str]) -> SafeString:
    """HTML with removed words in <del> and added words in <ins>; everything escaped."""
    parts = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(_render(old[a1:a2]))
            continue
        if a2 > a1:
            parts.append(f"<del>{_render(old[a1:a2])}</del>")
        if b2 > b1:
            parts.append(f"<ins>{_render(new[b1:b2])}</ins>")
    return mark_safe(" ".join(p for p in parts if p).replace(f" {PARAGRAPH}", PARAGRAPH))  # noqa: S308


@dataclass(frozen=True)
class FieldDiff:
    label: str
    html: SafeString
    changed: bool


def compare(old, new) -> list[FieldDiff]:
    """Headline, lede and body of two revisions (or an article), word by word."""
    fields = [
        (_("Headline"), _words(old.headline), _words(new.headline)),
        (_("Lede"), _words(old.lede), _words(new.lede)),
        (_("Body"), body_words(old.body), body_words(new.body)),
    ]
    return [FieldDiff(label, word_diff(a, b), a != b) for label, a, b in fields]
