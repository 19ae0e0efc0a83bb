"""Signed tokens in newsletter links: nothing to store, nothing to guess."""

from datetime import timedelta

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "newsletters.confirm"
UNSUBSCRIBE_SALT = "newsletters.unsubscribe"


def confirm_token(consent_id: int) -> str:
    return signing.dumps(consent_id, salt=CONFIRM_SALT)


def read_confirm_token(token: str) -> int:
    """The consent record id; raises signing.BadSignature (or SignatureExpired)."""
    max_age = timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS)
    value = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    if not isinstance(value, int):
        raise signing.BadSignature("not a consent id")
    return value


def unsubscribe_token(subscriber_id: int) -> str:
    # Never expires: an unsubscribe link in a mail from years ago still has to work.
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber_id))


def read_unsubscribe_token(token: str) -> int:
    value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    if not value.isdigit():
        raise signing.BadSignature("not a subscriber id")
    return int(value)
