"""The referral JSON API: everything the staff pages do, and all a volunteers' mobile app needs.

Authentication: the session (staff pages, Swagger UI) or ``Authorization: Token <key>``
(``POST auth/token/``). Every endpoint states who may use it. The answers:

- 400 with field messages for bad input (and nothing is written);
- 401 without credentials; 403 when your role does not allow the endpoint or the step;
- 404 for records outside your scope (they do not exist for you);
- 409 when someone else acted first (e.g. claimed the task) or the step is no longer open.

Endpoints parse input, call ``referrals.services`` or ``referrals.selectors``, log reads of
personal data (``referrals.privacy``) and serialise. Nothing else.
"""

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler
from viewflow.workflow.exceptions import FlowLockFailed

from cms.api.params import ParameterError, code_parser
from cms.models import Role, Theme

from . import privacy, reports, schema, selectors, services  # noqa: F401 (schema registers the token scheme)
from .actions import NoInput, start_referral
from .auth import TokenAuthentication, token_issue, token_revoke
from .exceptions import Conflict
from .models import Consent, NotificationPreference, State
from .permissions import Scope
from .serializers import (
    AuditEventSerializer,
    ConsentRecordInput,
    ConsentSerializer,
    EmergencyAcceptInput,
    EmergencyCallInput,
    EmergencyCallSerializer,
    InboxItemSerializer,
    MessageSerializer,
    PreferencesInput,
    ReasonInput,
    ReferralSerializer,
    ServiceChoiceSerializer,
    StartInput,
    TaskSerializer,
    TokenInput,
    UpdateInput,
    present_inbox_item,
    present_referral,
    present_task,
)

TAG = "referrals"
ERRORS = {
    400: OpenApiResponse(description="Bad input: field messages; nothing was written."),
    401: OpenApiResponse(description="No credentials."),
    403: OpenApiResponse(description="Your role does not allow this."),
    404: OpenApiResponse(description="Not found, or outside your scope."),
    409: OpenApiResponse(MessageSerializer, description="Someone else acted first, or the step is no longer open."),
}


def errors(*codes):
    return {code: ERRORS[code] for code in codes}


def exception_handler(exc, context):
    """Django validation errors → 400 with field messages; ``Conflict`` and a lock not obtained → 409; the rest as
    DRF does."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(
            {("non_field_errors" if key == "__all__" else key): value for key, value in detail.items()}
        )
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc.message), "code": "conflict"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, FlowLockFailed):  # the row lock could not be taken (a deadlock, retried and given up)
        busy = _("Someone else is changing this referral right now; try again in a moment.")
        return Response({"detail": busy, "code": "busy"}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


class HasRole(BasePermission):
    """The endpoint's ``roles``: the person must hold one of them somewhere (the scope is checked later)."""

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        roles = getattr(view, "roles", ())
        return not roles or Scope.of(request.user).has_any(*roles)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ReferralAPIView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, HasRole]
    roles: tuple = ()

    def get_exception_handler(self):
        return exception_handler

    @property
    def scope(self) -> Scope:
        return Scope.of(self.request.user)

    def log(self, reads) -> None:
        privacy.log_reads(self.request.user, reads, purpose=f"api:{self.__class__.__name__}")

    def paginate(self, queryset):
        self.paginator = Pagination()
        return self.paginator.paginate_queryset(queryset, self.request, view=self)

    def parse(self, serializer_class, *, partial=False):
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def task_response(self, task, notes=None):
        reads = []
        data = present_task(task, task.process.referralprocess, user=self.request.user, reads=reads, notes=notes)
        self.log(reads)
        return Response(data)

    def referral_response(self, referral, status_code=status.HTTP_200_OK):
        referral = selectors.referral_get(self.request.user, referral.pk)
        reads = []
        actions = selectors.available_actions(self.request.user, referral, selectors.open_steps(referral))
        data = present_referral(
            referral,
            self.scope.views_of(referral),
            reads=reads,
            actions=actions,
            notes=selectors.progress_notes(referral),
        )
        self.log(reads)
        return Response(data, status=status_code)


WORKER_ROLES = (Role.SOCIAL_WORKER, Role.NETWORK_MANAGER, Role.COORDINATOR)
STATE_FILTER = OpenApiParameter("state", str, enum=State.values, description="Only referrals in this state.")
OVERDUE_FILTER = OpenApiParameter("overdue", bool, description="Only referrals whose current step is late.")


class ReferralListView(ReferralAPIView):
    """GET: the referrals you may see. POST: start a referral (social workers)."""

    roles = WORKER_ROLES

    @extend_schema(
        tags=[TAG],
        summary="List my referrals",
        description="Who may use it: social workers (referrals of their office), network managers (of their "
        "ambiti), coordinators (addressed to their organisation, from triage approval on). Volunteers use "
        "tasks/ and queue/. Paginated, newest first.",
        parameters=[STATE_FILTER, OVERDUE_FILTER],
        responses={200: ReferralSerializer(many=True), **errors(401, 403)},
    )
    def get(self, request):
        queryset = selectors.referrals_for(
            request.user,
            state=request.query_params.get("state"),
            overdue=request.query_params.get("overdue") in ("1", "true", "yes"),
        )
        page = self.paginate(queryset)
        reads = []
        data = [present_referral(referral, self.scope.views_of(referral), reads=reads) for referral in page]
        self.log(reads)
        return self.paginator.get_paginated_response(data)

    @extend_schema(
        tags=[TAG],
        summary="Start a referral",
        description="Who may use it: social workers. Creates a draft (or submits it at once with submit=true; "
        "that needs the beneficiary's consent for the service's organisation). The beneficiary is an existing "
        "code of your office or a new person (first name required; name and contact are kept apart and every "
        "read is logged). Office: needed only if you work for several.",
        request=StartInput,
        responses={201: ReferralSerializer, **errors(400, 401, 403)},
    )
    def post(self, request):
        self.scope.must_be(Role.SOCIAL_WORKER)
        referral = start_referral(request.user, self.parse(StartInput))
        return self.referral_response(referral, status.HTTP_201_CREATED)


class ReferralDetailView(ReferralAPIView):
    roles = WORKER_ROLES

    @extend_schema(
        tags=[TAG],
        summary="A referral",
        description="Who may use it: the social workers of the referring office (everything), network managers "
        "of its ambito (no name or contact), coordinators of the receiving organisation (name, contact and "
        "case while the consent holds; nothing personal after a revocation). Others: 404. `actions` lists what "
        "you can do now. Every read of personal data is logged.",
        responses={200: ReferralSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk):
        return self.referral_response(selectors.referral_get(request.user, pk))

    @extend_schema(
        tags=[TAG],
        summary="Edit a draft",
        description="Who may use it: a social worker of the referring office, while the referral is a draft or "
        "was returned for more information. Send only the fields to change.",
        request=UpdateInput,
        responses={200: ReferralSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk):
        referral = selectors.referral_get(request.user, pk)
        data = self.parse(UpdateInput, partial=True)
        person = data.pop("beneficiary", None)
        if person and person.get("code"):
            raise ValidationError({"beneficiary": [_("The beneficiary of a referral cannot be changed.")]})
        referral = services.referral_update(user=request.user, referral=referral, personal_data=person, **data)
        return self.referral_response(referral)


def action_view(action, *, fetch, respond, serializer, operation_id):
    """One endpoint per action, documented with its own input and who may use it."""

    class ActionView(ReferralAPIView):
        roles = action.roles

        @extend_schema(
            tags=[TAG],
            summary=str(action.summary),
            description=f"Who may use it: {action.who}",
            request=None if action.input is NoInput else action.input,
            responses={200: serializer, **errors(400, 401, 403, 404, 409)},
            operation_id=operation_id,
        )
        def post(self, request, pk):
            target = fetch(request.user, pk)
            action.run(request.user, target, self.parse(action.input))
            return respond(self, pk)

    ActionView.__name__ = f"{action.name.title().replace('-', '')}View"
    return ActionView.as_view()


def referral_action_view(action):
    return action_view(
        action,
        fetch=selectors.referral_get,
        respond=lambda view, pk: view.referral_response(selectors.referral_get(view.request.user, pk)),
        serializer=ReferralSerializer,
        operation_id=f"referrals_{action.name}",
    )


def task_action_view(action):
    return action_view(
        action,
        fetch=selectors.organisation_task_get,
        respond=lambda view, pk: view.task_response(selectors.organisation_task_get(view.request.user, pk)),
        serializer=TaskSerializer,
        operation_id=f"referrals_task_{action.name.replace('-', '_')}",
    )


class HistoryView(ReferralAPIView):
    roles = WORKER_ROLES

    @extend_schema(
        tags=[TAG],
        summary="History of a referral",
        description="Who may use it: whoever may read the referral (see the referral endpoint). Every transition: "
        "who, when, from what state, to what, why; time limits expired with no actor.",
        responses={200: AuditEventSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request, pk):
        referral = selectors.referral_get(request.user, pk)
        self.log([(referral.beneficiary_id, referral.pk, {privacy.CASE})])  # reasons are free text about the case
        return Response(AuditEventSerializer(selectors.history_for(request.user, referral), many=True).data)


class InboxView(ReferralAPIView):
    roles = (*WORKER_ROLES, Role.VOLUNTEER)

    @extend_schema(
        tags=[TAG],
        summary="My tasks",
        description="Who may use it: social workers, network managers, coordinators and volunteers. Every open "
        "step you can act on now: drafts and outcomes to close (social workers), triage and redirections "
        "(network managers), answers and waiting lists (coordinators), the tasks you took (volunteers). "
        "Most urgent first.",
        responses={200: InboxItemSerializer(many=True), **errors(401, 403)},
    )
    def get(self, request):
        page = self.paginate(selectors.tasks_for(request.user))
        reads = []
        data = [
            present_inbox_item(task, task.process.referralprocess, scope=self.scope, user=request.user, reads=reads)
            for task in page
        ]
        self.log(reads)
        return self.paginator.get_paginated_response(data)


class QueueView(ReferralAPIView):
    roles = (Role.VOLUNTEER, Role.COORDINATOR)

    @extend_schema(
        tags=[TAG],
        summary="My organisation's queue",
        description="Who may use it: volunteers and coordinators. Open volunteer tasks of your organisations "
        "that nobody has taken yet, with only what is needed to choose one: first name (or code), language, "
        "need, where and when.",
        responses={200: TaskSerializer(many=True), **errors(401, 403)},
    )
    def get(self, request):
        page = self.paginate(selectors.queue_for(request.user))
        reads = []
        data = [present_task(task, task.process.referralprocess, user=request.user, reads=reads) for task in page]
        self.log(reads)
        return self.paginator.get_paginated_response(data)


class TaskDetailView(ReferralAPIView):
    roles = (Role.VOLUNTEER, Role.COORDINATOR)

    @extend_schema(
        tags=[TAG],
        summary="A volunteer task",
        description="Who may use it: volunteers of the organisation while the task is in the queue or theirs; "
        "coordinators of the organisation. Only what is needed to do it, and your own progress notes.",
        responses={200: TaskSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk):
        task = selectors.volunteer_task_get(request.user, pk)
        return self.task_response(task, notes=selectors.notes_of(task, request.user))


class OverdueView(ReferralAPIView):
    roles = (Role.NETWORK_MANAGER,)

    @extend_schema(
        tags=[TAG],
        summary="Late referrals of my ambiti",
        description="Who may use it: network managers. Open referrals of your ambiti whose current step is past "
        "its time limit (triage, the organisation's answer, the outcome), the most late first.",
        responses={200: ReferralSerializer(many=True), **errors(401, 403)},
    )
    def get(self, request):
        page = self.paginate(selectors.overdue_for(request.user))
        reads = []
        data = [present_referral(referral, self.scope.views_of(referral), reads=reads) for referral in page]
        self.log(reads)
        return self.paginator.get_paginated_response(data)


class ConsentListView(ReferralAPIView):
    roles = (Role.SOCIAL_WORKER,)

    @extend_schema(
        tags=[TAG],
        summary="Consents of a beneficiary",
        description="Who may use it: social workers of the beneficiary's office.",
        responses={200: ConsentSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request, code):
        beneficiary = selectors.beneficiary_get(request.user, code)
        consents = Consent.objects.filter(beneficiary=beneficiary).select_related("organization")
        return Response(ConsentSerializer(consents, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Record a consent",
        description="Who may use it: social workers of the beneficiary's office. One active consent per "
        "organisation: date, how it was given; who collected it is you.",
        request=ConsentRecordInput,
        responses={201: ConsentSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, code):
        beneficiary = selectors.beneficiary_get(request.user, code)
        data = self.parse(ConsentRecordInput)
        consent = services.consent_record(user=request.user, beneficiary=beneficiary, **data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class ConsentRevokeView(ReferralAPIView):
    roles = (Role.SOCIAL_WORKER,)

    @extend_schema(
        tags=[TAG],
        summary="Revoke a consent",
        description="Who may use it: social workers of the beneficiary's office. Stops (cancels) the "
        "beneficiary's open referrals to that organisation, and the organisation no longer sees their data.",
        request=ReasonInput,
        responses={200: ConsentSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk):
        consent = Consent.objects.select_related("beneficiary", "organization").filter(pk=pk).first()
        if consent is None or not self.scope.owns_office_of(consent.beneficiary):
            raise Http404
        data = self.parse(ReasonInput)
        consent = services.consent_revoke(user=request.user, consent=consent, **data)
        return Response(ConsentSerializer(consent).data)


THEME_CODES = code_parser(Theme)


class ServiceSearchView(ReferralAPIView):
    roles = (Role.SOCIAL_WORKER, Role.NETWORK_MANAGER)

    @extend_schema(
        tags=[TAG],
        summary="Find a target service in the directory",
        description="Who may use it: social workers and network managers. Published, active services whose "
        "name, description or organisation contain every word of q; optional theme code, comune (ISTAT "
        "code) and spoken language. Paginated. An unknown theme code is a 400 naming it, not an empty list.",
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("theme", str),
            OpenApiParameter("municipality", str),
            OpenApiParameter("language", str),
        ],
        responses={200: ServiceChoiceSerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        params = request.query_params
        if params.get("theme"):
            try:
                THEME_CODES([params["theme"]])
            except ParameterError as error:
                raise ValidationError({"theme": [str(error)]}) from None
        queryset = selectors.services_search(
            query=params.get("q", ""),
            theme=params.get("theme", ""),
            municipality=params.get("municipality", ""),
            language=params.get("language", ""),
        )
        page = self.paginate(queryset)
        return self.paginator.get_paginated_response(ServiceChoiceSerializer(page, many=True).data)


class EmergencyCallListView(ReferralAPIView):
    roles = (Role.NETWORK_MANAGER, Role.COORDINATOR)

    @extend_schema(
        tags=[TAG],
        summary="Emergency calls",
        description="Who may use it: network managers (calls of their ambiti) and coordinators (calls that "
        "reached their organisation; a taken call shows who took it).",
        responses={200: EmergencyCallSerializer(many=True), **errors(401, 403)},
    )
    def get(self, request):
        page = self.paginate(selectors.emergency_calls_for(request.user))
        return self.paginator.get_paginated_response(EmergencyCallSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Open an emergency call",
        description="Who may use it: network managers, for ambiti they manage. Calls every published "
        "organisation with a public service of the theme in those ambiti; the first coordinator to accept "
        "takes it.",
        request=EmergencyCallInput,
        responses={201: EmergencyCallSerializer, **errors(400, 401, 403)},
    )
    def post(self, request):
        self.scope.must_be(Role.NETWORK_MANAGER)
        data = self.parse(EmergencyCallInput)
        call = services.emergency_call_open(user=request.user, **data)
        call = selectors.emergency_call_get(request.user, call.pk)
        return Response(EmergencyCallSerializer(call).data, status=status.HTTP_201_CREATED)


class EmergencyAcceptView(ReferralAPIView):
    roles = (Role.COORDINATOR,)

    @extend_schema(
        tags=[TAG],
        summary="Take an emergency call",
        description="Who may use it: coordinators of a called organisation. The first to accept takes it; "
        "later ones get 409 with the name of the organisation that took it.",
        request=EmergencyAcceptInput,
        responses={200: EmergencyCallSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk):
        call = selectors.emergency_call_get(request.user, pk)
        data = self.parse(EmergencyAcceptInput)
        services.emergency_call_accept(user=request.user, call=call, organization=data.get("organization"))
        return Response(EmergencyCallSerializer(selectors.emergency_call_get(request.user, pk)).data)


class EmergencyCancelView(ReferralAPIView):
    roles = (Role.NETWORK_MANAGER,)

    @extend_schema(
        tags=[TAG],
        summary="Cancel an emergency call",
        description="Who may use it: network managers of one of the call's ambiti, while it is open.",
        request=ReasonInput,
        responses={200: EmergencyCallSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk):
        call = selectors.emergency_call_get(request.user, pk)
        data = self.parse(ReasonInput)
        services.emergency_call_cancel(user=request.user, call=call, **data)
        return Response(EmergencyCallSerializer(selectors.emergency_call_get(request.user, pk)).data)


class ReportPermission(BasePermission):
    message = "Reports are for network managers, administrators and the evaluation body."

    def has_permission(self, request, view):
        return Scope.of(request.user).may_read_reports


REPORT_PARAMS = [OpenApiParameter("from", str, description="YYYY-MM-DD"), OpenApiParameter("to", str)]
REPORT_WHO = (
    "Who may use it: network managers (their ambiti), administrators and the evaluation body (holders of the "
    "permission referrals.view_reports, e.g. the group 'Evaluation body'; the whole network). Anonymous "
    "aggregates only."
)


class ReportView(ReferralAPIView):
    permission_classes = [IsAuthenticated, ReportPermission]

    @extend_schema(
        tags=[TAG],
        summary="Report: referrals by state, ambito, theme, organisation; outcomes; medians",
        description=REPORT_WHO,
        parameters=REPORT_PARAMS,
        responses={200: OpenApiResponse(description="Counts per dimension and median days."), **errors(401, 403)},
    )
    def get(self, request):
        return Response(reports.report_for(request.user, request.query_params))


class ReportCSVView(ReferralAPIView):
    permission_classes = [IsAuthenticated, ReportPermission]

    @extend_schema(
        tags=[TAG],
        summary="Report as CSV",
        description=REPORT_WHO,
        parameters=REPORT_PARAMS,
        responses={(200, "text/csv"): OpenApiResponse(description="dimension,key,label,count"), **errors(401, 403)},
    )
    def get(self, request):
        return reports.csv_response(reports.report_for(request.user, request.query_params))


class TokenThrottle(AnonRateThrottle):
    rate = "10/minute"


class TokenView(ReferralAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        tags=[TAG],
        summary="Get an API token (mobile app)",
        description="Who may use it: anyone with a username and password and a role in referrals (social "
        "worker, network manager, coordinator, volunteer). The key is shown once; send it as "
        "'Authorization: Token <key>'. It expires after REFERRALS_TOKEN_DAYS days. At most 10 attempts a "
        "minute per address.",
        request=TokenInput,
        responses={201: OpenApiResponse(description="{token, expires_at}"), **errors(400, 403)},
        auth=[],
    )
    def post(self, request):
        data = self.parse(TokenInput)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None:
            raise ValidationError({"non_field_errors": [_("Wrong username or password.")]})
        if not Scope.of(user).has_any(*WORKER_ROLES, Role.VOLUNTEER):
            raise PermissionDenied(_("Your account has no role in referrals."))
        token, key = token_issue(user=user, name=data.get("name", ""))
        return Response({"token": key, "expires_at": token.expires_at.isoformat()}, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary="Revoke the token in use",
        description="Who may use it: anyone authenticated with a token (it stops working at once).",
        request=None,
        responses={204: None, **errors(400, 401)},
    )
    def delete(self, request):
        if not request.user.is_authenticated:
            return Response({"detail": _("Authentication credentials were not provided.")}, status=401)
        if not hasattr(request.auth, "key_hash"):
            raise ValidationError({"non_field_errors": [_("This request was not made with a token.")]})
        token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(ReferralAPIView):
    @extend_schema(
        tags=[TAG],
        summary="My roles and notification preferences",
        description="Who may use it: anyone authenticated.",
        responses={200: OpenApiResponse(description="{roles, daily_digest}"), **errors(401)},
    )
    def get(self, request):
        return Response(self._me(request.user))

    @extend_schema(
        tags=[TAG],
        summary="Change my notification preferences",
        description="Who may use it: anyone authenticated. daily_digest=true: one e-mail a day listing open "
        "tasks instead of one e-mail per new task (for volunteers).",
        request=PreferencesInput,
        responses={200: OpenApiResponse(description="{roles, daily_digest}"), **errors(400, 401)},
    )
    def put(self, request):
        data = self.parse(PreferencesInput)
        services.preferences_set(user=request.user, daily_digest=data["daily_digest"])
        return Response(self._me(request.user))

    def _me(self, user):
        scope = Scope.of(user)
        roles = [
            role
            for role in (Role.SOCIAL_WORKER, Role.NETWORK_MANAGER, Role.COORDINATOR, Role.VOLUNTEER, Role.ADMINISTRATOR)
            if scope.has_any(role)
        ]
        preference = NotificationPreference.objects.filter(user=user).first()
        return {
            "username": user.get_username(),
            "roles": roles,
            "may_read_reports": scope.may_read_reports,
            "daily_digest": bool(preference and preference.daily_digest),
        }
