"""A database outage is not a reader's 500: a quick Dutch 503 with `Retry-After`.

The psycopg pool gives up after DATABASE_POOL_TIMEOUT seconds (3 by default, not its own
30), and whatever a view or its template raised because the database cannot be reached
becomes the 503 page, rendered without the database. Varnish then serves its copies in
grace and the page cache its stored pages; once the database is back the next request
gets a connection again (the pool reconnects by itself). Outages are logged as warnings,
not mailed to ADMINS request by request as unhandled errors would be.
"""

import logging
import sys

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# SQLSTATEs of a server that is gone or takes no connections (class 08, shutting down,
# starting up). psycopg's own connection failures and its pool's PoolTimeout have none.
UNREACHABLE_STATES = ("08", "57P01", "57P02", "57P03")


def is_database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` means PostgreSQL cannot be reached (down, restarting, pool timeout).

    A failed query (a statement timeout, a lock, a serialization failure) is not an outage,
    nor is anything SQLite raises: those remain errors of their own.
    """
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    cause = error.__cause__  # Django wraps the driver's error
    if not isinstance(cause, psycopg.Error):
        return False
    return cause.sqlstate is None or cause.sqlstate.startswith(UNREACHABLE_STATES)


def unavailable_response() -> HttpResponse:
    # The footer shows the redactie's address; nothing here may need the database.
    context = {"SITE_NAME": settings.SITE_NAME, "REDACTIE_EMAIL": settings.REDACTIE_EMAIL}
    response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # An outage page is never kept: not by browsers, Varnish or the page cache.
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Answers a view (or its template) that failed to reach the database with the 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning("Database unavailable: %s answered 503 (%s)", request.path, exception)
        return unavailable_response()


def server_error_or_unavailable(request) -> HttpResponse | None:
    """For handler500: the 503 when the unhandled error was the database being unreachable.

    Covers what fails outside any view (a middleware's query), where process_exception
    is not asked; Django calls handler500 while that exception is being handled.
    """
    if is_database_unavailable(sys.exception()):
        return unavailable_response()
    return None
