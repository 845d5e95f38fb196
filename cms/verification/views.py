"""The page an organisation reaches from its verification e-mail. Anyone holding a valid link may use it
(no account): it shows the organisation's public records and lets it confirm them or propose changes.
Invalid, expired, revoked or over-used links get a page that says so (404, 410, 429), and nothing is written
but the audit row."""

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import ProposalForm
from .links import Action, audit, resolve
from .mail import notify_editors_of_proposal
from .proposals import confirm, propose, public_services


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def refused(request, refusal):
    response = render(request, "cms/verification/refused.html", {"refusal": refusal}, status=refusal.status)
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def check_listing(request, token: str):
    ip = client_ip(request)
    link, refusal = resolve(token, ip_address=ip)
    if refusal is not None:
        return refused(request, refusal)
    organization = link.organization
    services = list(public_services(organization).prefetch_related("service_at_locations__location__municipality"))
    records = [organization, *services]
    form = ProposalForm(records=records, language=request.LANGUAGE_CODE)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "confirm":
        confirm(link, ip_address=ip)
        return redirect(f"{request.path}?done=confirmed")
    if request.method == "POST":
        form = ProposalForm(request.POST, records=records, language=request.LANGUAGE_CODE)
        if form.is_valid():
            note = form.cleaned_data.get("note", "")
            revisions = propose(link, form.proposals(), note=note, ip_address=ip)
            notify_editors_of_proposal(link, revisions=revisions, note=note)
            return redirect(f"{request.path}?done=proposed")
        status = 400
    else:
        audit(Action.OPENED, link=link, ip_address=ip)
    context = {
        "organization": organization,
        "services": services,
        "form": form,
        "link": link,
        "done": request.GET.get("done") if request.method == "GET" else None,
    }
    response = render(request, "cms/verification/check.html", context, status=status)
    response["Referrer-Policy"] = "no-referrer"
    return response
