"""``manage.py search_index``: rebuild the search index, show its status, retry pending updates.

manage.py search_index --rebuild             new index, bulk load, count check, alias swap; the pending
                                             updates it covered are done, the newer ones are written
manage.py search_index --status              indices, aliases, counts against the database, pending updates
manage.py search_index --process-pending     write the updates that are due (run it periodically)
manage.py search_index --process-pending --retry-now    ...including those waiting for their retry time
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from elastic_transport import TransportError
from elasticsearch import ApiError
from tqdm import tqdm

from search.index import SearchIndexError, alias_name, expected_counts, index_status, indices_behind, rebuild
from search.indexing import RebuildCoverage, pending_summary, process_pending


class Command(BaseCommand):
    help = "Rebuild the public search index, show its status, or write the pending index updates."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="Build a new index and swap the alias to it.")
        action.add_argument("--status", action="store_true", help="Indices, aliases, counts, pending updates.")
        action.add_argument("--process-pending", action="store_true", help="Write the index updates that are due.")
        parser.add_argument(
            "--retry-now", action="store_true", help="With --process-pending: do not wait for the retry time."
        )
        parser.add_argument(
            "--batch-size", type=int, default=200, help="Largest number of documents per bulk request (rebuild)."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (rebuild).")

    def handle(self, *args, rebuild: bool, status: bool, process_pending: bool, **options):
        try:
            if rebuild:
                self.rebuild(batch_size=options["batch_size"], progress=not options["no_progress"])
            elif status:
                self.status()
            else:
                self.process_pending(retry_now=options["retry_now"])
        except (TransportError, ApiError) as error:
            raise CommandError(f"The search engine did not answer: {type(error).__name__}: {error}") from error
        except SearchIndexError as error:
            raise CommandError(str(error)) from error

    def rebuild(self, *, batch_size, progress):
        total = sum(expected_counts().values())
        bar = tqdm(total=total, unit="doc", desc="Indexing", disable=not progress, file=self.stderr._out)
        covered = RebuildCoverage()
        with bar:
            report = rebuild(batch_size=batch_size, progress=bar.update, before_load=covered.snapshot)
        if report.stale:
            self.stdout.write(f"Deleted indices left by an interrupted rebuild: {', '.join(report.stale)}.")
        counts = ", ".join(f"{count} {doc_type}" for doc_type, count in report.counts.items())
        message = f"Built {report.index} ({counts}) in {report.seconds:.1f} s; alias {alias_name()} moved."
        self.stdout.write(self.style.SUCCESS(message))
        if report.previous:
            self.stdout.write(f"Deleted the previous index: {', '.join(report.previous)}.")
        if report.conflicts or report.reconciled:
            self.stdout.write(
                f"Changes made while it ran: {report.conflicts} newer documents kept, {report.reconciled} fixed."
            )
        # Updates queued before the rebuild read the database are in it; the newer ones are written now.
        covered.mark_done()
        self.process_pending(retry_now=True, quiet_when_empty=True, after_rebuild=True)

    def status(self):
        pending = pending_summary()
        write = self.stdout.write
        try:
            state = index_status()
        except (TransportError, ApiError) as error:
            write(self.style.ERROR(f"Search engine unreachable: {type(error).__name__}: {error}"))
            self.write_pending(pending)
            raise CommandError("The search engine did not answer.") from error
        write(f"Read alias: {state.alias} -> {', '.join(state.live_indices) or 'MISSING (run --rebuild)'}")
        if state.building:
            write(f"Being built: {', '.join(state.building)}")
        write("Indices:")
        for name, count in state.indices.items() or {"(none)": 0}.items():
            role = "live" if name in state.live_indices else "building" if name in state.building else "orphan"
            write(f"  {name}  {count} documents  [{role}]")
        write("Documents (index / database):")
        for doc_type, expected in state.expected.items():
            found = state.indexed.get(doc_type, 0)
            mark = "" if found == expected else "   <- differs"
            write(f"  {doc_type:<10} {found:>7} / {expected:<7}{mark}")
        if state.mapping_changes:
            write(self.style.WARNING("Mapping: the live index was built by another release (run --rebuild):"))
            for change in state.mapping_changes:
                write(f"  {change}")
        elif state.live_indices:
            write("Mapping: as this release builds it.")
        self.write_pending(pending)
        if state.in_sync and not pending.total:
            write(self.style.SUCCESS("In sync."))
        else:
            write(self.style.WARNING("Not in sync."))

    def write_pending(self, pending):
        write = self.stdout.write
        write(f"Pending updates: {pending.total} ({pending.failing} failing)")
        if pending.total:
            write(f"  oldest requested {timezone.localtime(pending.oldest):%Y-%m-%d %H:%M:%S}")
            write(f"  next attempt     {timezone.localtime(pending.next_attempt):%Y-%m-%d %H:%M:%S}")
        if pending.last_error:
            write(f"  last error: {pending.last_error[:300]}")

    def process_pending(self, *, retry_now, quiet_when_empty=False, after_rebuild=False):
        if not after_rebuild and not indices_behind(alias_name()):
            # The engine has no index (first start, or an in-memory engine restarted): build it.
            self.stdout.write(self.style.WARNING("No search index behind the alias: rebuilding it."))
            self.rebuild(batch_size=500, progress=False)
            return
        report = process_pending(retry_now=retry_now)
        if quiet_when_empty and not (report.written or report.failed):
            return
        self.stdout.write(f"Index updates: {report.written} written, {report.failed} failed, {report.remaining} left.")
        for error in report.errors:
            self.stderr.write(f"  {error}")
        if report.failed and after_rebuild:
            # The index is complete and checked; these updates came later and stay queued.
            self.stdout.write(self.style.WARNING("They are kept and will be retried by --process-pending."))
        elif report.failed:
            raise CommandError("Some index updates failed; they are kept and will be retried.")
