"""The index on the engine: names, writes, the full rebuild behind an alias, and its status.

Readers always use the read alias ``<SEARCH_INDEX_PREFIX>-search``; the indices behind it are
versioned (``<prefix>-search-v20250101120000000000``). A rebuild creates a new index, marks it
with the building alias ``<prefix>-search-building`` (so that updates made while it loads reach
it too), bulk-loads every public record, reconciles and checks the counts against the database,
then moves the read alias in one atomic request and deletes the old index. Searches keep
answering from the old index until the swap.

Every write carries an external version: the time (in microseconds) just before its documents
were read from the database. The engine keeps the highest version of each document, so a write
that is retried after a timeout (the engine may well have applied it) is harmless, and a slow
write that lands after a newer one cannot bring back stale content. A delete leaves a versioned
tombstone too, so a late older write cannot resurrect the document.

A timeout means the engine is slow, not down: bulk requests shrink (200, 50, 10 documents) while
they time out and grow back after they succeed.

Rebuilds take a lock (search/locks.py), so two never run at once; with the lock held, indices
and ``…-building`` aliases left by a rebuild that was killed are deleted before a new one starts.
"""

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.utils import timezone

from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import ApiError, NotFoundError, helpers

from .client import get_client
from .documents import DOCUMENTS, Lookups, build_index, build_mapping, document_id
from .locks import RebuildLocked, rebuild_lock

logger = logging.getLogger(__name__)

# Index administration during a rebuild (create, settings, refresh, alias swap): rare and heavy.
REBUILD_TIMEOUT_SECONDS = 120
# Documents per bulk request: the first size, and the smaller ones tried while requests time out.
BATCH_SIZES = (200, 50, 10)
# Engine answers that mean "slow down", not "down".
SLOW_STATUSES = {429, 504}
# How often a rebuild retries its smallest batch when even that times out.
REBUILD_SLOW_ATTEMPTS = 5


def write_timeout() -> float:
    return settings.SEARCH_WRITE_TIMEOUT_SECONDS


def engine_is_slow(error: Exception) -> bool:
    """True when a failed request means the engine is slow (a timeout, too many requests), not down."""
    if isinstance(error, ConnectionTimeout):
        return True
    return isinstance(error, ApiError) and error.meta.status in SLOW_STATUSES


def document_version() -> int:
    """The external version of documents read from the database from now on (microseconds)."""
    return time.time_ns() // 1000


class AdaptiveBatchSize:
    """Bulk request sizes that shrink while requests time out and grow back after they succeed."""

    GROW_AFTER = 3  # successful requests at a size before trying the next larger one

    def __init__(self, sizes=BATCH_SIZES):
        self.sizes = tuple(sorted(sizes, reverse=True))
        self.position = 0
        self.successes = 0

    @property
    def current(self) -> int:
        return self.sizes[self.position]

    def shrink(self) -> bool:
        """Smaller requests from now on; False when they are already the smallest."""
        self.successes = 0
        if self.position + 1 >= len(self.sizes):
            return False
        self.position += 1
        return True

    def succeeded(self) -> None:
        self.successes += 1
        if self.position and self.successes >= self.GROW_AFTER:
            self.position -= 1
            self.successes = 0


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


def write_client(timeout: float | None = None):
    return get_client().options(request_timeout=timeout or write_timeout())


def indices_behind(alias: str, *, timeout: float | None = None) -> list[str]:
    """Names of the indices an alias points at ([] when the alias does not exist)."""
    try:
        return sorted(write_client(timeout).indices.get_alias(name=alias).body)
    except NotFoundError:
        return []


def search_index_ready() -> bool:
    """True when the read alias exists and points at an index, so that searches can answer."""
    try:
        client = get_client().options(request_timeout=settings.SEARCH_TIMEOUT_SECONDS)
        return bool(client.indices.exists_alias(name=alias_name()))
    except (TransportError, ApiError):
        return False


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


def versioned(action: str, index: str, doc_id: str, version: int, **options) -> dict:
    """A bulk action line that the engine applies only if no newer version of the document is there."""
    return {action: {"_index": index, "_id": doc_id, "version": version, "version_type": "external_gte", **options}}


def write_documents(
    documents: dict[str, dict | None], *, version: int | None = None, timeout: float | None = None
) -> WriteResult:
    """Indexes (a dict) or deletes (None) documents, in the live index and in an index being built.

    ``version`` is the time the documents were read from the database (``document_version()``
    taken before reading; now by default): a document the engine already holds in a newer
    version counts as written. Raises the client's ``TransportError``/``ApiError`` when the
    engine cannot be reached or does not answer in time; per-document failures come back in
    ``errors``. Index operations go through the aliases with ``require_alias``, so a missing index
    is never created by accident with a guessed mapping; deletes (which, versioned, would create
    a missing index to hold their tombstone) only go to the aliases that exist.
    """
    result = WriteResult()
    if not documents:
        return result
    client = write_client(timeout)
    version = version or document_version()
    aliases = existing_aliases(client)
    live, building = alias_name(), building_alias_name()
    operations, targets = [], []  # targets[i]: (document id, is the live index) of the i-th item
    for doc_id, source in documents.items():
        for target in (live, building):
            if source is None and target in aliases:
                operations.append(versioned("delete", target, doc_id, version))
            elif source is not None and (target == live or target in aliases):
                operations += [versioned("index", target, doc_id, version, require_alias=True), source]
            else:
                continue
            targets.append((doc_id, target == live))
    items = write_client(timeout).bulk(operations=operations)["items"] if operations else []
    result.written = {doc_id for doc_id, source in documents.items() if source is None and live not in aliases}
    for (doc_id, is_live), item in zip(targets, items, strict=True):
        error = _item_error(item)
        if is_live and error is None:
            result.written.add(doc_id)
        elif is_live:
            result.errors[doc_id] = error
        elif error:
            logger.warning("search index: %s not written to the index being built: %s", doc_id, error)
    return result


def existing_aliases(client) -> set[str]:
    """The aliases of this prefix's indices (the read alias, the building alias) that exist now."""
    response = client.indices.get_alias(index=index_pattern(), ignore_unavailable=True, allow_no_indices=True)
    return {alias for index in response.body.values() for alias in index.get("aliases", {})}


def _item_error(item: dict) -> str | None:
    """None when a bulk item succeeded (deleting a document that is not there counts as success,
    and so does a version conflict: the engine holds a newer version of the document)."""
    ((action, detail),) = item.items()
    status, error = detail.get("status", 500), detail.get("error")
    if status < 300 or (action == "delete" and status == 404 and not error):
        return None
    if status == 409 and isinstance(error, dict) and error.get("type") == "version_conflict_engine_exception":
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
    stale: list[str] = field(default_factory=list)  # indices left by an interrupted rebuild, deleted
    started_at: object = None  # when it began reading the database


def expected_counts() -> dict[str, int]:
    return {doc_type: document.public_queryset().count() for doc_type, document in DOCUMENTS.items()}


def rebuild(
    *, batch_size: int = BATCH_SIZES[0], progress: Callable[[int], object] | None = None, before_load=None
) -> RebuildReport:
    """Builds a new index from the database and swaps the read alias to it atomically.

    ``progress(n)`` is called after each batch with the number of documents written;
    ``before_load()`` just before the database is read (the caller notes what the rebuild covers).
    On any failure the new index is deleted and the alias is left where it was (raises
    SearchIndexError). Raises SearchIndexError at once when another rebuild holds the lock.
    """
    try:
        with rebuild_lock():
            return _rebuild(batch_size=batch_size, progress=progress, before_load=before_load)
    except RebuildLocked:
        raise SearchIndexError("another rebuild of this index is running; nothing was changed") from None


def _rebuild(*, batch_size, progress, before_load) -> RebuildReport:
    started = timezone.now()
    client = write_client(REBUILD_TIMEOUT_SECONDS)
    stale = delete_stale_indices(client)
    name = new_index_name()
    body = build_index(name).to_dict()
    # No periodic refresh while loading (the usual bulk-load setting); restored before the checks.
    loading = {**body["settings"], "refresh_interval": "-1"}
    client.indices.create(index=name, settings=loading, mappings=body["mappings"], aliases={building_alias_name(): {}})
    try:
        if before_load:
            before_load()
        conflicts = _bulk_load(name, batch_size=batch_size, progress=progress)
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
        index=name,
        previous=previous,
        counts=counts,
        seconds=seconds,
        conflicts=conflicts,
        reconciled=reconciled,
        stale=stale,
        started_at=started,
    )


def delete_stale_indices(client) -> list[str]:
    """Deletes this prefix's indices that the read alias does not point at (with the lock held, no
    rebuild is running: they were left by one that was killed), and their ``…-building`` alias."""
    live = set(indices_behind(alias_name()))
    existing = client.indices.get(index=index_pattern(), expand_wildcards="all", ignore_unavailable=True).body
    stale = sorted(set(existing) - live)
    for name in stale:
        client.indices.delete(index=name, ignore_unavailable=True)
        logger.warning("search index: deleted %s, left by a rebuild that did not finish", name)
    return stale


def _bulk_load(name: str, *, batch_size: int, progress) -> int:
    """Writes every public record into ``name``; returns how many were already there in a newer version."""
    lookups = Lookups()
    version = document_version()  # before the first read: a concurrent update's documents are newer
    sizes = AdaptiveBatchSize(size for size in {batch_size, *BATCH_SIZES} if size <= batch_size)

    def actions():
        for doc_type in DOCUMENTS:
            yield from prepared_documents(doc_type, lookups=lookups, chunk_size=batch_size)

    documents, conflicts = actions(), 0
    while chunk := list(islice(documents, sizes.current)):
        conflicts += _load_chunk(name, chunk, version, sizes)
        if progress:
            progress(len(chunk))
    return conflicts


def _load_chunk(name: str, chunk: list[tuple[str, dict]], version: int, sizes: AdaptiveBatchSize) -> int:
    """One bulk request of the load, retried (smaller, then again) while the engine is slow."""
    slow_attempts = 0
    while True:
        operations = []
        for doc_id, source in chunk:
            operations += [versioned("index", name, doc_id, version), source]
        try:
            items = write_client().bulk(operations=operations)["items"]
        except (TransportError, ApiError) as error:
            if not engine_is_slow(error):
                raise
            if len(chunk) > sizes.sizes[-1] and sizes.shrink():
                logger.warning("search index: a bulk request timed out; loading %d at a time", sizes.current)
                return sum(
                    _load_chunk(name, chunk[start : start + sizes.current], version, sizes)
                    for start in range(0, len(chunk), sizes.current)
                )
            slow_attempts += 1
            if slow_attempts >= REBUILD_SLOW_ATTEMPTS:
                raise SearchIndexError(
                    f"the engine did not accept {len(chunk)} documents within {write_timeout():.0f} s, "
                    f"{slow_attempts} times; the alias was not moved"
                ) from error
            time.sleep(min(2**slow_attempts, 30))
            continue
        sizes.succeeded()
        conflicts, errors = 0, []
        for item in items:
            detail = item["index"]
            if detail.get("status") == 409:
                conflicts += 1  # a concurrent update wrote a newer version: kept
            elif (error := _item_error(item)) is not None:
                errors.append(f"{detail.get('_id')}: {error}")
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
        version = document_version()
        wanted = {document_id(doc_type, pk) for pk in public_ids(doc_type)}
        prefix = f"{doc_type}-"
        in_index = {doc_id for doc_id in present if doc_id.startswith(prefix)}
        missing = {int(doc_id.removeprefix(prefix)) for doc_id in wanted - in_index}
        extra = in_index - wanted
        operations = [versioned("delete", name, doc_id, version) for doc_id in extra]
        for doc_id, source in prepared_documents(doc_type, missing):
            operations += [versioned("index", name, doc_id, version), source]
        if operations:
            client.bulk(operations=operations, refresh=True)
            fixes += len(extra) + len(missing)
    return fixes


def _check_counts(client, name: str) -> dict[str, int]:
    found = indexed_counts(client, name)
    expected = expected_counts()
    wrong = {t: (found.get(t, 0), n) for t, n in expected.items() if found.get(t, 0) != n}
    if wrong:
        details = ", ".join(f"{t}: {got} indexed, {want} in the database" for t, (got, want) in wrong.items())
        raise SearchIndexError(f"the new index does not match the database ({details}); the alias was not moved")
    return {t: found.get(t, 0) for t in expected}


def indexed_counts(client, index: str) -> dict[str, int]:
    """Documents per type in ``index`` (an index or the read alias)."""
    response = client.search(
        index=index, size=0, aggs={"types": {"terms": {"field": "doc_type", "size": 20}}}, track_total_hits=True
    )
    return {bucket["key"]: bucket["doc_count"] for bucket in response["aggregations"]["types"]["buckets"]}


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
    indexed = indexed_counts(client, alias) if live else {}
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
