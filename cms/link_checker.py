"""Checks that the websites of the directory answer (``manage.py check_links``, weekly).

Each distinct address of a live organisation or service is asked once, with a short timeout: a
HEAD request, then a GET when the server refuses HEAD. An answer below 400 is fine; an error status,
a timeout or a connection failure marks the address as not answering in ``LinkCheck``, which the
data-quality dashboard counts.
"""

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.utils import timezone

import requests

from .models import LinkCheck, Organization, Service

USER_AGENT = "AfterCareNetwork-LinkCheck/1.0 (+directory data quality)"
WORKERS = 4


def directory_websites() -> list[str]:
    urls = set()
    for model in (Organization, Service):
        urls.update(model.objects.filter(live=True).exclude(website="").values_list("website", flat=True))
    return sorted(urls)


def probe(url: str, *, timeout: float) -> tuple[bool, int | None, str]:
    headers = {"User-Agent": USER_AGENT}
    try:
        response = requests.head(url, timeout=timeout, allow_redirects=True, headers=headers)
        if response.status_code >= 400:  # some servers refuse HEAD (405) but answer GET
            response = requests.get(url, timeout=timeout, allow_redirects=True, headers=headers, stream=True)
            response.close()
    except requests.Timeout:
        return False, None, "timeout"
    except requests.RequestException as error:
        return False, None, type(error).__name__
    return response.status_code < 400, response.status_code, ""


def check_links(urls: list[str] | None = None) -> dict[str, bool]:
    """Checks ``urls`` (default: every website of the directory) and stores the answers."""
    urls = directory_websites() if urls is None else urls
    timeout = settings.DIRECTORY_LINK_CHECK_TIMEOUT_SECONDS
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        answers = list(pool.map(lambda url: probe(url, timeout=timeout), urls))
    now = timezone.now()
    for url, (ok, status_code, error) in zip(urls, answers, strict=True):
        LinkCheck.objects.update_or_create(
            url=url, defaults={"ok": ok, "status_code": status_code, "error": error, "checked_at": now}
        )
    LinkCheck.objects.exclude(url__in=directory_websites()).delete()  # addresses no longer in use
    return {url: answer[0] for url, answer in zip(urls, answers, strict=True)}
