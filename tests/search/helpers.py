"""Helpers shared by the search tests."""

from cms.models import Service
from search.client import get_client
from search.documents import DOCUMENTS
from search.index import alias_name, prepared_documents


def indexed_documents() -> dict[str, dict]:
    """Every document behind the read alias, by document id."""
    client = get_client()
    client.indices.refresh(index=alias_name())
    response = client.search(index=alias_name(), size=10_000, query={"match_all": {}})
    return {hit["_id"]: hit["_source"] for hit in response["hits"]["hits"]}


def database_documents() -> dict[str, dict]:
    """Every document the database gives now: what the index must equal."""
    return {doc_id: source for doc_type in DOCUMENTS for doc_id, source in prepared_documents(doc_type)}


def result_ids(response) -> list[int]:
    """Database primary keys of the hits, in order (services are named by UUID in the API)."""
    assert response.status_code == 200, response.content
    hits = response.json()["results"]
    by_uuid = dict(
        Service.objects.filter(uuid__in=[h["id"] for h in hits if h["type"] == "service"]).values_list("uuid", "pk")
    )
    by_uuid = {str(uuid): pk for uuid, pk in by_uuid.items()}
    return [by_uuid[hit["id"]] if hit["type"] == "service" else int(hit["id"]) for hit in hits]


def result_titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [hit["title"] for hit in response.json()["results"]]


def facet_counts(response, facet: str) -> dict[str, int]:
    return {value["value"]: value["count"] for value in response.json()["facets"][facet]}
