"""The connection to the search engine, configured from settings.

Elasticsearch 8 clients send ``application/vnd.elasticsearch+json; compatible-with=8``.
osmem-server (the engine of development and tests) refuses that media type, so
``SEARCH_ENGINE_KIND = "osmem"`` selects a transport node that sends plain
``application/json``. Real Elasticsearch always gets the stock node.

Everything in the project imports the DSL from ``elasticsearch.dsl`` (the
elasticsearch-dsl package re-exports that same code).
"""

from contextlib import suppress
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from elastic_transport import TransportError, Urllib3HttpNode
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.dsl import connections

CONNECTION_ALIAS = "default"
_RECONFIGURING_SETTINGS = {"ELASTICSEARCH_URL", "SEARCH_ENGINE_KIND", "SEARCH_TIMEOUT_SECONDS"}


class PlainJsonNode(Urllib3HttpNode):
    """Sends plain application/json, for engines that refuse the compatibility media type."""

    def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
        if headers:
            headers = headers.copy()
            for key in ("accept", "content-type"):
                value = headers.get(key)
                if value and "vnd.elasticsearch+" in value:
                    headers[key] = value.replace("vnd.elasticsearch+", "").split(";")[0]
        return super().perform_request(method, target, body=body, headers=headers, request_timeout=request_timeout)


def node_class_for(kind: str):
    if kind == "osmem":
        return PlainJsonNode
    if kind == "elasticsearch":
        return Urllib3HttpNode
    raise ValueError(f"SEARCH_ENGINE_KIND must be 'elasticsearch' or 'osmem', not {kind!r}")


@lru_cache(maxsize=1)
def get_client() -> Elasticsearch:
    """The process-wide client, also registered as the elasticsearch-dsl default connection."""
    client = Elasticsearch(
        hosts=[settings.ELASTICSEARCH_URL],
        node_class=node_class_for(settings.SEARCH_ENGINE_KIND),
        request_timeout=settings.SEARCH_TIMEOUT_SECONDS,
        max_retries=0,
        retry_on_timeout=False,
    )
    connections.add_connection(CONNECTION_ALIAS, client)
    return client


def ping() -> bool:
    """True when the engine answers a cluster health request in time."""
    try:
        get_client().options(request_timeout=settings.SEARCH_TIMEOUT_SECONDS).cluster.health()
    except (TransportError, ApiError):
        return False
    return True


def reset_client():
    get_client.cache_clear()
    with suppress(KeyError):
        connections.remove_connection(CONNECTION_ALIAS)


@receiver(setting_changed)
def _reset_on_setting_change(*, setting, **kwargs):
    if setting in _RECONFIGURING_SETTINGS:
        reset_client()
