"""WSGI entry point for gunicorn: ``gunicorn --chdir site aftercare.wsgi`` or deploy/gunicorn.conf.py.

It defaults to production settings: a server never falls back to development.
"""

import os
import sys
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent.parent
if str(SITE_DIR) not in sys.path:
    sys.path.insert(0, str(SITE_DIR))
REPO_ROOT = SITE_DIR.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftercare.settings.production")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
