"""A NUL byte in the query string is a 400, whatever page it was sent to.

PostgreSQL cannot store or compare text with NUL in it: psycopg refuses such a parameter,
and every view that filters by a query parameter (admin filters and autocomplete, search,
reader pages) would answer 500. No reader or editor ever sends one, so it is refused before
any view or the page cache sees it. (Form fields refuse NUL themselves: Django's CharField
validator.)
"""

from django.core.exceptions import BadRequest


def has_nul_byte(request) -> bool:
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
    )


class NulByteMiddleware:
    """Place it before anything that reads request.GET, the page cache included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul_byte(request):
            # Django's handler400 answers with the Dutch 400 page (and logs a warning).
            raise BadRequest("NUL byte in the query string")
        return self.get_response(request)
