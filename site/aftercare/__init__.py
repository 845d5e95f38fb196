"""The Django project of the After Care Network: settings, URLs, WSGI, site-wide pages."""
