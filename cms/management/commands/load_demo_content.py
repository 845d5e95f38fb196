"""``manage.py load_demo_content``: the demo directory and guidelines (idempotent; see cms/demo/content.py)."""

import logging
import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand

from cms.demo.content import load_demo_content


class Command(BaseCommand):
    help = (
        "Load the demo content: the network's organisations, 300+ sample services in every ambito and theme, "
        "one guideline per theme. Idempotent: only what is missing is created."
    )

    def handle(self, *args, verbosity, **options):
        started = time.monotonic()
        with quiet_loggers(enabled=verbosity < 2):
            counts = load_demo_content()
        elapsed = time.monotonic() - started
        if not any(vars(counts).values()):
            self.stdout.write(f"Demo content already loaded; nothing to do ({elapsed:.1f} s).")
            return
        self.stdout.write(
            f"Demo content: created {counts.organizations} organisations, {counts.locations} locations, "
            f"{counts.services} services and {counts.guidelines} guideline pages in {elapsed:.1f} s."
        )


@contextmanager
def quiet_loggers(*, enabled, names=("wagtail", "django_tasks")):
    """Wagtail logs every creation and publication: a thousand lines nobody reads during ``make run``."""
    loggers = [logging.getLogger(name) for name in names] if enabled else []
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
