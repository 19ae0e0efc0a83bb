"""Template helpers of the reader pages: photos in the body and JSON-LD."""

import json
import re
from types import SimpleNamespace

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.test.signals import setting_changed
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_BLOCK_TAG = re.compile(r"<(/?)(p|h2|h3|ul|ol|blockquote)\b[^>]*>", re.IGNORECASE)
# Inside a <script>, these could end the element or start markup; JSON allows escaping them.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def top_level_block_ends(body: str) -> list[int]:
    """Offsets just after each top-level block (paragraph, heading, list, quote) of `body`."""
    ends, depth = [], 0
    for match in _BLOCK_TAG.finditer(body):
        depth += -1 if match.group(1) else 1
        if depth == 0 and match.group(1):
            ends.append(match.end())
    return ends


@register.simple_tag
def body_with_figures(body: str, inline_images) -> SafeString:
    """The sanitized body with each inline image placed after its paragraph."""
    if not inline_images:
        return mark_safe(body)  # noqa: S308  (sanitized with nh3 when saved)
    ends = top_level_block_ends(body)
    pieces, start = [], 0
    by_position: dict[int, list] = {}
    for inline in inline_images:
        position = min(max(inline.after_paragraph, 1), len(ends)) if ends else 0
        by_position.setdefault(position, []).append(inline.image)
    for number, end in enumerate(ends, start=1):
        pieces.append(body[start:end])
        start = end
        pieces.extend(_figure(image) for image in by_position.get(number, []))
    pieces.append(body[start:])
    pieces.extend(_figure(image) for image in by_position.get(0, []))
    return mark_safe("".join(pieces))  # noqa: S308  (sanitized body and escaped figures)


def _figure(image) -> str:
    return render_to_string(
        "articles/_figure.html", {"image": image, "sizes": "(min-width: 42rem) 42rem, 100vw"}
    )


@register.filter
def ld_json(data) -> SafeString:
    """`data` as JSON for a <script type="application/ld+json"> element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308  (markup characters escaped)


class _StandIn:
    """An article as the reader blocks see it, with values that cannot occur in a page."""

    pk = 987_650_001
    revision_number = 987_650_002


_STAND_IN_PATH = "/__kopij-reader-blocks__/"
_reader_blocks: dict[str, str] = {}


@register.simple_tag(takes_context=True)
def reader_blocks(context, article) -> SafeString:
    """The three reader blocks under an article, rendered once per process and language.

    They are the same for every article except its id, revision and path, which are put
    into the rendered copy; rendering the forms on every request was a quarter of its time.
    """
    language = get_language()
    html = _reader_blocks.get(language)
    if html is None:
        request = SimpleNamespace(path=_STAND_IN_PATH)
        html = render_to_string(
            "articles/_reader_blocks.html",
            {**context.flatten(), "article": _StandIn(), "request": request},
        )
        _reader_blocks[language] = html
    html = html.replace(str(_StandIn.pk), str(article.pk))
    html = html.replace(str(_StandIn.revision_number), str(article.revision_number))
    request = context.get("request")
    path = str(conditional_escape(request.path if request else ""))
    return mark_safe(html.replace(_STAND_IN_PATH, path))  # noqa: S308 (our template, escaped path)


@receiver(setting_changed)
def _forget_reader_blocks(**kwargs) -> None:
    _reader_blocks.clear()
