"""Open Referral HSDS 3.0 read API under /hsds/: the directory as HSDS, one language per response.

- ``mapping``: directory records to HSDS objects (ids are the records' UUIDs, never changing).
- ``views``, ``urls``: the endpoints; ``openapi``: their OpenAPI description from the HSDS schemas.
- ``schemas/``: the HSDS 3.0 JSON Schemas (CC BY-SA 4.0, see schemas/README.md).
"""
