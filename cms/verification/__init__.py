"""The verification cycle of the directory: when each record was last checked, the links e-mailed
to organisations to check their own records, and the reminders to editors.

- ``cycle``: what is due, and marking records verified.
- ``links``: issuing, reading, revoking the signed links, with their audit and rate limit.
- ``proposals``: changes proposed through a link become draft revisions in moderation.
- ``mail``: the periodic e-mails (``manage.py send_verification_requests``).
"""
