"""Content-Security-Policy and Permissions-Policy headers (django-csp's middleware, extended).

Reader pages get the strict policy of CONTENT_SECURITY_POLICY: everything from our own
origin, no inline script or style at all (pages are cached whole, so they carry no nonce).
The admin gets CONTENT_SECURITY_POLICY_ADMIN: scripts from our origin plus the per-response
nonce its body editor's inline import map carries (`with_csp_nonce`), and inline styles,
which Django's admin and the editor set.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.urls import reverse
from js_asset import Media


def _admin_prefix() -> str:
    return reverse("admin:index")


class SecurityHeadersMiddleware(CSPMiddleware):
    """Place it outside the page cache, so that stored pages get the headers too."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(_admin_prefix())
        ):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def with_csp_nonce(request, media) -> Media:
    """`media` whose tags (the editor's `<script type="importmap">`) carry the CSP nonce."""
    return Media.from_media(media, nonce=request.csp_nonce)
