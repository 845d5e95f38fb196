"""``manage.py import_directory FILE.xlsx|FILE.csv [--dry-run]``: see cms/spreadsheet/importing.py."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tqdm import tqdm

from cms.spreadsheet import import_directory


class Command(BaseCommand):
    help = (
        "Import services, their organisations and addresses from a spreadsheet (.xlsx or .csv). The whole file "
        "is checked first; with any error nothing is written and every bad cell is listed. Rows are matched by "
        "external_id: importing again updates, never duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The spreadsheet: .xlsx (first sheet) or .csv (UTF-8).")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, write nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs and cron).")

    def handle(self, *args, file, dry_run, no_progress, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")

        def progress(iterable, **kwargs):
            return tqdm(iterable, disable=no_progress, file=self.stderr._out, **kwargs)

        result = import_directory(data=file.read_bytes(), filename=file.name, dry_run=dry_run, progress=progress)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(result.errors)} problem(s) in {file.name}: nothing was written. Correct them and import again."
            )
        verb = "Would create" if dry_run else "Created"
        created = ", ".join(f"{n} {kind}(s)" for kind, n in sorted(result.created.items())) or "nothing"
        updated = ", ".join(f"{n} {kind}(s)" for kind, n in sorted(result.updated.items())) or "nothing"
        self.stdout.write(
            f"{result.rows} rows checked. {verb} {created}; {'would update' if dry_run else 'updated'} "
            f"{updated}; {result.unchanged} service(s) unchanged."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
