"""The address of the person at the other end, as far as the configured proxies vouch for it.

``X-Forwarded-For`` is a list any client can start: ``forged, …, client-as-seen-by-nginx``. Only the
last ``NUM_PROXIES`` entries were written by proxies of ours (nginx in deploy/ replaces the header with
the address it sees, so one proxy writes one entry). With ``NUM_PROXIES = 0`` (development, a server
reached directly) the header is ignored and the socket's address counts. This is the rule of Django
REST framework's throttles (``NUM_PROXIES``), used here for django-axes too, so both count the same person.
"""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    return addresses[-min(proxies, len(addresses))] if addresses else remote
