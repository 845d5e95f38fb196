"""The demo of ``make run``: every role tryable with a printed account, sample referrals in every state,
created through the services; idempotent; never when DEBUG is off."""

import re
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

import pytest
from viewflow.workflow.models import Task

from referrals.demo import ACCOUNTS, load_demo
from referrals.demo.accounts import DEMO_GROUP
from referrals.models import AuditEvent, Beneficiary, Consent, EmergencyCallProcess, ReferralProcess, State
from tests.factories import OrganizationFactory, ServiceFactory, ambito, comune

PASSWORD = "demo-password-for-tests"
README = "README.md"


@pytest.fixture
def directory(db):
    """One association with a public service in each demo ambito, as the demo directory has."""
    for name, seat in (("Associazione Incontro Lecco", "Lecco"), ("Associazione Ponti di Parole", "Monza")):
        organization = OrganizationFactory(name=name, municipality=comune(seat))
        organization.ambiti.set([ambito(seat)])
        organization.save()
        ServiceFactory(organization=organization, name_it=f"Corso di italiano ({seat})", themes=["italian-courses"])


@pytest.fixture
def demo(directory, settings):
    settings.DEBUG = True
    return load_demo(password=PASSWORD)


def log_in(username) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/workflow/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"{username} could not log in"
    return client


def test_every_state_of_a_referral_is_in_the_sample_data(demo):
    states = set(ReferralProcess.objects.filter(is_sample=True).values_list("state", flat=True))
    expected = {
        State.DRAFT,
        State.SUBMITTED,
        State.RETURNED,
        State.REJECTED,
        State.APPROVED,
        State.WAITING_LIST,
        State.DECLINED,
        State.ACCEPTED,
        State.IN_PROGRESS,
        State.OUTCOME_RECORDED,
        State.CLOSED,
        State.CANCELLED,
    }
    assert states == expected
    # an accepted referral whose task a volunteer claimed, with a progress note
    in_progress = ReferralProcess.objects.filter(is_sample=True, state=State.IN_PROGRESS).first()
    task = Task.objects.get(process_id=in_progress.pk, flow_task__endswith="volunteer_task")
    assert task.owner.username.endswith("-volunteer-1")
    # late: one referral waits for triage beyond its time limit in each ambito
    assert sum(referral.is_overdue for referral in ReferralProcess.objects.filter(state=State.SUBMITTED)) == 2
    calls = dict(EmergencyCallProcess.objects.values_list("ambiti__name", "state"))
    assert calls == {"Lecco": "open", "Monza": "taken"}
    revoked = Consent.objects.filter(revoked_at__isnull=False)
    assert revoked.count() == 2 and Consent.objects.filter(revoked_at__isnull=True).count() > 10
    # real: made by the services, so the history names who did each step
    closed = ReferralProcess.objects.filter(state=State.CLOSED).first()
    actions = list(AuditEvent.objects.filter(referral=closed).order_by("pk").values_list("action", "actor__username"))
    assert actions[0] == ("started", "lecco-comune") or actions[0] == ("started", "monza-comune")
    assert [action for action, _actor in actions][-1] == "closed"
    assert {actor.split("-")[1] for _action, actor in actions} >= {"comune", "manager", "coordinator", "volunteer"}


def test_everything_is_marked_as_sample_data_and_a_second_run_creates_nothing(directory, settings):
    settings.DEBUG = True
    first, second = StringIO(), StringIO()
    call_command("referrals_demo", stdout=first)
    assert not ReferralProcess.objects.filter(is_sample=False).exists()
    assert not Beneficiary.objects.filter(is_sample=False).exists()
    assert not EmergencyCallProcess.objects.filter(is_sample=False).exists()
    demo_users = get_user_model().objects.filter(groups__name=DEMO_GROUP)
    assert sorted(demo_users.values_list("username", flat=True)) == sorted(a.username for a in ACCOUNTS)

    # The table of accounts and the one shared password, printed once.
    printed = first.getvalue()
    password = re.search(r"Password of every demo account: (\S+)", printed).group(1)
    for account in ACCOUNTS:
        assert re.search(rf"^{re.escape(account.username)}\s+{re.escape(account.role)}\s", printed, re.M)
    assert "Associazione Incontro Lecco" in printed and "Comune di Monza (office)" in printed

    counts = (ReferralProcess.objects.count(), get_user_model().objects.count(), AuditEvent.objects.count())
    call_command("referrals_demo", stdout=second)
    assert counts == (ReferralProcess.objects.count(), get_user_model().objects.count(), AuditEvent.objects.count())
    assert password not in second.getvalue() and "already exist" in second.getvalue()
    again = load_demo(password="another-password")
    assert again.password is None and again.created_accounts == [] and again.cases is None
    # the first password still opens every account
    client = Client()
    assert client.post("/workflow/login/", {"username": "evaluation", "password": password}).status_code == 302


def test_the_readme_table_lists_every_printed_account():
    with open(README, encoding="utf-8") as readme:
        section = readme.read().split("### Try every role", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.M))
    assert listed == {account.username for account in ACCOUNTS}


def test_nothing_is_created_when_debug_is_off(directory, settings):
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        load_demo(password=PASSWORD)
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("referrals_demo", stdout=StringIO())
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("referrals_demo", "--reset-password", stdout=StringIO())
    assert not get_user_model().objects.filter(username__in=[a.username for a in ACCOUNTS]).exists()
    assert not ReferralProcess.objects.exists()


# What each account finds on its landing page after logging in (the README says the same).
REFERRAL_NUMBER = r"R-\d{6}"
LANDING = {
    "lecco-comune": ("/workflow/", REFERRAL_NUMBER),
    "lecco-ambito": ("/workflow/", REFERRAL_NUMBER),
    "lecco-manager": ("/workflow/", REFERRAL_NUMBER),
    "lecco-coordinator": ("/workflow/", REFERRAL_NUMBER),
    "lecco-volunteer-1": ("/workflow/", REFERRAL_NUMBER),
    "lecco-volunteer-2": ("/workflow/", REFERRAL_NUMBER),
    "monza-comune": ("/workflow/", REFERRAL_NUMBER),
    "monza-ambito": ("/workflow/", REFERRAL_NUMBER),
    "monza-manager": ("/workflow/", REFERRAL_NUMBER),
    "monza-coordinator": ("/workflow/", REFERRAL_NUMBER),
    "monza-volunteer-1": ("/workflow/", REFERRAL_NUMBER),
    "monza-volunteer-2": ("/workflow/", REFERRAL_NUMBER),
    "evaluation": ("/workflow/reports/", r"\d+ referrals submitted"),
}


def test_each_demo_account_logs_in_and_finds_work_waiting(demo):
    """One demo for all the accounts (loading it takes seconds)."""
    for username, (path, item) in LANDING.items():
        response = log_in(username).get(path)
        assert response.status_code == 200, username
        assert re.search(item, response.content.decode()), f"{username} finds nothing on {path}"
    for username in ("lecco-editor", "lecco-moderator", "monza-editor", "monza-moderator"):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        response = client.post("/admin/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, f"{username} could not log in to the admin"
        listing = client.get("/admin/snippets/cms/service/")
        assert listing.status_code == 200
        html = listing.content.decode()
        own, other = ("Lecco", "Monza") if username.startswith("lecco") else ("Monza", "Lecco")
        assert f"Corso di italiano ({own})" in html and f"Corso di italiano ({other})" not in html, username
    sample = ReferralProcess.objects.filter(office_municipality__name="Lecco").first()
    page = log_in("lecco-comune").get(f"/workflow/referrals/{sample.pk}/").content.decode()
    assert "Sample data: this referral and its person were invented for the demo." in page
    assert set(LANDING) | {"lecco-editor", "lecco-moderator", "monza-editor", "monza-moderator"} == {
        account.username for account in ACCOUNTS
    }
