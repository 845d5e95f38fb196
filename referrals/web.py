"""Staff pages at /workflow/: inbox, referrals, the organisation's queue, late referrals, emergency calls, reports.

Server-rendered, session login, no JavaScript needed. They show the same shapes as the API
(``present_referral``, ``present_task``: a field your role may not see is not on the page),
parse forms with the API's serializers and call the same services. Viewflow's own views are
not routed anywhere: they are not scoped by ambito or organisation.
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
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rest_framework.exceptions import ValidationError
from viewflow.workflow.exceptions import FlowLockFailed

from cms.models import Ambito, Municipality, Organization, Role, Theme

from . import privacy, reports, selectors, services
from .actions import REFERRAL_ACTIONS, TASK_ACTIONS, start_referral
from .exceptions import Conflict
from .models import Consent, Outcome, State, Urgency
from .permissions import Scope
from .serializers import (
    ConsentRecordInput,
    EmergencyAcceptInput,
    EmergencyCallInput,
    ReasonInput,
    StartInput,
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
        return redirect(request.META.get("HTTP_REFERER") or reverse("referrals-web:inbox"))

    return wrapper


def flatten(error) -> list[str]:
    detail = getattr(error, "detail", None)
    if detail is None:
        detail = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    out = []

    def walk(value, field=""):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, key if key not in ("non_field_errors", "__all__") else field)
        elif isinstance(value, list):
            for item in value:
                walk(item, field)
        else:
            out.append(f"{field}: {value}" if field else str(value))

    walk(detail)
    return out


def parse(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def log(request, reads, page: str) -> None:
    privacy.log_reads(request.user, reads, purpose=f"web:{page}")


def page(request, template, context):
    scope = Scope.of(request.user)
    return render(request, f"referrals/web/{template}", {"scope": scope, **context})


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
    overdue_count = selectors.overdue_for(request.user).count() if scope.is_network_manager else 0
    log(request, reads, "inbox")
    return page(request, "inbox.html", {"tasks": tasks, "queue": queue, "overdue_count": overdue_count})


@staff_page
def referral_list(request):
    scope = Scope.of(request.user)
    if not scope.has_any(Role.SOCIAL_WORKER, Role.NETWORK_MANAGER, Role.COORDINATOR):
        raise PermissionDenied
    state = request.GET.get("state") or None
    overdue = request.GET.get("overdue") == "1"
    results = paginated(request, selectors.referrals_for(request.user, state=state, overdue=overdue))
    reads = []
    rows = [present_referral(referral, scope.views_of(referral), reads=reads) for referral in results]
    log(request, reads, "referrals")
    return page(
        request,
        "referral_list.html",
        {"rows": rows, "page_obj": results, "states": State.choices, "state": state, "overdue": overdue},
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


def start_data(post) -> dict:
    """The flat form of the start page, in the shape of ``StartInput``."""
    data = {
        name: post.get(name, "")
        for name in (
            "service",
            "theme",
            "need",
            "case_notes",
            "urgency",
            "preferred_language",
            "municipality",
            "availability",
        )
    }
    data["preferred_language"] = data["preferred_language"] or None
    if post.get("beneficiary_code"):
        data["beneficiary"] = {"code": post["beneficiary_code"]}
    else:
        data["beneficiary"] = {name: post.get(name, "") for name in ("first_name", "last_name", "phone", "email")}
    office = post.get("office", "")
    if office.startswith("municipality:"):
        data["office_municipality"] = office.split(":", 1)[1]
    elif office.startswith("ambito:"):
        data["office_ambito"] = office.split(":", 1)[1]
    if post.get("consent_given_on"):
        data["consent"] = {
            "given_on": post["consent_given_on"],
            "method": post.get("consent_method", ""),
            "document_reference": post.get("consent_reference", ""),
        }
    data["submit"] = post.get("submit") == "1"
    return data


@staff_page
def referral_start(request):
    """Step 1: find the target service in the directory; step 2: the referral form."""
    scope = Scope.of(request.user)
    if not scope.is_social_worker:
        raise PermissionDenied
    if request.method == "POST":
        referral = start_referral(request.user, parse(StartInput, start_data(request.POST)))
        messages.success(request, _("Referral %(number)s saved.") % {"number": referral.number})
        return redirect("referrals-web:referral", pk=referral.pk)
    service = None
    if request.GET.get("service", "").isdigit():
        service = public_services().filter(pk=request.GET["service"]).first()
    results = []
    if service is None and any(request.GET.get(key) for key in ("q", "theme", "municipality")):
        results = selectors.services_search(
            query=request.GET.get("q", ""),
            theme=request.GET.get("theme", ""),
            municipality=request.GET.get("municipality", ""),
        )[:30]
    offices = [("municipality:" + m.istat_code, str(m)) for m in _municipalities(scope.office_municipalities)] + [
        ("ambito:" + a.slug, _("Ambito office of %(name)s") % {"name": a.name})
        for a in Ambito.objects.filter(pk__in=scope.office_ambiti)
    ]
    return page(
        request,
        "referral_start.html",
        {
            "service": service,
            "results": results,
            "themes": Theme.objects.all(),
            "offices": offices,
            "urgencies": Urgency.choices,
            "consent_methods": Consent.Method.choices,
            "query": request.GET,
        },
    )


def _municipalities(pks):
    return Municipality.objects.filter(pk__in=pks)


# --- one referral ---------------------------------------------------------------------


@staff_page
def referral_detail(request, pk):
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
            "results_choices": [("completed", _("Completed")), ("not_completed", _("Not completed"))],
            "volunteer_step": volunteer_step,
            "team": team,
            "is_office": scope.is_actor("office", referral),
            "redirect_query": redirect_query,
            "redirect_results": redirect_results,
        },
    )


@require_POST
@staff_page
def referral_action(request, pk, action):
    if action not in REFERRAL_ACTIONS:
        raise Http404
    spec = REFERRAL_ACTIONS[action]
    referral = selectors.referral_get(request.user, pk)
    data = parse(spec.input, request.POST)
    referral = spec.run(request.user, referral, data)
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
    return page(request, "task_detail.html", {"task": data, "outcomes": Outcome.choices})


@require_POST
@staff_page
def task_action(request, pk, action):
    if action not in TASK_ACTIONS:
        raise Http404
    task = selectors.organisation_task_get(request.user, pk)
    TASK_ACTIONS[action].run(request.user, task, parse(TASK_ACTIONS[action].input, request.POST))
    messages.success(request, _("Done."))
    try:
        selectors.volunteer_task_get(request.user, pk)
    except Http404:
        return redirect("referrals-web:inbox")
    return redirect("referrals-web:task", pk=pk)


# --- consents ---------------------------------------------------------------------------------


@staff_page
def beneficiary(request, code):
    person = selectors.beneficiary_get(request.user, code)
    if request.method == "POST":
        if request.POST.get("revoke"):
            revoke = request.POST["revoke"]
            consent = Consent.objects.filter(pk=revoke, beneficiary=person).first() if revoke.isdigit() else None
            if consent is None:
                raise Http404
            services.consent_revoke(user=request.user, consent=consent, **parse(ReasonInput, request.POST))
            messages.success(request, _("Consent revoked; the referrals to that organisation were stopped."))
        else:
            services.consent_record(user=request.user, beneficiary=person, **parse(ConsentRecordInput, request.POST))
            messages.success(request, _("Consent recorded."))
        return redirect("referrals-web:beneficiary", code=person.code)
    return page(
        request,
        "beneficiary.html",
        {
            "beneficiary": person,
            "consents": Consent.objects.filter(beneficiary=person).select_related("organization"),
            "organizations": Organization.objects.public().order_by("name"),
            "consent_methods": Consent.Method.choices,
        },
    )


# --- emergency calls ----------------------------------------------------------------------------


@staff_page
def emergency_calls(request):
    scope = Scope.of(request.user)
    if not (scope.is_network_manager or scope.is_coordinator):
        raise PermissionDenied
    if request.method == "POST":
        data = {
            "need": request.POST.get("need", ""),
            "theme": request.POST.get("theme", ""),
            "ambiti": request.POST.getlist("ambiti"),
        }
        call = services.emergency_call_open(user=request.user, **parse(EmergencyCallInput, data))
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
        },
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
            "chart": mark_safe(reports.bar_chart_svg(data[key], minimum=minimum)),  # noqa: S308 (labels escaped)
        }
        for key, title in reports.DIMENSIONS
    ]
    return page(request, "reports.html", {"report": data, "sections": sections, "query": request.GET})


@staff_page
def report_csv(request):
    if not Scope.of(request.user).may_read_reports:
        raise PermissionDenied
    return reports.csv_response(reports.report_for(request.user, request.GET))
