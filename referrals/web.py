"""Staff pages at /workflow/: inbox, referrals, the organisation's queue, late referrals, emergency calls, reports.

Server-rendered, session login, no JavaScript needed. They show the same shapes as the API
(``present_referral``, ``present_task``: a field your role may not see is not on the page),
parse forms with the API's serializers (the start and correction forms with ``referrals.forms``) and
call the same services. A refused form comes back (400) with what was typed and its errors by the
fields. Viewflow's own views are not routed anywhere: they are not scoped by ambito or organisation.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rest_framework.exceptions import ValidationError
from viewflow.workflow.exceptions import FlowLockFailed

from cms.models import Ambito, Organization, Role, Theme

from . import charts, meeting, privacy, reports, selectors, services
from .actions import REFERRAL_ACTIONS, TASK_ACTIONS
from .exceptions import Conflict
from .forms import ReferralEditForm, ReferralStartForm, language_choices, municipality_choices
from .labels import language_name
from .models import CloseResult, Consent, Outcome, State, Urgency
from .permissions import Scope
from .privacy import CASE, CONTACT, IDENTITY
from .redirects import safe_redirect_target
from .refusals import field_errors, flatten, form_data
from .serializers import (
    ConsentRecordInput,
    EmergencyAcceptInput,
    EmergencyCallInput,
    ReasonInput,
    present_inbox_item,
    present_referral,
    present_task,
    public_services,
)

LOGIN_URL = "referrals-web:login"
PAGE_SIZE = 50


def staff_page(view):
    """Login required; service errors become messages (bad input, conflicts) or 403/404 pages."""

    @login_required(login_url=LOGIN_URL)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (ValidationError, DjangoValidationError) as error:
            for message in flatten(error):
                messages.error(request, message)
        except Conflict as error:
            messages.warning(request, str(error.message))
        except FlowLockFailed:
            messages.warning(request, _("Someone else is changing this referral right now; try again in a moment."))
        back = request.META.get("HTTP_REFERER")
        return redirect(safe_redirect_target(request, back, fallback=reverse("referrals-web:inbox")))

    return wrapper


def parse(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def log(request, reads, page: str) -> None:
    privacy.log_reads(request.user, reads, purpose=f"web:{page}")


def page(request, template, context, status=200):
    scope = Scope.of(request.user)
    return render(request, f"referrals/web/{template}", {"scope": scope, **context}, status=status)


def paginated(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


class LoginView(auth_views.LoginView):
    template_name = "referrals/web/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("referrals-web:inbox")


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("referrals-web:login")


# --- inbox, lists ------------------------------------------------------------


@staff_page
def inbox(request):
    scope = Scope.of(request.user)
    reads = []
    tasks = [
        present_inbox_item(task, task.process.referralprocess, scope=scope, user=request.user, reads=reads)
        for task in selectors.tasks_for(request.user)[:PAGE_SIZE]
    ]
    queue = []
    if scope.task_organizations:
        queue = [
            present_task(task, task.process.referralprocess, user=request.user, reads=reads)
            for task in selectors.queue_for(request.user)[:10]
        ]
    log(request, reads, "inbox")
    return page(request, "inbox.html", {"tasks": tasks, "queue": queue, "counts": selectors.inbox_counts(request.user)})


def list_filters(get) -> selectors.ReferralFilters:
    """The filters of a referral list from the query string (unknown values are ignored)."""
    organization = get.get("organization", "")
    return selectors.ReferralFilters(
        q=get.get("q", "").strip()[:40],
        state=get.get("state", "") if get.get("state") in State.values else "",
        theme=get.get("theme", "").strip()[:50],
        urgency=get.get("urgency", "") if get.get("urgency") in Urgency.values else "",
        ambito=get.get("ambito", "").strip()[:100],
        organization=int(organization) if organization.isdigit() else None,
        mine=get.get("mine") == "1",
        overdue=get.get("overdue") == "1",
        sort=get.get("sort", "") if get.get("sort") in selectors.SORTS else "newest",
    )


SORT_CHOICES = (
    ("newest", gettext_lazy("Newest first")),
    ("oldest", gettext_lazy("Oldest first")),
    ("due", gettext_lazy("Nearest time limit first")),
    ("urgency", gettext_lazy("Most urgent first")),
    ("number", gettext_lazy("By number")),
)


@staff_page
def referral_list(request):
    """Who: social workers (their office), network managers (their ambiti), coordinators (their organisations)."""
    scope = Scope.of(request.user)
    if not scope.has_any(Role.SOCIAL_WORKER, Role.NETWORK_MANAGER, Role.COORDINATOR):
        raise PermissionDenied
    filters = list_filters(request.GET)
    results = paginated(request, selectors.referral_search(request.user, filters))
    reads = []
    rows = [present_referral(referral, scope.views_of(referral), reads=reads) for referral in results]
    log(request, reads, "referrals")
    counts = selectors.state_counts(request.user, filters)
    tabs = [(value, label, counts[value]) for value, label in State.choices if counts.get(value)]
    return page(
        request,
        "referral_list.html",
        {
            "rows": rows,
            "page_obj": results,
            "filters": filters,
            "tabs": tabs,
            "total": sum(counts.values()),
            "states": State.choices,
            "urgencies": Urgency.choices,
            "themes": Theme.objects.all(),
            "sorts": SORT_CHOICES,
            **selectors.filter_options(request.user),
        },
    )


@staff_page
def overdue(request):
    scope = Scope.of(request.user)
    if not scope.is_network_manager:
        raise PermissionDenied
    results = paginated(request, selectors.overdue_for(request.user))
    reads = []
    rows = [present_referral(referral, scope.views_of(referral), reads=reads) for referral in results]
    log(request, reads, "overdue")
    return page(request, "overdue.html", {"rows": rows, "page_obj": results})


@staff_page
def queue(request):
    scope = Scope.of(request.user)
    if not scope.task_organizations:
        raise PermissionDenied
    results = paginated(request, selectors.queue_for(request.user))
    reads = []
    rows = [present_task(task, task.process.referralprocess, user=request.user, reads=reads) for task in results]
    log(request, reads, "queue")
    return page(request, "queue.html", {"rows": rows, "page_obj": results})


# --- starting a referral ----------------------------------------------------------


@staff_page
def referral_start(request):
    """Step 1: find the target service in the directory (and the person, if already on file);
    step 2: the referral form, shown again with everything typed when something is refused."""
    scope = Scope.of(request.user)
    if not scope.is_social_worker:
        raise PermissionDenied
    if request.method == "POST":
        form = ReferralStartForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                referral = services.referral_start(worker=request.user, **form.service_arguments())
            except DjangoValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Referral %(number)s saved.") % {"number": referral.number})
                return redirect("referrals-web:referral", pk=referral.pk)
        service = form.cleaned_data.get("service") if hasattr(form, "cleaned_data") else None
        service = service or public_services().filter(pk=_digits(request.POST.get("service"))).first()
        context = _start_context(request, service=service, code=request.POST.get("beneficiary_code", ""))
        return page(request, "referral_start.html", {**context, "form": form}, status=400)
    service = public_services().filter(pk=_digits(request.GET.get("service"))).first()
    context = _start_context(request, service=service, code=request.GET.get("beneficiary", ""))
    form = None
    if service is not None:
        form = ReferralStartForm(
            user=request.user, initial={"service": service.pk, "beneficiary_code": context["code"]}
        )
    return page(request, "referral_start.html", {**context, "form": form})


def _digits(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _start_context(request, *, service, code: str) -> dict:
    """The directory search, and what is on file for the person whose code was given."""
    person = selectors.beneficiary_of_office(request.user, code)
    consented = selectors.consented_organisations(person)
    on_file = None
    if person is not None:
        on_file = selectors.on_file(person)
        if on_file["personal"] is not None:
            log(request, [(person.pk, None, {IDENTITY, CONTACT})], "start")
    query = {key: request.GET.get(key, "").strip() for key in ("q", "theme", "municipality", "language")}
    results = []
    if service is None and any(query.values()):
        results = [
            {
                "service": found,
                "comuni": sorted({sal.location.municipality.name for sal in found.service_at_locations.all()}),
                "languages": sorted(language_name(lang.code, lang.name) for lang in found.languages_spoken.all()),
                "consent": found.organization_id in consented,
            }
            for found in selectors.services_search(
                query=query["q"], theme=query["theme"], municipality=query["municipality"], language=query["language"]
            )[:30]
        ]
    return {
        "service": service,
        "service_consent": service is not None and service.organization_id in consented,
        "results": results,
        "searched": any(query.values()),
        "query": query,
        "code": person.code if person else code.strip().upper(),
        "code_unknown": bool(code.strip()) and person is None,
        "on_file": on_file,
        "themes": Theme.objects.all(),
        "languages": language_choices(),
        "comuni": municipality_choices(),
    }


# --- one referral ---------------------------------------------------------------------


TRIAGE_CHOICES = (
    ("approve", gettext_lazy("Approve")),
    ("return", gettext_lazy("Return for more information")),
    ("reject", gettext_lazy("Reject")),
)
REVIEW_CHOICES = (
    ("accept", gettext_lazy("Accept")),
    ("decline", gettext_lazy("Decline")),
    ("waiting_list", gettext_lazy("Waiting list")),
)


@staff_page
def referral_detail(request, pk):
    return _referral_page(request, pk)


def _referral_page(request, pk, *, retry=None, status=200):
    scope = Scope.of(request.user)
    try:
        referral = selectors.referral_get(request.user, pk)
    except Http404:
        # A volunteer following a link from an e-mail: the task they took, or the open one of
        # their queue, if they may see it.
        for tasks in (selectors.tasks_for(request.user), selectors.queue_for(request.user)):
            for task in tasks.filter(process_id=pk)[:1]:
                return redirect("referrals-web:task", pk=task.pk)
        raise
    steps = selectors.open_steps(referral)
    actions = selectors.available_actions(request.user, referral, steps)
    reads = []
    data = present_referral(
        referral, scope.views_of(referral), reads=reads, actions=actions, notes=selectors.progress_notes(referral)
    )
    log(request, reads, "referral")
    volunteer_step = next((task for task in steps if task.flow_task.name == "volunteer_task"), None)
    team = selectors.team_of(referral) if volunteer_step and scope.is_actor("coordinator", referral) else []
    redirect_query = request.GET.get("service_q", "").strip()
    if retry and "redirect" in retry and not redirect_query:
        redirect_query = request.POST.get("service_q", "").strip()
    redirect_results = []
    if "redirect" in actions and redirect_query:
        redirect_results = selectors.services_search(query=redirect_query)[:20]
    return page(
        request,
        "referral_detail.html",
        {
            "referral": data,
            "history": selectors.history_for(request.user, referral),
            "actions": actions,
            "results_choices": CloseResult.choices,
            "triage_choices": TRIAGE_CHOICES,
            "review_choices": REVIEW_CHOICES,
            "volunteer_step": volunteer_step,
            "team": team,
            "is_office": scope.is_actor("office", referral),
            "redirect_query": redirect_query,
            "redirect_results": redirect_results,
            "retry": retry or {},
            "is_sample": referral.is_sample,
        },
        status=status,
    )


@staff_page
def referral_edit(request, pk):
    """Who: a social worker of the referring office, while the referral is a draft or was returned."""
    referral = selectors.referral_get(request.user, pk)
    if "update" not in selectors.available_actions(request.user, referral, selectors.open_steps(referral)):
        raise PermissionDenied
    if request.method == "POST":
        form = ReferralEditForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.referral_update(
                    user=request.user, referral=referral, personal_data=form.personal_data(), **form.details()
                )
            except DjangoValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Referral %(number)s saved.") % {"number": referral.number})
                return redirect("referrals-web:referral", pk=referral.pk)
    else:
        form = ReferralEditForm(user=request.user, initial=ReferralEditForm.initial_of(referral))
        log(request, [(referral.beneficiary_id, referral.pk, {IDENTITY, CONTACT, CASE})], "edit")
    return page(
        request,
        "referral_edit.html",
        {"referral": referral, "form": form},
        status=400 if form.is_bound else 200,
    )


@staff_page
def referral_print(request, pk):
    """A printable summary: what this person may see of the referral, its personal parts logged as a read."""
    scope = Scope.of(request.user)
    referral = selectors.referral_get(request.user, pk)
    reads = []
    data = present_referral(referral, scope.views_of(referral), reads=reads, notes=selectors.progress_notes(referral))
    log(request, reads, "print")
    return page(
        request,
        "referral_print.html",
        {
            "referral": data,
            "history": selectors.history_for(request.user, referral),
            "is_office": scope.is_actor("office", referral),
            "printing": True,
            "printed_at": timezone.now(),
        },
    )


@require_POST
@staff_page
def referral_action(request, pk, action):
    if action not in REFERRAL_ACTIONS:
        raise Http404
    spec = REFERRAL_ACTIONS[action]
    referral = selectors.referral_get(request.user, pk)
    try:
        data = parse(spec.input, request.POST)
        referral = spec.run(request.user, referral, data)
    except (ValidationError, DjangoValidationError) as error:
        retry = {action: {"data": form_data(request.POST), "errors": field_errors(error)}}
        return _referral_page(request, pk, retry=retry, status=400)
    messages.success(
        request,
        _("Done: referral %(number)s is now “%(state)s”.")
        % {"number": referral.number, "state": referral.get_state_display()},
    )
    if Scope.of(request.user).can_see(referral):
        return redirect("referrals-web:referral", pk=referral.pk)
    return redirect("referrals-web:inbox")


# --- volunteer tasks ----------------------------------------------------------------------


@staff_page
def task_detail(request, pk):
    return _task_page(request, pk)


def _task_page(request, pk, *, retry=None, status=200):
    task = selectors.volunteer_task_get(request.user, pk)
    reads = []
    data = present_task(
        task,
        task.process.referralprocess,
        user=request.user,
        reads=reads,
        notes=selectors.notes_of(task, request.user),
    )
    log(request, reads, "task")
    referral = task.process.referralprocess
    return page(
        request,
        "task_detail.html",
        {
            "task": data,
            "outcomes": Outcome.choices,
            "places": meeting.meeting_places(referral),
            "coordinators": meeting.coordinators(referral),
            "organization": referral.organization,
            "retry": retry or {},
        },
        status=status,
    )


@require_POST
@staff_page
def task_action(request, pk, action):
    if action not in TASK_ACTIONS:
        raise Http404
    task = selectors.organisation_task_get(request.user, pk)
    try:
        TASK_ACTIONS[action].run(request.user, task, parse(TASK_ACTIONS[action].input, request.POST))
    except (ValidationError, DjangoValidationError) as error:
        retry = {action.replace("-", "_"): {"data": form_data(request.POST), "errors": field_errors(error)}}
        if action == "assign":
            return _referral_page(request, task.process_id, retry=retry, status=400)
        return _task_page(request, pk, retry=retry, status=400)
    messages.success(request, _("Done."))
    try:
        selectors.volunteer_task_get(request.user, pk)
    except Http404:
        return redirect("referrals-web:inbox")
    return redirect("referrals-web:task", pk=pk)


# --- consents ---------------------------------------------------------------------------------


@staff_page
def beneficiary(request, code):
    """Who: a social worker of the beneficiary's office. Consents: list, record, revoke."""
    person = selectors.beneficiary_get(request.user, code)
    retry = {}
    if request.method == "POST":
        form = "revoke" if request.POST.get("revoke") else "record"
        try:
            if form == "revoke":
                revoke = request.POST["revoke"]
                consent = Consent.objects.filter(pk=revoke, beneficiary=person).first() if revoke.isdigit() else None
                if consent is None:
                    raise Http404
                services.consent_revoke(user=request.user, consent=consent, **parse(ReasonInput, request.POST))
                messages.success(request, _("Consent revoked; the referrals to that organisation were stopped."))
            else:
                services.consent_record(
                    user=request.user, beneficiary=person, **parse(ConsentRecordInput, request.POST)
                )
                messages.success(request, _("Consent recorded."))
        except (ValidationError, DjangoValidationError) as error:
            retry = {form: {"data": form_data(request.POST), "errors": field_errors(error)}}
        else:
            return redirect("referrals-web:beneficiary", code=person.code)
    return page(
        request,
        "beneficiary.html",
        {
            "beneficiary": person,
            "consents": Consent.objects.filter(beneficiary=person).select_related("organization"),
            "organizations": Organization.objects.public().order_by("name"),
            "consent_methods": Consent.Method.choices,
            "retry": retry,
        },
        status=400 if retry else 200,
    )


# --- emergency calls ----------------------------------------------------------------------------


@staff_page
def emergency_calls(request):
    scope = Scope.of(request.user)
    if not (scope.is_network_manager or scope.is_coordinator):
        raise PermissionDenied
    retry = {}
    if request.method == "POST":
        data = {
            "need": request.POST.get("need", ""),
            "theme": request.POST.get("theme", ""),
            "ambiti": request.POST.getlist("ambiti"),
        }
        try:
            call = services.emergency_call_open(user=request.user, **parse(EmergencyCallInput, data))
        except (ValidationError, DjangoValidationError) as error:
            retry = {"open": {"data": data, "errors": field_errors(error)}}
        else:
            messages.success(
                request,
                _("Emergency call %(number)s sent to %(count)s organisations.")
                % {"number": call.number, "count": call.organizations.count()},
            )
            return redirect("referrals-web:emergency-calls")
    return page(
        request,
        "emergency.html",
        {
            "calls": paginated(request, selectors.emergency_calls_for(request.user)),
            "themes": Theme.objects.all(),
            "ambiti": Ambito.objects.filter(pk__in=scope.managed_ambiti),
            "retry": retry,
        },
        status=400 if retry else 200,
    )


@require_POST
@staff_page
def emergency_action(request, pk, action):
    call = selectors.emergency_call_get(request.user, pk)
    if action == "accept":
        data = parse(EmergencyAcceptInput, request.POST)
        services.emergency_call_accept(user=request.user, call=call, organization=data.get("organization"))
        messages.success(request, _("You took the call. Thank you."))
    elif action == "cancel":
        services.emergency_call_cancel(user=request.user, call=call, **parse(ReasonInput, request.POST))
        messages.success(request, _("Call cancelled."))
    else:
        raise Http404
    return redirect("referrals-web:emergency-calls")


# --- reports -----------------------------------------------------------------------------------------


@staff_page
def report(request):
    if not Scope.of(request.user).may_read_reports:
        raise PermissionDenied
    data = reports.report_for(request.user, request.GET)
    minimum = data.get("minimum_count", 1)
    sections = [
        {
            "key": key,
            "title": title,
            "rows": data[key],
            "heading": charts.COLUMN_HEADINGS[key],
            "chart": mark_safe(charts.bar_chart_svg(data[key], minimum=minimum)),  # noqa: S308 (labels escaped)
        }
        for key, title in reports.DIMENSIONS
    ]
    medians = [
        {"title": title, "value": charts.duration_label(data[key]), "missing": data[key] is None}
        for key, title in (
            ("median_days_to_accept", _("Median time from submission to acceptance")),
            ("median_days_to_close", _("Median time from submission to closing")),
        )
    ]
    return page(
        request, "reports.html", {"report": data, "sections": sections, "medians": medians, "query": request.GET}
    )


@staff_page
def report_csv(request):
    if not Scope.of(request.user).may_read_reports:
        raise PermissionDenied
    return reports.csv_response(reports.report_for(request.user, request.GET))
