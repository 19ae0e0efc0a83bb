from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import get_navigation


def site(request):
    # Lazy: pages that show no navigation (the admin) run no query for it.
    return {
        "SITE_NAME": settings.SITE_NAME,
        "REDACTIE_EMAIL": settings.REDACTIE_EMAIL,
        "navigation": SimpleLazyObject(get_navigation),
    }
