"""The demo (``manage.py load_demo``): loaded ONCE for this module, whose tests only read it (or
roll back what they add). Every app's demo is checked here, rather than in one module per app, so
that the demo is built once per test session.

The module-scoped ``demo`` fixture loads it inside a transaction that is rolled back when the
module ends: no other test sees it. pytest-randomly shuffles the tests within a module, never
across modules, so the transaction stays open only while this module's tests run; each test's own
transaction is a savepoint inside it.
"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Max, Min
from django.test.utils import override_settings
from django.utils import timezone

from beneficiaries.models import Beneficiary, Interview
from devdata.builder import recent_years
from devdata.demo import beneficiaries as beneficiaries_demo
from devdata.demo import partners as partners_demo
from devdata.demo import referrals as referrals_demo
from effects.models import Effect
from exchange.models import WebhookDelivery
from governance import queries
from governance.models import Action, Agreement, FollowUpItem, Indicator, Meeting
from partners.models import (
    AuditEntry,
    Contact,
    Department,
    Organisation,
    OrganisationKind,
    Resource,
    ServiceOffer,
    TrainingOffer,
    User,
)
from partners.roles import Role, role_of
from referrals.models import FollowUp, Referral, ReferralEvent, Status

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "ofii@demo.passerelle.test": Role.OFII,
    "france-travail@demo.passerelle.test": Role.RECEIVER,
    "mission-locale@demo.passerelle.test": Role.RECEIVER,
    "cap-emploi@demo.passerelle.test": Role.RECEIVER,
    "prefecture@demo.passerelle.test": Role.COORDINATOR,
    "partenaire@demo.passerelle.test": Role.PARTNER,
    "ofii93@demo.passerelle.test": Role.OFII,
    "admin@demo.passerelle.test": Role.PLATFORM_ADMIN,
}
ROWS = (
    User,
    Organisation,
    ServiceOffer,
    Contact,
    Resource,
    TrainingOffer,
    Beneficiary,
    Interview,
    Referral,
    ReferralEvent,
    FollowUp,
    AuditEntry,
    Agreement,
    Meeting,
    Action,
    FollowUpItem,
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo's printed output; its rows live until the end of the module (rolled back)."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEBUG=True):
                call_command("load_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def counts():
    return {model.__name__: model.objects.count() for model in ROWS}


def test_load_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")


def test_a_second_load_changes_no_row(demo, settings):
    settings.DEBUG = True
    before = counts()
    snapshot = list(
        Beneficiary.objects.order_by("ofii_number").values_list("ofii_number", "last_name")
    )
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before
    assert (
        list(Beneficiary.objects.order_by("ofii_number").values_list("ofii_number", "last_name"))
        == snapshot
    )


def test_the_accounts_and_their_roles(demo):
    assert set(Department.objects.values_list("code", flat=True)) == {"75", "93"}
    for code in ("75", "93"):
        kinds = set(
            Organisation.objects.filter(department__code=code).values_list("kind", flat=True)
        )
        assert {
            OrganisationKind.OFII,
            OrganisationKind.FRANCE_TRAVAIL,
            OrganisationKind.MISSION_LOCALE,
            OrganisationKind.CAP_EMPLOI,
            OrganisationKind.PREFECTURE,
            OrganisationKind.ASSOCIATION,
        } <= kinds
    users = {user.email: user for user in User.objects.filter(email__in=ACCOUNTS)}
    for email, role in ACCOUNTS.items():
        assert role_of(users[email]) == role, email
    # One hash for every account (checked once: a PBKDF2 check takes a noticeable time).
    assert len({u.password for e, u in users.items() if e != "admin@demo.passerelle.test"}) == 1
    assert users["ofii@demo.passerelle.test"].check_password("passerelle-demo")
    assert users["ofii93@demo.passerelle.test"].organisation.department.code == "93"
    assert "ofii@demo.passerelle.test" in demo and "passerelle-demo" in demo


def test_each_demo_account_lands_on_its_home(demo, client):
    headings = {
        Role.OFII: "Mes dossiers et orientations",
        Role.RECEIVER: "Orientations reçues",
        Role.COORDINATOR: "Pilotage de l",
        Role.PLATFORM_ADMIN: "Administration de la plateforme",
        Role.PARTNER: "Espace partenaire",
    }
    # One real sign-in with the demo password; the others are let in directly (same hash).
    response = client.post(
        "/connexion/",
        {"username": "partenaire@demo.passerelle.test", "password": "passerelle-demo"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    assert headings[Role.PARTNER] in response.content.decode()
    client.post("/deconnexion/")
    for email, role in ACCOUNTS.items():
        client.force_login(User.objects.get(email=email))
        assert headings[role] in client.get("/").content.decode(), email
        client.logout()


def test_the_directory_is_complete(demo):
    assert Resource.objects.count() >= 30
    assert TrainingOffer.objects.count() >= 60
    assert set(TrainingOffer.objects.values_list("department__code", flat=True)) == {"75", "93"}
    without_offers = (
        Organisation.objects.filter(
            kind__in=["france_travail", "mission_locale", "cap_emploi", "association"]
        )
        .annotate(n=Count("offers"))
        .filter(n=0)
    )
    assert not without_offers.exists()
    assert (
        not Organisation.objects.filter(department__code__in=["75", "93"])
        .annotate(n=Count("contacts"))
        .filter(n=0)
        .exclude(kind__in=["city", "other"])
        .exists()
    )
    assert ServiceOffer.objects.stale().exists()  # something to review in the demo


def test_the_files_are_many_varied_and_follow_today(demo):
    today = timezone.localdate()
    by_department = dict(
        Beneficiary.objects.values_list("ofii_organisation__department__code")
        .annotate(n=Count("pk"))
        .values_list("ofii_organisation__department__code", "n")
    )
    assert by_department["75"] >= 2000 and by_department["93"] >= 500
    span = Beneficiary.objects.aggregate(first=Min("cir_signed_on"), last=Max("cir_signed_on"))
    assert span["first"].year == recent_years(4, today)[0]
    assert today - datetime.timedelta(days=10) <= span["last"] < today
    kinds = dict(Beneficiary.objects.values_list("permit_kind").annotate(n=Count("pk")))
    assert len(kinds) >= 6 and kinds["family"] > kinds["work"] > kinds["stateless"]
    assert set(Beneficiary.objects.values_list("sex", flat=True)) == {"F", "M"}
    assert Beneficiary.objects.filter(french_level="none").exists()
    interviewed = Interview.objects.filter(kind="personalised").count()
    assert 0.95 * Beneficiary.objects.count() < interviewed < Beneficiary.objects.count()
    assert Interview.objects.filter(spe_decision="oriented").exists()
    assert Interview.objects.filter(kind="end_of_cir").exists()
    assert not Interview.objects.filter(held_on__gt=today).exists()


def test_the_hand_off_features_have_demo_data(demo):
    """Tested levels and notices, skills assessments, prescriptions naming sessions (places
    counted down) for each department, liaison sheets."""
    from beneficiaries.models import LiaisonSheet

    files = Beneficiary.objects.filter(anonymised_at__isnull=True)
    assert files.exclude(oral_level="").exclude(information_notice_on=None).exists()
    assert files.exclude(target_jobs=[]).exists()
    for code in ("75", "93"):
        prescribed = Interview.objects.filter(
            training_offer__isnull=False, beneficiary__ofii_organisation__department__code=code
        )
        assert prescribed.exists(), code
        taken = TrainingOffer.objects.filter(department__code=code).aggregate(
            taken=Count("prescriptions")
        )["taken"]
        assert (
            sum(
                TrainingOffer.objects.filter(department__code=code).values_list(
                    "places_taken", flat=True
                )
            )
            == taken
        )
    assert LiaisonSheet.objects.exists()


def test_the_referrals_went_through_their_transitions(demo):
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Referral.objects.overdue().exists()
    assert FollowUp.objects.exists()
    assert Referral.objects.filter(status=Status.CLOSED).exclude(outcome="").exists()
    # Every referral has its "sent" event, and answers came in 1 to 20 days.
    assert ReferralEvent.objects.filter(from_status="").count() == Referral.objects.count()
    for referral in Referral.objects.exclude(answered_at=None)[:200]:
        assert 1 <= (referral.answered_at - referral.sent_at).days <= 21
    now = timezone.now()
    assert not Referral.objects.filter(sent_at__gt=now).exists()
    # The actions wrote the events and the audit rows; their moments follow the story.
    assert not ReferralEvent.objects.filter(at__gt=now).exists()
    first_events = ReferralEvent.objects.filter(from_status="").order_by("pk")[:50]
    for event in first_events:
        assert event.at == event.referral.sent_at
    transitions = (
        ReferralEvent.objects.filter(kind=ReferralEvent.Kind.TRANSITION)
        .exclude(from_status="")
        .count()
    )
    assert AuditEntry.objects.filter(object_type="referral", action="transition").count() == (
        transitions
    )
    answered = Referral.objects.exclude(answered_at=None).order_by("?")[:20]
    for referral in answered:
        event = (
            referral.events.filter(kind=ReferralEvent.Kind.TRANSITION)
            .exclude(from_status="")
            .order_by("at")
            .first()
        )
        assert event.at == referral.answered_at
        assert event.actor.active_membership.organisation_id == referral.to_organisation_id
    assert Referral.objects.filter(
        to_organisation__department__code="93", status=Status.CLOSED
    ).exists()
    # Each partner's demo counsellor has people of their own in "Mes accompagnements".
    for email in ("france-travail@demo.passerelle.test", "mission-locale@demo.passerelle.test"):
        assert Referral.objects.filter(
            assigned_to__email=email, status__in=(Status.ACCEPTED, Status.IN_PROGRESS)
        ).exists()


def test_the_story_leaves_no_e_mail_or_webhook_to_send(demo):
    # Thousands of past transitions: neither sent at load time nor left for the relay to send.
    assert Referral.objects.count() > 1000
    assert not Effect.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_a_second_referral_load_adds_nothing(demo):
    before = counts()
    referrals_demo.load(password="x", stdout=io.StringIO())
    partners_demo.load(password="x", stdout=io.StringIO())
    beneficiaries_demo.load(password="x", stdout=io.StringIO())
    assert counts() == before


def test_the_agreements_follow_today(demo):
    years = recent_years(4)
    paris = Agreement.objects.get(department__code="75")
    assert paris.axes.count() == 3
    assert paris.signatories.count() >= 7
    assert Action.objects.filter(agreement=paris).count() >= 10
    assert Indicator.objects.filter(action__agreement=paris, source="computed").exists()
    assert set(paris.actions.values_list("indicators__years__year", flat=True).distinct()) == set(
        years
    )
    meetings = Meeting.objects.filter(committee__agreement=paris)
    assert {m.date.year for m in meetings} == set(years)
    assert not meetings.filter(status=Meeting.Status.HELD, date__gt=timezone.now()).exists()
    # Last year kept its cadence; this year is one COPIL short (December's is only planned).
    assert not any(row["behind"] for row in queries.cadence(paris, years[-2]))
    cadence = {row["committee"].kind: row for row in queries.cadence(paris, years[-1])}
    assert cadence["copil"]["behind"] and cadence["copil"]["planned"] >= 1
    assert paris.starts_on <= timezone.localdate() <= paris.ends_on
    # Held through the actions: attendance, decisions, follow-up items.
    held = meetings.filter(status=Meeting.Status.HELD)
    assert held.exists() and not held.filter(attendance__isnull=True).exists()
    assert FollowUpItem.objects.filter(status="done").exists()
    assert FollowUpItem.objects.filter(status="open").exists()
    assert Agreement.objects.filter(department__code="93").exists()


def test_the_demo_coordinator_signs_in_with_the_demo_second_factor(demo, client):
    """The second factor is required in the demo too; its fictional secret gives the code."""
    assert partners_demo.DEMO_TOTP_SECRET in demo
    client.post(
        "/connexion/",
        {"username": "prefecture@demo.passerelle.test", "password": "passerelle-demo"},
    )
    assert client.get("/")["Location"].startswith("/compte/double-authentification/code/")
    out = io.StringIO()
    call_command("demo_code", stdout=out)
    code = out.getvalue().split()[0]
    response = client.post("/compte/double-authentification/code/", {"code": code}, follow=True)
    assert "Pilotage de l" in response.content.decode()
