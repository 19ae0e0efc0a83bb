"""Parsing of settings from the environment that django-environ does not do for us."""

from email.utils import getaddresses

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email


def parse_admins(value: str) -> list[tuple[str, str]]:
    """`ADMINS="Eva de Wit <eva@example.nl>, it@example.nl"` as Django's (name, address) pairs.

    A name may be quoted and hold a comma ("De Wit, Eva" <eva@example.nl>). Anything that
    is not a valid address stops the start-up, rather than losing error mail silently.
    """
    if not value.strip():
        return []
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        # A line break would let a name smuggle in a mail header.
        raise ImproperlyConfigured("ADMINS holds a control character (a line break?).")
    admins = []
    for name, address in getaddresses([value]):
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(
                f"ADMINS holds {address or name!r}, which is not an e-mail address. "
                'Write ADMINS="Name <address>, Other Name <address>".'
            ) from None
        admins.append((name, address))
    return admins
