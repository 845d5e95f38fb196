"""The index on the engine: names, writes, the full rebuild behind an alias, and its status.

Readers always use the read alias ``<SEARCH_INDEX_PREFIX>-search``; the indices behind it are
versioned (``<prefix>-search-v20250101120000000000``). A rebuild creates a new index, marks it
with the building alias ``<prefix>-search-building`` (so that updates made while it loads reach
it too), bulk-loads every public record, reconciles and checks the counts against the database,
then moves the read alias in one atomic request and deletes the old index. Searches keep
answering from the old index until the swap.
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from elasticsearch import NotFoundError, helpers

from .client import get_client
from .documents import DOCUMENTS, Lookups, build_index, build_mapping, document_id

logger = logging.getLogger(__name__)

# Writes carry more data than queries: they get longer than SEARCH_TIMEOUT_SECONDS.
WRITE_TIMEOUT_SECONDS = 10
REBUILD_TIMEOUT_SECONDS = 120


class SearchIndexError(Exception):
    """The index could not be rebuilt; the message says why and what was left untouched."""


def alias_name() -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-search"


def building_alias_name() -> str:
    return f"{alias_name()}-building"


def index_pattern() -> str:
    return f"{alias_name()}-v*"


def new_index_name() -> str:
    return f"{alias_name()}-v{timezone.now():%Y%m%d%H%M%S%f}"


def write_client(timeout: float = WRITE_TIMEOUT_SECONDS):
    return get_client().options(request_timeout=timeout)


def indices_behind(alias: str, *, timeout: float = WRITE_TIMEOUT_SECONDS) -> list[str]:
    """Names of the indices an alias points at ([] when the alias does not exist)."""
    try:
        return sorted(write_client(timeout).indices.get_alias(name=alias).body)
    except NotFoundError:
        return []


# --- Documents from the database -----------------------------------------------------------


def public_ids(doc_type: str) -> set[int]:
    return set(DOCUMENTS[doc_type].public_queryset().values_list("pk", flat=True))


def prepared_documents(
    doc_type: str, ids: Iterable[int] | None = None, *, lookups: Lookups | None = None, chunk_size: int = 500
) -> Iterator[tuple[str, dict]]:
    """(document id, document) of every public record of ``doc_type`` (among ``ids`` when given)."""
    lookups = lookups or Lookups()
    document = DOCUMENTS[doc_type]
    queryset = document.public_queryset()
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    for record in queryset.iterator(chunk_size=chunk_size):
        yield document_id(doc_type, record.pk), document.prepare(record, lookups)


# --- Incremental writes --------------------------------------------------------------------


@dataclass
class WriteResult:
    written: set[str] = field(default_factory=set)  # document ids now equal to the database
    errors: dict[str, str] = field(default_factory=dict)  # document id -> why it was not written


def write_documents(documents: dict[str, dict | None], *, timeout: float = WRITE_TIMEOUT_SECONDS) -> WriteResult:
    """Indexes (a dict) or deletes (None) documents, in the live index and in an index being built.

    Raises the client's ``TransportError``/``ApiError`` when the engine cannot be reached;
    per-document failures come back in ``errors``. Index operations go through the aliases with
    ``require_alias``, so a missing index is never created by accident with a guessed mapping.
    """
    result = WriteResult()
    if not documents:
        return result
    live, building = alias_name(), building_alias_name()
    operations = []
    for doc_id, source in documents.items():
        for target in (live, building):
            if source is None:
                operations.append({"delete": {"_index": target, "_id": doc_id}})
            else:
                operations += [{"index": {"_index": target, "_id": doc_id, "require_alias": True}}, source]
    items = write_client(timeout).bulk(operations=operations)["items"]
    # Items come back in the order of the operations: (live, building) for each document.
    for position, doc_id in enumerate(documents):
        live_item, building_item = items[2 * position], items[2 * position + 1]
        error = _item_error(live_item)
        if error is None:
            result.written.add(doc_id)
        else:
            result.errors[doc_id] = error
        building_error = _item_error(building_item)
        if building_error and "index_not_found" not in building_error:
            logger.warning("search index: %s not written to the index being built: %s", doc_id, building_error)
    return result


def _item_error(item: dict) -> str | None:
    """None when a bulk item succeeded (deleting a document that is not there counts as success)."""
    ((action, detail),) = item.items()
    status, error = detail.get("status", 500), detail.get("error")
    if status < 300 or (action == "delete" and status == 404 and not error):
        return None
    if isinstance(error, dict):
        message = f"{error.get('type', 'error')}: {error.get('reason', '')}"
        cause = error.get("caused_by") or {}
        return f"{message} ({cause.get('reason')})" if cause.get("reason") else message
    return str(error or f"status {status}")


# --- Full rebuild --------------------------------------------------------------------------


@dataclass
class RebuildReport:
    index: str
    previous: list[str]
    counts: dict[str, int]
    seconds: float
    conflicts: int = 0  # documents already written by a concurrent update (kept: they are newer)
    reconciled: int = 0  # documents fixed after the load (changed while it ran)


def expected_counts() -> dict[str, int]:
    return {doc_type: document.public_queryset().count() for doc_type, document in DOCUMENTS.items()}


def rebuild(*, batch_size: int = 500, progress: Callable[[int], object] | None = None) -> RebuildReport:
    """Builds a new index from the database and swaps the read alias to it atomically.

    ``progress(n)`` is called after each batch with the number of documents written. On any
    failure the new index is deleted and the alias is left where it was (raises SearchIndexError).
    """
    started = timezone.now()
    client = write_client(REBUILD_TIMEOUT_SECONDS)
    name = new_index_name()
    body = build_index(name).to_dict()
    # No periodic refresh while loading (the usual bulk-load setting); restored before the checks.
    loading = {**body["settings"], "refresh_interval": "-1"}
    client.indices.create(index=name, settings=loading, mappings=body["mappings"], aliases={building_alias_name(): {}})
    try:
        conflicts = _bulk_load(client, name, batch_size=batch_size, progress=progress)
        client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
        client.indices.refresh(index=name)
        reconciled = _reconcile(client, name)
        counts = _check_counts(client, name)
        previous = _swap_alias(client, name)
    except Exception:  # whatever failed: the half-built index goes, the error goes on to the caller
        client.indices.delete(index=name, ignore_unavailable=True)
        raise
    for old in previous:
        client.indices.delete(index=old, ignore_unavailable=True)
    seconds = (timezone.now() - started).total_seconds()
    logger.info("search index: rebuilt %s (%s) in %.1f s, replacing %s", name, counts, seconds, previous or "nothing")
    return RebuildReport(
        index=name, previous=previous, counts=counts, seconds=seconds, conflicts=conflicts, reconciled=reconciled
    )


def _bulk_load(client, name: str, *, batch_size: int, progress) -> int:
    lookups = Lookups()

    def actions():
        for doc_type in DOCUMENTS:
            for doc_id, source in prepared_documents(doc_type, lookups=lookups, chunk_size=batch_size):
                # "create": a document already written by a concurrent update is newer; keep it.
                yield {"_op_type": "create", "_index": name, "_id": doc_id, "_source": source}

    conflicts, errors, done = 0, [], 0
    for ok, item in helpers.streaming_bulk(
        client, actions(), chunk_size=batch_size, raise_on_error=False, max_retries=2
    ):
        done += 1
        if not ok:
            detail = item["create"]
            if detail.get("status") == 409:
                conflicts += 1
            else:
                errors.append(f"{detail.get('_id')}: {_item_error(item)}")
        if progress and done % batch_size == 0:
            progress(batch_size)
    if progress and done % batch_size:
        progress(done % batch_size)
    if errors:
        raise SearchIndexError(f"{len(errors)} documents could not be indexed, for example {errors[0]}")
    return conflicts


def _reconcile(client, name: str) -> int:
    """Fixes documents whose record was created or deleted while the load ran."""
    present = set()
    for hit in helpers.scan(client, index=name, query={"_source": False}, size=1000):
        present.add(hit["_id"])
    fixes = 0
    for doc_type in DOCUMENTS:
        wanted = {document_id(doc_type, pk) for pk in public_ids(doc_type)}
        prefix = f"{doc_type}-"
        in_index = {doc_id for doc_id in present if doc_id.startswith(prefix)}
        missing = {int(doc_id.removeprefix(prefix)) for doc_id in wanted - in_index}
        extra = in_index - wanted
        operations = [{"delete": {"_index": name, "_id": doc_id}} for doc_id in extra]
        for doc_id, source in prepared_documents(doc_type, missing):
            operations += [{"index": {"_index": name, "_id": doc_id}}, source]
        if operations:
            client.bulk(operations=operations, refresh=True)
            fixes += len(extra) + len(missing)
    return fixes


def _check_counts(client, name: str) -> dict[str, int]:
    response = client.search(
        index=name, size=0, aggs={"types": {"terms": {"field": "doc_type", "size": 20}}}, track_total_hits=True
    )
    found = {bucket["key"]: bucket["doc_count"] for bucket in response["aggregations"]["types"]["buckets"]}
    expected = expected_counts()
    wrong = {t: (found.get(t, 0), n) for t, n in expected.items() if found.get(t, 0) != n}
    if wrong:
        details = ", ".join(f"{t}: {got} indexed, {want} in the database" for t, (got, want) in wrong.items())
        raise SearchIndexError(f"the new index does not match the database ({details}); the alias was not moved")
    return {t: found.get(t, 0) for t in expected}


def _swap_alias(client, name: str) -> list[str]:
    """Points the read alias at ``name`` in one request; returns the indices it pointed at before."""
    alias = alias_name()
    previous = indices_behind(alias)
    if not previous and client.indices.exists(index=alias):
        # A plain index holding the alias's name (never created by this code): it must go.
        client.indices.delete(index=alias)
    actions = [{"remove": {"index": old, "alias": alias}} for old in previous]
    actions += [
        {"add": {"index": name, "alias": alias}},
        {"remove": {"index": name, "alias": building_alias_name()}},
    ]
    client.indices.update_aliases(actions=actions)
    return previous


# --- Status --------------------------------------------------------------------------------


# What a field's mapping says that matters to documents and queries.
MAPPING_ATTRIBUTES = ("type", "analyzer", "search_analyzer")


def _mapped_fields(properties: dict, prefix: str = "") -> dict[str, tuple]:
    fields = {}
    for name, definition in properties.items():
        path = f"{prefix}{name}"
        if "properties" in definition:
            fields.update(_mapped_fields(definition["properties"], f"{path}."))
        else:
            fields[path] = tuple(definition.get(attribute) for attribute in MAPPING_ATTRIBUTES)
    return fields


def _describe_field(attributes: tuple) -> str:
    return " ".join(f"{name}={value}" for name, value in zip(MAPPING_ATTRIBUTES, attributes, strict=True) if value)


def mapping_changes(live_properties: dict, expected_properties: dict) -> list[str]:
    """Fields whose type or analyzers in the live index differ from what this release builds.

    After an upgrade that changes the mapping, documents written into the old index may be refused
    or searched wrongly until ``search_index --rebuild``; ``--status`` lists these fields."""
    live, expected = _mapped_fields(live_properties), _mapped_fields(expected_properties)
    changes = []
    for path in sorted(live.keys() | expected.keys()):
        if path not in live:
            changes.append(f"{path}: missing from the index")
        elif path not in expected:
            changes.append(f"{path}: no longer in this release's mapping")
        elif live[path] != expected[path]:
            changes.append(f"{path}: {_describe_field(live[path])} in the index, {_describe_field(expected[path])} now")
    return changes


@dataclass
class IndexStatus:
    alias: str
    live_indices: list[str]
    indices: dict[str, int]  # every index of this prefix -> documents
    building: list[str]
    indexed: dict[str, int]  # documents per type behind the read alias
    expected: dict[str, int]  # public records per type in the database
    mapping_changes: list[str] = field(default_factory=list)  # live index versus this release

    @property
    def in_sync(self) -> bool:
        return bool(self.live_indices) and self.indexed == self.expected and not self.mapping_changes


def index_status() -> IndexStatus:
    client = write_client()
    alias = alias_name()
    live = indices_behind(alias)
    building = indices_behind(building_alias_name())
    indices = {}
    for row in client.cat.indices(index=index_pattern(), format="json", expand_wildcards="all"):
        indices[row["index"]] = int(row.get("docs.count") or 0)
    indexed = {}
    if live:
        response = client.search(
            index=alias, size=0, aggs={"types": {"terms": {"field": "doc_type", "size": 20}}}, track_total_hits=True
        )
        indexed = {b["key"]: b["doc_count"] for b in response["aggregations"]["types"]["buckets"]}
    expected = expected_counts()
    indexed = {doc_type: indexed.get(doc_type, 0) for doc_type in expected}
    changes = []
    if live:
        live_mapping = client.indices.get_mapping(index=live[0])[live[0]]["mappings"]
        changes = mapping_changes(live_mapping.get("properties", {}), build_mapping().to_dict()["properties"])
    return IndexStatus(
        alias=alias,
        live_indices=live,
        indices=dict(sorted(indices.items())),
        building=building,
        indexed=indexed,
        expected=expected,
        mapping_changes=changes,
    )
