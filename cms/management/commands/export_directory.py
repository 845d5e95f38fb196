"""``manage.py export_directory FILE.xlsx|FILE.csv``: the directory in the import's format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.spreadsheet import export_directory, write_spreadsheet


class Command(BaseCommand):
    help = "Write every service (with its organisation and address) to a spreadsheet that import_directory reads."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Where to write: .xlsx or .csv (UTF-8).")

    def handle(self, *args, file, **options):
        if file.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("The file name must end in .xlsx or .csv.")
        rows = export_directory()
        file.write_bytes(write_spreadsheet(rows, file.name))
        self.stdout.write(f"Wrote {len(rows)} services to {file}.")
