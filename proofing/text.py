"""The texts of an article as the checks read them: plain text, words and their places.

Markup, entities, URLs and e-mail addresses are not words; paragraph ends are sentence ends.
Offsets are kept, so a finding can quote its surroundings.
"""

import html
import re
from dataclasses import dataclass, field

# Letters (any script) joined by hyphens or apostrophes: "zee-egel", "auto's".
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# Bounded and anchored at the start of a run, so a 50,000-letter "word" is scanned once.
_NOT_WORDS = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,5}"
    r"|&[#\w]{1,10};"
    r"|(?<![\w.-])[\w-]{1,63}(?:\.[\w-]{1,63}){0,4}\.(?:nl|com|org|eu|be|net)\b",
    re.IGNORECASE,
)
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote)\s*>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]*>")
_SENTENCE_END = set(".!?:;\n")
_OPENING_QUOTES = "„“«"
_CLOSING_QUOTES = "”»"
_LATIN = re.compile(r"^[A-Za-zÀ-ɏ'’\-]+$")


@dataclass
class Token:
    text: str
    start: int
    # What separates it from the previous word: punctuation there ends a clause.
    gap: str
    sentence_start: bool
    # Index of the quotation it stands in, or None.
    quote: int | None

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_latin(self) -> bool:
        return bool(_LATIN.match(self.text))


@dataclass
class Segment:
    """One text of the article: its headline, lede, body, or a photo's caption or alt text."""

    field: str
    label: str
    text: str
    tokens: list[Token] = field(default_factory=list)

    def excerpt(self, start: int, length: int, around: int = 30) -> str:
        left = max(0, start - around)
        right = min(len(self.text), start + length + around)
        prefix = "…" if left else ""
        suffix = "…" if right < len(self.text) else ""
        return prefix + " ".join(self.text[left:right].split()) + suffix


def html_to_text(value: str) -> str:
    """The reader's text of an HTML fragment; each paragraph on a line of its own."""
    return html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", value)))


def segment(field_name: str, label: str, text: str, *, max_words: int, budget=None) -> Segment:
    """Split `text` into words; stops after `max_words` or when `budget` runs out."""
    result = Segment(field=field_name, label=label, text=text)
    # Blanked with spaces of the same length, so offsets stay true.
    scannable = _NOT_WORDS.sub(lambda m: " " * len(m.group()), text)
    quote, quote_count, previous_end = None, 0, 0
    for match in _WORD.finditer(scannable):
        if len(result.tokens) >= max_words:
            break
        if budget is not None and len(result.tokens) % 1000 == 999 and budget.expired():
            break
        gap = scannable[previous_end : match.start()]
        for char in gap:
            if char in _OPENING_QUOTES or (char == '"' and quote is None):
                quote, quote_count = quote_count, quote_count + 1
            elif char in _CLOSING_QUOTES or char == '"':
                quote = None
        stripped = gap.strip(" \t\"'„“”‘’«»()[]-–—")
        starts = previous_end == 0 or (stripped[-1:] in _SENTENCE_END) or "\n" in gap
        result.tokens.append(Token(match.group(), match.start(), gap, starts, quote))
        previous_end = match.end()
    return result
