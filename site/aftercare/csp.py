"""A stricter content security policy for the public site.

The site-wide policy (CONTENT_SECURITY_POLICY in settings) still allows inline scripts and styles,
because the Wagtail admin and the Swagger UI need them. The public site (every page under a
language prefix: ``/it/``, ``/ar/``...) has none: its JavaScript is one static file and its styles
one stylesheet. So its responses allow scripts and styles from the site itself only; an injected
``<script>`` or ``style=""`` would not run.
"""

from django.conf import settings

PUBLIC_SITE_POLICY = {"script-src": ["'self'"], "style-src": ["'self'"]}


class PublicSiteCSPMiddleware:
    """Put it after ``csp.middleware.CSPMiddleware``: it marks public-site responses before that
    middleware writes the header."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.prefixes) and not hasattr(response, "_csp_replace"):
            response._csp_replace = PUBLIC_SITE_POLICY
        return response
