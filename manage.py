#!/usr/bin/env python
"""Django's command-line utility for the After Care Network.

The Django project package lives in site/aftercare/ (``site`` itself is a
standard-library module name and cannot be a package), so site/ goes on the
import path here, as in the WSGI entry point, pytest and gunicorn.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main():
    sys.path.insert(0, str(ROOT / "site"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftercare.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
