"""Rate limits per client for the reader forms, counted in the shared cache.

Used by every app with a public form (feedback, newsletters). When the cache is
unreachable the limits are lifted rather than the forms broken: django-ratelimit
fails open on a failed count (RATELIMIT_FAIL_OPEN), and a cache client that raises
instead (Django's Redis backend) is caught here.
"""

import logging

from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)


def forwarded_client_ip(request) -> str:
    """Behind our TLS proxy: the address the proxy saw, i.e. the last X-Forwarded-For entry.

    Earlier entries are whatever the client claimed and cannot be trusted.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.rsplit(",", 1)[-1].strip() or request.META["REMOTE_ADDR"]


def over_limit(request, *, group: str, rate: str) -> bool:
    """Count this POST against the client's limit; True once it is over."""
    try:
        return is_ratelimited(
            request, group=group, key="ip", rate=rate, method="POST", increment=True
        )
    except Exception:
        logger.warning("Rate limit cache unavailable; %s not limited", group, exc_info=True)
        return False
