"""The headless JSON API of the directory and the guidelines (read-only, public).

- ``languages``: which language a response is in (``?lang=``, ``Accept-Language``, Italian).
- ``translated``: per-field fallback to Italian, and which fields fell back.
- ``http``: ETag, Last-Modified (cms/content_version.py), conditional GET and Cache-Control for public reads.
- ``params``: strict parsing of query parameters (filters) with 400s that name the parameter.
- ``pagination``, ``serializers``, ``selectors``, ``views``: the directory endpoints under /api/directory/.
- ``pages``: the Wagtail API v2 pages endpoint under /api/v2/pages/, with ``?lang=``.
- ``openapi``: drf-spectacular hooks (public endpoints only, the Wagtail pages endpoint described).
"""
