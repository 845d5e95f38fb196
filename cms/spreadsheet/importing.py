"""Importing the directory spreadsheet: validate the whole file, then write everything or nothing.

``import_directory()`` reads the file, checks every row (and reports every bad cell with its row
number, its column and a message a person understands), and only when no row has an error
writes the records in one transaction. Records are created, changed and published through
Wagtail's actions (model saves, revisions, the ``published`` signal), exactly as from the admin,
so the search index, the audit log and the date of the public content (``Last-Modified`` of the
APIs, recorded in the same transaction) follow. A row identical to the record changes nothing:
importing the same file twice, or importing what ``export_directory()`` wrote, writes nothing.
"""

import difflib
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction
from wagtail.locks import WorkflowLock

from ..content_version import record_content_change
from ..languages import content_languages, localized
from ..models import (
    Location,
    Municipality,
    Organization,
    Service,
    ServiceAtLocation,
    SpokenLanguage,
    TargetGroup,
    Theme,
)
from ..permissions import editor_scope, linkable_organizations, user_may_edit_record
from ..slugs import unique_slug
from .columns import (
    LIST_SEPARATOR,
    REQUIRED_COLUMNS,
    TRANSLATED_LOCATION_FIELDS,
    TRANSLATED_SERVICE_FIELDS,
    all_columns,
    column_letter,
)
from .reading import SpreadsheetError, read_spreadsheet

COST_ALIASES = {
    "free": Service.Cost.FREE,
    "gratuito": Service.Cost.FREE,
    "gratis": Service.Cost.FREE,
    "reduced": Service.Cost.REDUCED,
    "ridotto": Service.Cost.REDUCED,
    "paid": Service.Cost.PAID,
    "a pagamento": Service.Cost.PAID,
    "pagamento": Service.Cost.PAID,
}
SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` as the spreadsheet numbers it (1 = the header), ``column`` by its name."""

    row: int
    column: str
    message: str
    letter: str = ""

    def __str__(self):
        if self.column:
            where = _("Row %(row)s, column %(column)s") % {
                "row": self.row,
                "column": f"{self.letter} ({self.column})" if self.letter else self.column,
            }
        else:
            where = _("Row %(row)s") % {"row": self.row} if self.row else _("File")
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: int = 0
    rows: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run and bool(self.created or self.updated)


@dataclass
class PlannedRow:
    """A valid row and what it will do to the database."""

    number: int
    key: str
    organization_key: tuple
    organization: Organization | None
    organization_name: str
    organization_kind: str
    municipality: Municipality
    service: Service | None
    location: Location | None
    service_values: dict
    location_values: dict | None
    themes: list
    target_groups: list
    languages: list


def _normalise(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return value.quantize(SIX_PLACES)
    if isinstance(value, str):
        return value.strip()
    return value


class _Lookups:
    """Everything a row refers to, loaded once for the whole file (a fixed number of queries)."""

    def __init__(self, keys):
        self.comuni = {m.istat_code: m for m in Municipality.objects.all()}
        self.themes = {t.code: t for t in Theme.objects.all()}
        self.target_groups = {t.code: t for t in TargetGroup.objects.all()}
        self.languages = {lang.code: lang for lang in SpokenLanguage.objects.all()}
        self.organizations = {}  # names are not unique: every organisation of each name
        for organization in Organization.objects.select_related("municipality").order_by("pk"):
            self.organizations.setdefault(organization.name.strip().casefold(), []).append(organization)
        uuids = []
        for key in keys:
            try:
                uuids.append(uuid.UUID(key))
            except ValueError:
                continue
        services = Service.objects.filter(external_id__in=keys) | Service.objects.filter(uuid__in=uuids)
        services = services.select_related("organization").prefetch_related(
            "themes", "target_groups", "languages_spoken", "service_at_locations__location"
        )
        self.services = {}
        for service in services:
            self.services[service.external_id or ""] = service
            self.services[str(service.uuid)] = service
        self.services.pop("", None)
        self.locations = {loc.external_id: loc for loc in Location.objects.filter(external_id__in=keys)}


class _RowChecker:
    """Turns one row of text into a :class:`PlannedRow`, collecting every error of the row."""

    def __init__(self, number, values, letters, lookups, user):
        self.number, self.values, self.letters, self.lookups, self.user = number, values, letters, lookups, user
        self.errors: list[RowError] = []

    def error(self, column, message):
        self.errors.append(RowError(self.number, column, message, self.letters.get(column, "")))

    def text(self, column, max_length=None):
        value = self.values.get(column, "").strip()
        if max_length and len(value) > max_length:
            self.error(
                column,
                _("Too long: %(length)s characters, at most %(max)s.") % {"length": len(value), "max": max_length},
            )
        return value

    def required(self, column, max_length=None):
        value = self.text(column, max_length)
        if not value:
            self.error(column, _("Required: this cell is empty."))
        return value

    def codes(self, column, known, what, *, required=False):
        raw = self.text(column)
        codes = [code.strip() for code in raw.split(LIST_SEPARATOR) if code.strip()]
        if required and not codes:
            self.error(column, _("Required: write at least one %(what)s code.") % {"what": what})
        unknown = [code for code in codes if code not in known and code.lower() not in known]
        if unknown:
            self.error(
                column,
                _("Unknown %(what)s code(s): %(unknown)s. Known codes: %(known)s (separate them with ;).")
                % {"what": what, "unknown": ", ".join(unknown), "known": ", ".join(sorted(known))},
            )
            return []
        return [known.get(code) or known[code.lower()] for code in dict.fromkeys(codes)]

    def coordinate(self, column, limit):
        raw = self.text(column).replace(",", ".")
        if not raw:
            return None
        try:
            value = Decimal(raw).quantize(SIX_PLACES)
        except InvalidOperation:
            self.error(column, _("Not a number: “%(value)s”. Write it like 45.8566.") % {"value": raw})
            return None
        if not -limit <= value <= limit:
            self.error(column, _("Out of range: it must lie between -%(limit)s and %(limit)s.") % {"limit": limit})
            return None
        return value

    def check(self) -> PlannedRow | None:
        lookups = self.lookups
        key = self.required("external_id", 100)
        organization_name = self.required("organization", 200)
        istat = self.required("comune_istat")
        if istat.isdigit() and len(istat) < 6:
            istat = istat.zfill(6)  # a spreadsheet dropped the leading zero: 97042 -> 097042
        municipality = lookups.comuni.get(istat) if istat else None
        if istat and municipality is None:
            self.error(
                "comune_istat",
                _("No comune of the network has the ISTAT code “%(code)s” (six digits, e.g. 097042 for Lecco).")
                % {"code": istat},
            )

        service = lookups.services.get(key) if key else None
        existing_organization = self.organization(organization_name, service)
        kind = self.text("organization_kind")
        kinds = {value: value for value in Organization.Kind.values} | {
            str(label).casefold(): value for value, label in Organization.Kind.choices
        }
        if kind and kind.casefold() not in kinds and kind not in kinds:
            self.error(
                "organization_kind",
                _("Unknown kind “%(kind)s”. Use one of: %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(Organization.Kind.values)},
            )
            kind = ""
        elif kind:
            kind = kinds.get(kind) or kinds[kind.casefold()]
        elif existing_organization is None and organization_name and not self.errors_in("organization"):
            self.error(
                "organization_kind",
                _("“%(name)s” is a new organisation: say its kind (%(kinds)s).")
                % {"name": organization_name, "kinds": ", ".join(Organization.Kind.values)},
            )

        service_values = {}
        for language in content_languages():
            for name in TRANSLATED_SERVICE_FIELDS:
                column = localized(name, language)
                max_length = 200 if name == "name" else None
                if language == "it" and name in ("name", "description"):
                    service_values[column] = self.required(column, max_length)
                else:
                    service_values[column] = self.text(column, max_length) or None
        cost_text = self.text("cost").casefold()
        if cost_text and cost_text not in COST_ALIASES:
            self.error("cost", _("Unknown cost “%(value)s”. Use free, reduced or paid.") % {"value": cost_text})
        service_values["cost"] = COST_ALIASES.get(cost_text, Service.Cost.FREE)
        for column in ("phone", "email", "website"):
            service_values[column] = self.text(column)
        if service_values["email"]:
            try:
                EmailValidator()(service_values["email"])
            except ValidationError:
                self.error("email", _("Not an e-mail address: “%(value)s”.") % {"value": service_values["email"]})
        if service_values["website"]:
            try:
                URLValidator(schemes=["http", "https"])(service_values["website"])
            except ValidationError:
                self.error(
                    "website",
                    _("Not a web address: write it in full, starting with https:// (“%(value)s”).")
                    % {"value": service_values["website"]},
                )

        themes = self.codes("themes", lookups.themes, _("theme"), required=True)
        target_groups = self.codes("target_groups", lookups.target_groups, _("target group"))
        languages = self.codes("languages_spoken", lookups.languages, _("language"))

        address = self.text("address", 255)
        location_values = None
        latitude = self.coordinate("latitude", 90)
        longitude = self.coordinate("longitude", 180)
        if (latitude is None) != (longitude is None) and not self.errors_in("latitude", "longitude"):
            self.error("longitude" if longitude is None else "latitude", _("Give both coordinates, or neither."))
        cap = self.text("cap")
        if cap and (not cap.isdigit() or len(cap) != 5):
            self.error("cap", _("A CAP has five digits (e.g. 23900)."))
        hours = {}
        for language in content_languages():
            for name in TRANSLATED_LOCATION_FIELDS:
                column = localized(name, language)
                hours[column] = self.text(column) or None
        if address:
            location_values = {
                "address": address,
                "municipality": municipality,
                "cap": cap or (municipality.cap if municipality else ""),
                "latitude": latitude if latitude is not None else (municipality.latitude if municipality else None),
                "longitude": longitude if longitude is not None else (municipality.longitude if municipality else None),
                **hours,
            }
        elif any([cap, latitude, longitude, *hours.values()]):
            self.error("address", _("The address is empty but the row has a CAP, coordinates or opening hours."))

        location = None
        if service is not None:
            links = [link.location for link in service.service_at_locations.all()]
            location = next((loc for loc in links if loc.external_id == key), links[0] if links else None)
        if location is None and key:
            location = lookups.locations.get(key)

        self.check_permissions(municipality, service, location)
        if existing_organization is not None:
            self.check_organization_permissions(existing_organization, kind, service, location, location_values)
        if self.errors:
            return None
        planned = PlannedRow(
            number=self.number,
            key=key,
            organization_key=("existing", existing_organization.pk)
            if existing_organization is not None
            else ("new", organization_name.casefold()),
            organization=existing_organization,
            organization_name=organization_name,
            organization_kind=kind,
            municipality=municipality,
            service=service,
            location=location,
            service_values=service_values,
            location_values=location_values,
            themes=themes,
            target_groups=target_groups,
            languages=languages,
        )
        self.check_models(planned, existing_organization)
        return None if self.errors else planned

    def organization(self, name, service):
        """The existing organisation the row names, or None for a new one.

        Names are not unique: the service's own organisation when it has that name, else the only
        organisation with that name; a name shared by several organisations is an error.
        """
        candidates = self.lookups.organizations.get(name.casefold(), []) if name else []
        if service is not None:
            current = next((o for o in candidates if o.pk == service.organization_id), None)
            if current is not None:
                return current
        if len(candidates) > 1:
            self.error(
                "organization",
                _(
                    "Several organisations are called “%(name)s”: %(organizations)s. "
                    "Rename one of them in the admin, then import again."
                )
                % {
                    "name": name,
                    "organizations": ", ".join(f"{o.slug} ({o.municipality.name})" for o in candidates),
                },
            )
            return None
        return candidates[0] if candidates else None

    def errors_in(self, *columns):
        return any(error.column in columns for error in self.errors)

    def check_models(self, planned, organization):
        """The model's own validation (formats, lengths) on the record as it would be saved."""
        service = Service(organization=organization, **planned.service_values)
        self._model_errors(service, exclude={"organization"})
        if planned.location_values:
            location = Location(organization=organization, name="-", **planned.location_values)
            self._model_errors(location, exclude={"organization"})

    def _model_errors(self, instance, exclude):
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            known = set(all_columns())
            for name, messages in error.message_dict.items():
                column = name if name in known else ""
                for message in messages:
                    self.error(column, message)

    def check_editorial_state(self, record, column):
        """The import publishes on top of the live record: it must have no lock, draft or moderation."""
        in_moderation = record.workflow_in_progress
        lock = record.get_lock()
        if lock is not None and not isinstance(lock, WorkflowLock) and (self.user is None or lock.for_user(self.user)):
            self.error(
                column, _("%(record)s is locked in the admin: unlock it, then import again.") % {"record": record}
            )
        if in_moderation:
            self.error(
                column,
                _(
                    "%(record)s is in moderation: approve or reject it in the admin (or cancel the workflow), "
                    "then import again."
                )
                % {"record": record},
            )
        elif record.has_unpublished_changes:
            self.error(
                column,
                _(
                    "%(record)s has unpublished changes (a draft) that the import would discard: "
                    "publish or discard the draft in the admin, then import again."
                )
                % {"record": record},
            )

    def check_permissions(self, municipality, service, location):
        for record in (service, location):
            if record is not None:
                self.check_editorial_state(record, "external_id")
        if self.user is None:
            return
        scope = editor_scope(self.user)
        if municipality and not scope.covers({municipality.ambito_id}):
            self.error("comune_istat", _("You may import only services in the comuni of your ambito."))
        for record in (service, location):
            if record is not None and not user_may_edit_record(self.user, record):
                self.error("external_id", _("%(record)s belongs to another ambito.") % {"record": record})

    def check_organization_permissions(self, organization, kind, service, location, location_values):
        """What the row does to an existing organisation: change its kind, attach records to it."""
        if kind and kind != organization.kind:
            self.check_editorial_state(organization, "organization_kind")
            if self.user is not None and not user_may_edit_record(self.user, organization):
                self.error(
                    "organization_kind",
                    _(
                        "You may not change the kind of “%(name)s”: it belongs to another ambito. "
                        "Leave the cell empty or write its kind, %(kind)s."
                    )
                    % {"name": organization.name, "kind": organization.kind},
                )
        if self.user is None:
            return
        new_location = location is None and location_values is not None
        attaches = service is None or service.organization_id != organization.pk or new_location
        if attaches and not linkable_organizations(Organization.objects.filter(pk=organization.pk), self.user).exists():
            self.error(
                "organization",
                _(
                    "You may not add services or addresses to “%(name)s”: it belongs to another ambito "
                    "and does not say it works in yours."
                )
                % {"name": organization.name},
            )
        has_locations = new_location or (service is not None and service.service_at_locations.all())
        if attaches and not has_locations and not user_may_edit_record(self.user, organization):
            self.error(
                "address",
                _(
                    "Without an address the service lies in the seat of “%(name)s”, outside your ambito: "
                    "give its address."
                )
                % {"name": organization.name},
            )


def check_header(header: list[str]) -> list[RowError]:
    errors = []
    known = all_columns()
    seen = set()
    for index, name in enumerate(header):
        letter = column_letter(index)
        if not name:
            continue
        if name in seen:
            errors.append(RowError(1, name, _("This column appears twice."), letter))
        seen.add(name)
        if name not in known:
            suggestion = difflib.get_close_matches(name, known, n=1)
            hint = _(" Did you mean “%(name)s”?") % {"name": suggestion[0]} if suggestion else ""
            errors.append(RowError(1, name, _("Unknown column.") + hint, letter))
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(RowError(1, name, _("This required column is missing.")))
    return errors


def _identity(iterable, **kwargs):
    return iterable


def import_directory(*, data: bytes, filename: str, user=None, dry_run=False, progress=_identity) -> ImportResult:
    """Validates the whole spreadsheet; with no error (and not ``dry_run``) writes it in one transaction.

    ``user``: whose ambito scope limits the rows (the admin page); None for the command line.
    ``progress``: wraps the row iterations (tqdm on the command line).
    """
    result = ImportResult(dry_run=dry_run)
    try:
        sheet = read_spreadsheet(data, filename)
    except SpreadsheetError as error:
        result.errors.append(RowError(0, "", str(error)))
        return result
    result.rows = len(sheet.rows)
    result.errors += check_header(sheet.header)
    if result.errors:
        return result
    if not sheet.rows:
        result.errors.append(RowError(2, "", _("The file has no rows under the header.")))
        return result

    letters = {name: column_letter(index) for index, name in enumerate(sheet.header)}
    keys = [values.get("external_id", "").strip() for _number, values in sheet.rows]
    lookups = _Lookups([key for key in keys if key])
    first_row_of_key = {}
    plans = []
    for number, values in progress(sheet.rows, desc=_("Checking"), unit=" rows"):
        checker = _RowChecker(number, values, letters, lookups, user)
        planned = checker.check()
        key = values.get("external_id", "").strip()
        if key and key in first_row_of_key:
            checker.error(
                "external_id",
                _("“%(key)s” is already used in row %(row)s: each row needs its own external_id.")
                % {"key": key, "row": first_row_of_key[key]},
            )
            planned = None
        first_row_of_key.setdefault(key, number)
        result.errors += checker.errors
        if planned is not None:
            plans.append(planned)
    result.errors += _check_organization_kinds(plans, letters)
    if result.errors:
        return result
    writer = _Writer(user=user, result=result, write=not dry_run)
    try:
        with transaction.atomic():
            writer.apply(plans, progress)
            if result.written:
                # The saves have recorded it already; recorded again just before the commit, the date is
                # later than any response served while the import ran (see cms/content_version.py).
                record_content_change()
    except (ValidationError, PermissionDenied) as error:  # a rule the row checks missed: nothing is written
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        result.errors.append(RowError(0, "", "; ".join(messages)))
        result.created.clear()
        result.updated.clear()
        result.unchanged = 0
    return result


def _check_organization_kinds(plans, letters) -> list[RowError]:
    """One organisation, one kind: rows naming the same organisation must not disagree."""
    errors, kinds = [], {}
    for plan in plans:
        if not plan.organization_kind:
            continue
        first = kinds.setdefault(plan.organization_key, (plan.organization_kind, plan.number))
        if first[0] != plan.organization_kind:
            errors.append(
                RowError(
                    plan.number,
                    "organization_kind",
                    _("Row %(row)s gives “%(name)s” the kind “%(kind)s”: an organisation has one kind.")
                    % {"row": first[1], "name": plan.organization_name, "kind": first[0]},
                    letters.get("organization_kind", ""),
                )
            )
    return errors


# --- Writing -----------------------------------------------------------------------------------


def _changed(instance, values) -> bool:
    return any(_normalise(getattr(instance, name)) != _normalise(value) for name, value in values.items())


def _ids(related) -> set:
    return {item.pk for item in related.all()}


class _Writer:
    """Applies the planned rows through Wagtail's actions; with ``write=False`` only counts what it would do."""

    def __init__(self, *, user, result, write):
        self.user, self.result, self.write = user, result, write
        self.organizations = {}

    def create(self, instance, kind):
        self.result.created[kind] += 1
        if not self.write:
            return instance
        action = CreateAction(instance, user=self.user, publish=True)
        return action.execute(skip_permission_checks=self.user is None)

    def edit(self, instance, kind):
        self.result.updated[kind] += 1
        if not self.write:
            return instance
        action = EditAction(instance, user=self.user, publish=True)
        return action.execute(skip_permission_checks=self.user is None)

    def organization(self, plan):
        key = plan.organization_key
        if key in self.organizations:
            return self.organizations[key]
        organization = plan.organization
        if organization is None:
            organization = self.create(
                Organization(
                    name=plan.organization_name,
                    slug=unique_slug(Organization, plan.organization_name),
                    kind=plan.organization_kind,
                    municipality=plan.municipality,
                ),
                "organization",
            )
        elif plan.organization_kind and organization.kind != plan.organization_kind:
            organization.kind = plan.organization_kind
            organization = self.edit(organization, "organization")
        self.organizations[key] = organization
        return organization

    def location(self, plan, organization):
        if plan.location_values is None:
            return None
        location = plan.location
        if location is None:
            name = f"{organization.name} – {plan.location_values['address']}"[:200]
            location = Location(organization=organization, name=name, external_id=plan.key, **plan.location_values)
            return self.create(location, "location")
        if _changed(location, plan.location_values):
            for name, value in plan.location_values.items():
                setattr(location, name, value)
            location = self.edit(location, "location")
        return location

    def service(self, plan, organization, location):
        service = plan.service
        if service is None:
            service = Service(organization=organization, external_id=plan.key, **plan.service_values)
            _set_relations(service, plan, location)
            self.create(service, "service")
            return
        linked = {link.location_id for link in service.service_at_locations.all()}
        relations_changed = (
            _ids(service.themes) != {t.pk for t in plan.themes}
            or _ids(service.target_groups) != {t.pk for t in plan.target_groups}
            or _ids(service.languages_spoken) != {lang.pk for lang in plan.languages}
            or (location is not None and (location.pk is None or location.pk not in linked))
        )
        if service.organization_id != organization.pk or _changed(service, plan.service_values) or relations_changed:
            service.organization = organization
            for name, value in plan.service_values.items():
                setattr(service, name, value)
            _set_relations(service, plan, location)
            self.edit(service, "service")
        else:
            self.result.unchanged += 1

    def apply(self, plans, progress):
        for plan in progress(plans, desc=_("Importing"), unit=" rows"):
            organization = self.organization(plan)
            location = self.location(plan, organization)
            self.service(plan, organization, location)


def _set_relations(service, plan, location):
    service.themes.set(plan.themes)
    service.target_groups.set(plan.target_groups)
    service.languages_spoken.set(plan.languages)
    linked = {link.location_id for link in service.service_at_locations.all()}
    if location is not None and (location.pk is None or location.pk not in linked):
        service.service_at_locations.add(ServiceAtLocation(location=location))
