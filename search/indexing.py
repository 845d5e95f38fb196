"""Keeping the index equal to the database: the outbox, and the task that drains it.

1. A change to a record calls ``request_update(doc_type, ids)`` (search/signals.py does it):
   one upsert into ``PendingIndexUpdate`` inside the change's own transaction.
2. After the transaction commits, the task ``process_index_updates`` is enqueued once per
   transaction (django-tasks: immediate in development and tests, the database backend and
   ``manage.py db_worker`` in production).
3. The task reads the rows that are due, builds their documents from the database as it is now
   (a record that is no longer public is deleted from the index), writes them in one bulk
   request, and deletes the rows it wrote, unless the record changed again meanwhile.
4. A timeout means the engine is slow, not down: the batch is retried at once in smaller
   requests (200, 50, 10 documents; they grow back after they succeed). Writes are versioned
   (search/index.py), so a retried batch the engine had already applied is harmless.
5. When the engine is down (refuses connections), keeps timing out on the smallest batch, or
   refuses a write, rows stay with a growing delay (10 s, 20 s... up to 15 minutes) and the
   error; ``manage.py search_index --process-pending`` (production's timer, and ``run_local``
   while it serves) and later tasks retry them. Only an engine that refused the connection opens
   the circuit: while it is known down, a new change does not try it at once, so publishing never
   waits for a search engine that is down. A slow engine is tried again by the next change.
"""

import logging
from dataclasses import asdict, dataclass, field
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from elastic_transport import TransportError
from elasticsearch import ApiError

from .documents import DOCUMENTS, Lookups, document_id
from .index import (
    BATCH_SIZES,
    AdaptiveBatchSize,
    document_version,
    engine_is_slow,
    prepared_documents,
    write_documents,
    write_timeout,
)
from .models import PendingIndexUpdate, retry_delay

logger = logging.getLogger(__name__)

# When the work runs inside a web request: one short request, no retry in smaller pieces.
INLINE_BATCH_SIZES = (50,)


def request_update(doc_type: str, ids) -> int:
    """Records that the documents of these records must be rewritten (or deleted); returns how many."""
    ids = {int(pk) for pk in ids if pk is not None}
    if not ids:
        return 0
    now = timezone.now()
    PendingIndexUpdate.objects.bulk_create(
        [
            PendingIndexUpdate(doc_type=doc_type, object_id=pk, requested_at=now, next_attempt_at=now)
            for pk in sorted(ids)
        ],
        update_conflicts=True,
        unique_fields=["doc_type", "object_id"],
        update_fields=["requested_at"],
        batch_size=500,
    )
    schedule_processing()
    return len(ids)


class _EnqueueAfterCommit:
    """Registered once per transaction; enqueues the processing task when the transaction commits."""

    def __init__(self):
        self.done = False

    def __call__(self):
        self.done = True
        process_index_updates.enqueue()


def schedule_processing() -> None:
    """Enqueues the processing task after the current transaction commits (once per transaction)."""
    if connection.in_atomic_block and any(
        isinstance(callback, _EnqueueAfterCommit) and not callback.done for _, callback, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_EnqueueAfterCommit(), robust=True)


@dataclass
class ProcessReport:
    written: int = 0
    failed: int = 0
    remaining: int = 0
    skipped_engine_down: bool = False
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def engine_known_down(now=None) -> bool:
    """True while earlier writes could not reach the engine and their retry time has not come yet.

    A document the engine refused does not count: it must not hold back every other update.
    """
    now = now or timezone.now()
    return PendingIndexUpdate.objects.filter(engine_unreachable=True, next_attempt_at__gt=now).exists()


def process_pending(
    *,
    retry_now: bool = False,
    skip_when_down: bool = False,
    limit: int | None = None,
    timeout: float | None = None,
    batch_sizes: tuple[int, ...] = BATCH_SIZES,
) -> ProcessReport:
    """Writes the due updates to the index, batch by batch, until none is due or the engine fails.

    ``retry_now`` ignores the backoff of failed rows (an operator's "try again now");
    ``skip_when_down`` returns at once while the engine is known to refuse connections (used
    after each commit, so that publishing never waits for an engine that is down). A batch that
    times out is tried again in the next smaller size; at the smallest size the rows are kept for
    a later attempt.
    """
    report = ProcessReport()
    if skip_when_down and not retry_now and engine_known_down():
        report.skipped_engine_down = True
        report.remaining = PendingIndexUpdate.objects.count()
        return report
    timeout = timeout or write_timeout()
    sizes = AdaptiveBatchSize(batch_sizes)
    processed_ids: set[int] = set()
    while limit is None or report.written + report.failed < limit:
        now = timezone.now()
        due = PendingIndexUpdate.objects.exclude(pk__in=processed_ids).order_by("requested_at", "pk")
        if not retry_now:
            due = due.filter(next_attempt_at__lte=now)
        rows = list(due[: sizes.current])
        if not rows:
            break
        outcome = _process_batch(rows, report, timeout=timeout, last_try=len(rows) <= sizes.sizes[-1])
        if outcome == "slow":
            if len(rows) > sizes.sizes[-1] and sizes.shrink():
                logger.info("search index: a write timed out; %d documents per request now", sizes.current)
                continue  # the same rows again, fewer at a time
            break
        processed_ids.update(row.pk for row in rows)
        if outcome == "down":
            break
        sizes.succeeded()
    report.remaining = PendingIndexUpdate.objects.count()
    return report


def _process_batch(rows: list[PendingIndexUpdate], report: ProcessReport, *, timeout: float, last_try: bool) -> str:
    """Writes one batch: "ok"; "slow" when it timed out (rows kept for a retry only if ``last_try``);
    "down" when the engine could not be reached (rows kept for a retry)."""
    documents: dict[str, dict | None] = {}
    unprepared: dict[str, str] = {}  # records whose document could not be built: kept, reported
    lookups = Lookups()
    version = document_version()  # before reading the records
    for doc_type in {row.doc_type for row in rows}:
        ids = [row.object_id for row in rows if row.doc_type == doc_type]
        if doc_type not in DOCUMENTS:
            continue
        found = _prepare(doc_type, ids, lookups, unprepared)
        for pk in ids:
            doc_id = document_id(doc_type, pk)
            if doc_id not in unprepared:
                documents[doc_id] = found.get(doc_id)  # None: not public (any more), delete it
    try:
        result = write_documents(documents, version=version, timeout=timeout)
    except (TransportError, ApiError) as error:
        message = f"{type(error).__name__}: {error}"
        slow = engine_is_slow(error)
        if slow and not last_try:
            return "slow"
        errors = {document_id(row.doc_type, row.object_id): message for row in rows}
        _mark_failed(rows, errors, engine_unreachable=not slow)
        report.failed += len(rows)
        report.errors.append(message)
        logger.warning("search index: %d updates kept for retry, the engine failed: %s", len(rows), message)
        return "slow" if slow else "down"
    unknown = [row for row in rows if row.doc_type not in DOCUMENTS]
    done = [row for row in rows if document_id(row.doc_type, row.object_id) in result.written] + unknown
    errors = result.errors | unprepared
    failed = [row for row in rows if document_id(row.doc_type, row.object_id) in errors]
    _delete_unchanged(done)
    report.written += len(done)
    if failed:
        _mark_failed(failed, errors, engine_unreachable=False)
        report.failed += len(failed)
        report.errors += sorted(set(errors.values()))[:5]
        logger.warning("search index: %d updates not written, kept for retry", len(failed))
    return "ok"


def _prepare(doc_type: str, ids: list[int], lookups: Lookups, unprepared: dict[str, str]) -> dict[str, dict]:
    """The documents of ``ids``; when building them fails, one record at a time, so that one record
    this code cannot turn into a document (a bug, or data it does not expect) does not hold back the
    others. The failing ones go into ``unprepared`` with the error, and stay in the queue."""
    try:
        return dict(prepared_documents(doc_type, ids, lookups=lookups))
    except Exception:  # any bug in a document's preparation: find the record(s) below
        logger.warning("search index: building %d %s documents failed; one at a time now", len(ids), doc_type)
    found = {}
    for pk in ids:
        try:
            found.update(prepared_documents(doc_type, [pk], lookups=lookups))
        except Exception as error:  # this record's update stays in the queue, with the error
            logger.exception("search index: cannot build the document of %s %s", doc_type, pk)
            unprepared[document_id(doc_type, pk)] = f"cannot build the document: {type(error).__name__}: {error}"
    return found


def _delete_unchanged(rows: list[PendingIndexUpdate]) -> None:
    """Deletes the rows that were written, except those whose record changed again meanwhile."""
    for start in range(0, len(rows), 100):
        chunk = rows[start : start + 100]
        if chunk:
            PendingIndexUpdate.objects.filter(
                reduce(or_, (Q(pk=row.pk, requested_at=row.requested_at) for row in chunk))
            ).delete()


def _mark_failed(rows: list[PendingIndexUpdate], errors: dict[str, str], *, engine_unreachable: bool) -> None:
    now = timezone.now()
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + retry_delay(row.attempts)
        row.last_error = errors.get(document_id(row.doc_type, row.object_id), "")[:2000]
        row.engine_unreachable = engine_unreachable
    PendingIndexUpdate.objects.bulk_update(
        rows, ["attempts", "next_attempt_at", "last_error", "engine_unreachable"], batch_size=500
    )
    _schedule_retry()


def _schedule_retry() -> None:
    """With a backend that can defer tasks (the database backend), the retry is queued for its time."""
    backend = process_index_updates.get_backend()
    if not backend.supports_defer:
        return
    next_due = PendingIndexUpdate.objects.aggregate(next=Min("next_attempt_at"))["next"]
    if next_due:
        process_index_updates.using(run_after=next_due).enqueue()


def runs_inline() -> bool:
    """True when tasks run inside the request that enqueued them (the immediate backend of development)."""
    return isinstance(process_index_updates.get_backend(), ImmediateBackend)


@task()
def process_index_updates() -> dict:
    """The background task: writes the pending index updates (never raises).

    Run inline (development, tests), one short request within SEARCH_INLINE_WRITE_TIMEOUT_SECONDS:
    what it cannot write stays for the next drain (``search_index --process-pending``).
    """
    inline = runs_inline()
    try:
        return process_pending(
            skip_when_down=True,
            timeout=settings.SEARCH_INLINE_WRITE_TIMEOUT_SECONDS if inline else write_timeout(),
            batch_sizes=INLINE_BATCH_SIZES if inline else BATCH_SIZES,
        ).as_dict()
    except Exception:  # the outbox keeps the rows: a later run retries them
        logger.exception("search index: processing the pending updates failed")
        return ProcessReport(errors=["unexpected error, see the log"]).as_dict()


class RebuildCoverage:
    """The pending updates a rebuild makes unnecessary: those committed before it read the database.

    ``snapshot()`` (called by the rebuild just before it reads) notes them; ``mark_done()``
    (after the alias moved) deletes those that did not change again meanwhile.
    """

    def __init__(self):
        self.rows: list[PendingIndexUpdate] = []

    def snapshot(self) -> None:
        self.rows = list(PendingIndexUpdate.objects.only("pk", "requested_at"))

    def mark_done(self) -> int:
        _delete_unchanged(self.rows)
        return len(self.rows)


@dataclass
class PendingSummary:
    total: int
    failing: int
    oldest: object
    next_attempt: object
    last_error: str


def pending_summary() -> PendingSummary:
    rows = PendingIndexUpdate.objects
    failing = rows.filter(attempts__gt=0)
    latest_failure = failing.order_by("-next_attempt_at").values_list("last_error", flat=True).first()
    aggregates = rows.aggregate(oldest=Min("requested_at"), next_attempt=Min("next_attempt_at"))
    return PendingSummary(
        total=rows.count(),
        failing=failing.count(),
        oldest=aggregates["oldest"],
        next_attempt=aggregates["next_attempt"],
        last_error=latest_failure or "",
    )
