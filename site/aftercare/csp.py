"""Stricter content security policies for the public site and the staff pages.

The site-wide policy (CONTENT_SECURITY_POLICY in settings) still allows inline scripts and styles,
because the Wagtail admin and the Swagger UI need them. The public site (every page under a
language prefix: ``/it/``, ``/ar/``...) has none: its JavaScript is one static file and its styles
one stylesheet. So its responses allow scripts and styles from the site itself only; an injected
``<script>`` or ``style=""`` would not run.

The staff pages of the referral process (``/workflow/``), where beneficiaries' personal data is
shown, run no inline script either: their policy allows scripts from the site itself and, should a
template ever need one, an inline ``<script nonce="{{ request.csp_nonce }}">`` (a new random nonce
per response); an injected script has no nonce and does not run.

The Wagtail admin keeps the site-wide policy: several of its widgets (inline panels, date pickers)
write inline scripts without a nonce.
"""

from django.conf import settings

from csp.constants import NONCE, SELF

PUBLIC_SITE_POLICY = {"script-src": ["'self'"], "style-src": ["'self'"]}
STAFF_PAGES_POLICY = {"script-src": [SELF, NONCE], "style-src": [SELF, NONCE], "object-src": ["'none'"]}
STAFF_PREFIXES = ("/workflow/",)


class PublicSiteCSPMiddleware:
    """Put it after ``csp.middleware.CSPMiddleware``: it marks public-site responses before that
    middleware writes the header."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)

    def __call__(self, request):
        response = self.get_response(request)
        if hasattr(response, "_csp_replace"):
            return response
        if request.path.startswith(self.prefixes):
            response._csp_replace = PUBLIC_SITE_POLICY
        elif request.path.startswith(STAFF_PREFIXES):
            response._csp_replace = STAFF_PAGES_POLICY
        return response
