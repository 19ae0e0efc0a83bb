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


def _byline(authors: list[dict]) -> list[str]:
    # One token per author, so a name is added or removed whole; "·" keeps them apart.
    tokens: list[str] = []
    for author in authors:
        tokens.extend(["·", author["name"]] if tokens else [author["name"]])
    return tokens


def _photo(photo: dict | None) -> list[str]:
    if photo is None:
        return []
    tokens = [_("photo %(number)s:") % {"number": photo["id"]}, *_words(photo["alt"])]
    for text in (photo["caption"], photo["credit"]):
        if text:
            tokens.extend(["·", *_words(text)])
    return tokens


def _placements(inline: list[dict]) -> list[str]:
    tokens: list[str] = []
    for photo in inline:
        if tokens:
            tokens.append(PARAGRAPH)
        where = _("after paragraph %(number)s,") % {"number": photo["after_paragraph"]}
        tokens.extend([*_words(str(where)), *_photo(photo)])
    return tokens


def _byline_changed(before: list[dict] | None, after: list[dict] | None) -> bool:
    """Other authors, not the same ones in another order: the live byline is always in name
    order, while a revision keeps the order it was given (the archive loader's is random).
    None: a side that does not know its authors."""
    if before is None or after is None:
        return False

    def people(authors: list[dict]) -> list[tuple[str, str]]:
        return sorted((author["name"], str(author.get("id"))) for author in authors)

    return people(before) != people(after)


def compare(old, new) -> list[FieldDiff]:
    """Two revisions (or a revision and the article), word by word.

    Headline, lede and body always; the byline and photos only when they differ, and photos
    only when both sides kept them (old revisions did not).
    """
    before, after = old.snapshot(), new.snapshot()
    fields = [
        (_("Headline"), _words(before["headline"]), _words(after["headline"])),
        (_("Lede"), _words(before["lede"]), _words(after["lede"])),
        (_("Body"), body_words(before["body"]), body_words(after["body"])),
    ]
    diffs = [FieldDiff(label, word_diff(a, b), a != b) for label, a, b in fields]
    if _byline_changed(before["authors"], after["authors"]):
        a, b = _byline(before["authors"]), _byline(after["authors"])
        diffs.append(FieldDiff(_("Authors"), word_diff(a, b), True))
    if before["images"] is None or after["images"] is None:
        return diffs
    for label, key, tokens in (
        (_("Lead image"), "lead", _photo),
        (_("Photos in the body"), "inline", _placements),
    ):
        if before["images"][key] != after["images"][key]:
            a, b = tokens(before["images"][key]), tokens(after["images"][key])
            diffs.append(FieldDiff(label, word_diff(a, b), True))
    return diffs
