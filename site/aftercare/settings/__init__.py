"""Settings by environment: ``dev`` (default of manage.py), ``test`` and ``production``."""
