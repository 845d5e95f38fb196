"""OpenAPI description of the HSDS endpoints, built from the HSDS 3.0 JSON Schemas in schemas/.

The HSDS schemas become components (``HSDSService``, ``HSDSLocation``…): the keywords OpenAPI 3.0
knows are kept (type, format, description, enum, properties, items, required), the Open Referral
extensions (``core``, ``constraints``, ``datapackage_*``…) are left out, and relative ``$ref``s point
to the matching component. List items use the compiled ``*_list.json`` shapes. A postprocessing
hook adds the components to any description whose paths refer to them.
"""

import json
from functools import cache
from pathlib import Path

from drf_spectacular.utils import OpenApiParameter

from ..api.openapi import PublicReadSchema

SCHEMAS = Path(__file__).resolve().parent / "schemas"
COMPONENT_PREFIX = "HSDS"
OPENAPI_KEYWORDS = {"type", "format", "description", "title", "enum", "properties", "items", "required"}
LIST_ITEMS = {
    "HSDSServiceListItem": "service_list.json",
    "HSDSOrganizationListItem": "organization_list.json",
    "HSDSServiceAtLocationListItem": "service_at_location_list.json",
}
PAGE_PROPERTIES = {
    "total_items": {"type": "integer", "description": "Number of records matching, on all pages."},
    "total_pages": {"type": "integer", "description": "Number of pages."},
    "page_number": {"type": "integer", "description": "This page's number, from 1."},
    "size": {"type": "integer", "description": "Number of records on this page."},
    "first_page": {"type": "boolean"},
    "last_page": {"type": "boolean"},
    "empty": {"type": "boolean", "description": "True when this page has no records."},
}


def component_name(filename: str) -> str:
    stem = filename.removesuffix(".json")
    return COMPONENT_PREFIX + "".join(part.capitalize() for part in stem.split("_"))


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def to_openapi(schema):
    """An HSDS JSON Schema fragment as an OpenAPI 3.0 schema object."""
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return ref(component_name(schema["$ref"]))
    converted = {}
    for key, value in schema.items():
        if key not in OPENAPI_KEYWORDS:
            continue
        if key == "properties":
            converted[key] = {name: to_openapi(sub) for name, sub in value.items()}
        elif key == "items":
            converted[key] = to_openapi(value)
        else:
            converted[key] = value
    return converted


def load(relative: str) -> dict:
    return json.loads((SCHEMAS / relative).read_text(encoding="utf-8"))


@cache
def hsds_components() -> dict[str, dict]:
    components = {}
    for path in sorted(SCHEMAS.glob("*.json")):
        components[component_name(path.name)] = to_openapi(load(path.name))
    for name, filename in LIST_ITEMS.items():
        components[name] = to_openapi(load(f"compiled/{filename}"))
    return components


def add_hsds_components(result, generator, request, public):
    """drf-spectacular postprocessing hook: adds the HSDS components when some path refers to them."""
    if f"#/components/schemas/{COMPONENT_PREFIX}" in json.dumps(result.get("paths", {}), default=str):
        result.setdefault("components", {}).setdefault("schemas", {}).update(hsds_components())
    return result


# --- Responses -----------------------------------------------------------------------------------


def list_response(item_component: str) -> dict:
    return {
        "type": "object",
        "description": "An HSDS page of results.",
        "properties": {**PAGE_PROPERTIES, "contents": {"type": "array", "items": ref(item_component)}},
        "required": [*PAGE_PROPERTIES, "contents"],
    }


def detail_response(component: str) -> dict:
    return ref(component)


def root_response() -> dict:
    return {
        "type": "object",
        "properties": {
            "version": {"type": "string", "description": "HSDS version of this API.", "example": "3.0"},
            "profile": {"type": "string", "format": "uri", "description": "The HSDS profile (base HSDS 3.0)."},
            "openapi_url": {"type": "string", "format": "uri", "description": "This API's OpenAPI description."},
        },
        "required": ["version", "profile", "openapi_url"],
    }


class HSDSSchema(PublicReadSchema):
    """Adds the declared filters and HSDS paging of list views."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        get_params = getattr(self.view, "get_params", None)
        if get_params is not None:
            parameters += [param.openapi() for param in get_params()]
            parameters += [
                OpenApiParameter("page", int, OpenApiParameter.QUERY, description="Page number, from 1.", default=1),
                OpenApiParameter(
                    "per_page", int, OpenApiParameter.QUERY, description="Records per page, 1 to 100.", default=50
                ),
            ]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if "{" in self.path:
            responses["404"]["description"] = "No published record has this id."
        return responses
