"""The larger directories of the API tests, for the HSDS query counts."""

from tests.cms.api.conftest import hundred_organizations, hundred_services

__all__ = ["hundred_organizations", "hundred_services"]
