"""``manage.py catalogues``: regenerate, compile and check the interface translations (locale/).

    manage.py catalogues            # extract the strings of every language, compile, report what is missing
    manage.py catalogues --check    # only check: stale, incomplete or not compiled catalogues fail
    manage.py catalogues --compile  # only compile the .po files into .mo files (pure Python)

``make messages`` runs the first form. Extracting needs GNU gettext (``apt-get install gettext``);
compiling and checking need only Python. See locale/README.md.
"""

from django.core.management.base import BaseCommand, CommandError

from aftercare import catalogues


class Command(BaseCommand):
    help = "Regenerate, compile and check the interface translations in locale/."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check; change nothing.")
        parser.add_argument("--compile", action="store_true", help="Only compile the .po files into .mo files.")

    def handle(self, *args, check, compile, **options):
        if compile:
            for path in catalogues.compile_catalogues():
                self.stdout.write(f"compiled {path}")
            return
        if not catalogues.tools_available():
            raise CommandError("Extracting strings needs GNU gettext: apt-get install gettext")
        if not check:
            for path in catalogues.update_catalogues():
                self.stdout.write(f"updated {path}")
        problems = catalogues.problems()
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(
                f"{len(problems)} problem(s) in the catalogues: translate the empty entries in locale/<language>/"
                "LC_MESSAGES/django.po (and remove 'fuzzy' flags once reviewed), then run `make messages` again."
            )
        self.stdout.write(self.style.SUCCESS(f"{len(catalogues.locales())} catalogues complete and compiled."))
