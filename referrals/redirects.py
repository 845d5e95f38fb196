"""Redirect targets taken from the request (``Referer``, ``next``) are followed only when they stay on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_redirect_target(request, candidate: str | None, fallback: str) -> str:
    """``candidate`` when it points to one of ``ALLOWED_HOSTS`` (same scheme when the request is HTTPS),
    otherwise ``fallback``: a forged ``Referer: https://evil.example/`` never becomes a redirect."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
