"""The newsletter's messages: rendered once per batch, personalised per recipient."""

import uuid
from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from newsroom.headers import header_text
from newsroom.links import absolute_url

from .models import ConsentRecord, Edition, Subscriber
from .selectors import edition_sections
from .tokens import confirm_token, unsubscribe_token

# Stands in for the personal unsubscribe URL while an edition is rendered once for a batch.
UNSUBSCRIBE_PLACEHOLDER = "KOPIJ-PERSONAL-UNSUBSCRIBE-URL"

_inliner = css_inline.CSSInliner(load_remote_stylesheets=False)


def _mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def new_message_id() -> str:
    return make_msgid(domain=_mail_domain())


def delivery_message_id(*, delivery_id: int, batch: uuid.UUID) -> str:
    """Unique per attempt and traceable to its delivery row without storing it."""
    return f"<{batch.hex}.{delivery_id}.nieuwsbrief@{_mail_domain()}>"


@dataclass(frozen=True)
class RenderedEdition:
    subject: str
    text: str
    html: str


def render_edition(edition: Edition, sections=None) -> RenderedEdition:
    """Both parts of an edition, with the articles' current text and a placeholder unsubscribe."""
    context = {
        "edition": edition,
        "sections": edition_sections(edition) if sections is None else sections,
        "web_url": absolute_url(edition.get_absolute_url()),
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "SITE_NAME": settings.SITE_NAME,
    }
    text = render_to_string("newsletters/mail/edition.txt", context)
    html = _inliner.inline(render_to_string("newsletters/mail/edition.html", context))
    # A subject stored before its check (newsroom.headers) must not stop a send.
    return RenderedEdition(subject=header_text(edition.subject), text=text, html=html)


def _row(instance) -> tuple:
    return tuple(value for name, value in vars(instance).items() if not name.startswith("_"))


def _fingerprint(edition: Edition, sections) -> tuple:
    """Every database value the edition's templates read: the edition, its sections,
    articles, authors and photos (all their fields, so no new field is forgotten)."""
    rows = [_row(edition)]
    for block in sections:
        rows.append(_row(block.section))
        for article in block.articles:
            rows.append(_row(article))
            rows += [_row(author) for author in article.authors.all()]
            if article.lead_image is not None:
                rows.append(_row(article.lead_image))
    return tuple(rows)


_last_render: tuple[tuple, RenderedEdition] | None = None


def render_edition_for_batch(edition: Edition) -> RenderedEdition:
    """render_edition, done again only when something it shows has changed.

    Rendering (templates, CSS inlining) cost a worker more per batch of 500 than
    sending 500 copies; each batch still reads the edition's articles (two
    queries), so a correction reaches the very next batch. One edition is kept
    per process, so memory stays flat.
    """
    global _last_render
    sections = edition_sections(edition)
    key = (
        settings.SITE_URL,
        settings.SITE_NAME,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        _fingerprint(edition, sections),
    )
    if _last_render is None or _last_render[0] != key:
        _last_render = (key, render_edition(edition, sections))
    return _last_render[1]


def edition_message(
    rendered: RenderedEdition,
    *,
    to: str,
    subscriber_id: int | None,
    message_id: str | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """One recipient's copy: multipart/alternative with the RFC 8058 one-click headers.

    A test copy for an editor (no subscriber) links to the sign-up page instead.
    """
    token = None if subscriber_id is None else unsubscribe_token(subscriber_id)
    return _edition_email(
        rendered, to=to, token=token, message_id=message_id, connection=connection
    )


def _edition_email(
    rendered: RenderedEdition,
    *,
    to: str,
    token: str | None,
    message_id: str | None,
    connection=None,
) -> EmailMultiAlternatives:
    headers = {"Message-ID": message_id or new_message_id()}
    if token is None:
        unsubscribe = absolute_url(reverse("newsletters:signup"))
    else:
        unsubscribe = absolute_url(reverse("newsletters:unsubscribe", kwargs={"token": token}))
        mailto = settings.NEWSLETTER_UNSUBSCRIBE_EMAIL
        headers["List-Unsubscribe"] = f"<{unsubscribe}>, <mailto:{mailto}?subject={token}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        connection=connection,
        headers=headers,
    )
    html = rendered.html.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe)
    message.attach_alternative(html, "text/html")
    return message


class BatchMessages:
    """Each recipient's message as bytes, from one MIME rendering per batch.

    Building a MIME message costs more than sending it; so the message is built
    once with placeholders for the recipient, the Message-ID and the unsubscribe
    token, and each copy is that template with three replacements. When a
    placeholder did not survive the encoding intact (QP bodies) or an address is
    not plain ASCII, `message_bytes` returns None and the caller builds the
    message the ordinary way.
    """

    TO = "kopij-recipient@placeholder.invalid"
    MESSAGE_ID = "<kopij-message-id@placeholder.invalid>"
    UNSUBSCRIBE = "KopijUnsubscribeToken"

    def __init__(self, rendered: RenderedEdition):
        template = _edition_email(
            rendered,
            to=self.TO,
            token=self.UNSUBSCRIBE,
            message_id=self.MESSAGE_ID,
            connection=None,
        )
        self.template = template.message().as_bytes(linesep="\r\n")
        self.usable = (
            self.template.count(self.TO.encode()) == 1
            and self.template.count(self.MESSAGE_ID.encode()) == 1
            # Header URL and mailto, the text part, the HTML part.
            and self.template.count(self.UNSUBSCRIBE.encode()) == 4
        )

    def message_bytes(self, *, to: str, subscriber_id: int, message_id: str) -> bytes | None:
        if not self.usable or not to.isascii():
            return None
        return (
            self.template.replace(self.TO.encode(), to.encode())
            .replace(self.MESSAGE_ID.encode(), message_id.encode())
            .replace(self.UNSUBSCRIBE.encode(), unsubscribe_token(subscriber_id).encode())
        )


def welcome_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    """The welcome after confirming: what comes when, and the way out from day one."""
    token = unsubscribe_token(subscriber.pk)
    unsubscribe = absolute_url(reverse("newsletters:unsubscribe", kwargs={"token": token}))
    context = {
        "unsubscribe_url": unsubscribe,
        "archive_url": absolute_url(reverse("newsletters:archive")),
        "SITE_NAME": settings.SITE_NAME,
    }
    mailto = settings.NEWSLETTER_UNSUBSCRIBE_EMAIL
    message = EmailMultiAlternatives(
        subject=_("Welcome to the %(site)s newsletter") % {"site": settings.SITE_NAME},
        body=render_to_string("newsletters/mail/welcome.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            "Message-ID": new_message_id(),
            "List-Unsubscribe": f"<{unsubscribe}>, <mailto:{mailto}?subject={token}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("newsletters/mail/welcome.html", context), "text/html"
    )
    return message


def confirmation_message(consent: ConsentRecord) -> EmailMessage:
    path = reverse("newsletters:confirm", kwargs={"token": confirm_token(consent.pk)})
    context = {
        "confirm_url": absolute_url(path),
        "days": settings.NEWSLETTER_CONFIRM_DAYS,
        "SITE_NAME": settings.SITE_NAME,
    }
    return EmailMessage(
        subject=_("Confirm your subscription to the %(site)s newsletter")
        % {"site": settings.SITE_NAME},
        body=render_to_string("newsletters/mail/confirm.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[consent.subscriber.email],
        headers={"Message-ID": new_message_id()},
    )
