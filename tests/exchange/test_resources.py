"""The new API resources, scoped like the pages (404 out of scope): interviews (the situation
notes stay the OFII's), qualifications, follow-ups (created by the receiver), offers written by
their organisation's admins, trainings and resources of the department; beneficiaries found by
France Travail identifier."""

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Qualification
from referrals import actions
from referrals.models import FollowUp
from tests.factories import BeneficiaryFactory, InterviewFactory, ReferralFactory, member_of
from tests.partners.factories import ResourceFactory, ServiceOfferFactory, TrainingOfferFactory

pytestmark = pytest.mark.django_db
SITUATION = {"family_situation", "social_situation", "professional_situation", "notes"}


@pytest.fixture
def referred(orgs, ofii):
    """A person of OFII Paris with an interview (notes written) and a qualification, referred
    to the Mission Locale."""
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"], france_travail_id="4455667X")
    interview = InterviewFactory(beneficiary=person, family_situation="Deux enfants", notes="RAS")
    qualification = Qualification.objects.create(beneficiary=person, kind="diploma", title="BTS")
    referral = ReferralFactory(
        beneficiary=person, sender=ofii, to_organisation=orgs["mission_locale"]
    )
    return person, interview, qualification, referral


def test_the_ofii_reads_the_situation_notes_the_receivers_do_not(
    api_as, referred, ofii, mission_locale
):
    _person, interview, _q, _r = referred
    url = reverse("interview-detail", args=[interview.pk])
    as_ofii = api_as(ofii).get(url).json()
    assert as_ofii["family_situation"] == "Deux enfants"
    as_receiver = api_as(mission_locale).get(url)
    assert as_receiver.status_code == 200
    assert not SITUATION & set(as_receiver.json())
    assert as_receiver.json()["spe_decision"] == interview.spe_decision


def test_interviews_and_qualifications_out_of_scope_answer_404(
    api_as, referred, france_travail, ofii93, partner
):
    _person, interview, qualification, _r = referred
    for user in (france_travail, ofii93):
        client = api_as(user)
        assert client.get(reverse("interview-detail", args=[interview.pk])).status_code == 404
        assert (
            client.get(reverse("qualification-detail", args=[qualification.pk])).status_code == 404
        )
        assert client.get(reverse("interview-list")).json()["results"] == []
    assert api_as(partner).get(reverse("interview-list")).status_code == 404


def test_the_receiver_posts_a_follow_up_once_it_accepted(api_as, referred, mission_locale, ofii):
    _person, _i, _q, referral = referred
    client = api_as(mission_locale)
    data = {
        "referral": referral.pk,
        "kind": "diagnostic",
        "happened_on": timezone.localdate().isoformat(),
    }
    early = client.post(reverse("followup-list"), data, format="json")
    assert early.status_code == 409
    actions.accept(mission_locale, referral)
    created = client.post(reverse("followup-list"), data, format="json")
    assert created.status_code == 201
    assert FollowUp.objects.get().organisation == mission_locale.active_membership.organisation
    missing = client.post(
        reverse("followup-list"), {**data, "kind": "accompaniment"}, format="json"
    )
    assert missing.status_code == 400
    assert list(missing.json()) == ["accompaniment"]
    # The sender reads it, but may not write one.
    as_ofii = api_as(ofii)
    assert [row["id"] for row in as_ofii.get(reverse("followup-list")).json()["results"]] == [
        created.json()["id"]
    ]
    assert as_ofii.post(reverse("followup-list"), data, format="json").status_code == 404


def test_a_follow_up_on_a_referral_out_of_scope_answers_404(api_as, referred, cap_emploi):
    _person, _i, _q, referral = referred
    response = api_as(cap_emploi).post(
        reverse("followup-list"),
        {"referral": referral.pk, "kind": "diagnostic", "happened_on": "2026-01-05"},
        format="json",
    )
    assert response.status_code == 404


def test_beneficiaries_are_found_by_france_travail_identifier(api_as, referred, ofii, ofii93):
    person, *_rest = referred
    BeneficiaryFactory(ofii_organisation=person.ofii_organisation, france_travail_id="9999999Z")
    found = api_as(ofii).get(reverse("beneficiary-list"), {"france_travail_id": "4455667x"})
    assert [row["id"] for row in found.json()["results"]] == [person.pk]
    elsewhere = api_as(ofii93).get(reverse("beneficiary-list"), {"france_travail_id": "4455667X"})
    assert elsewhere.json()["results"] == []


def test_an_organisation_admin_writes_its_offers(api_as, orgs, mission_locale):
    admin = member_of(orgs["mission_locale"], is_admin=True)
    client = api_as(admin)
    created = client.post(
        reverse("offer-list"),
        {"title": "Garantie jeunes", "publics": ["under_26"], "min_age": 16, "max_age": 25},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["organisation"] == orgs["mission_locale"].pk
    detail = reverse("offer-detail", args=[created.json()["id"]])
    changed = client.patch(detail, {"is_active": False}, format="json")
    assert changed.json()["is_active"] is False
    bad = client.patch(detail, {"min_age": 30}, format="json")
    assert bad.status_code == 400
    assert list(bad.json()) == ["max_age"]
    # A member who is not admin, or another organisation's admin: 404.
    assert (
        api_as(mission_locale)
        .post(reverse("offer-list"), {"title": "X"}, format="json")
        .status_code
        == 404
    )
    other = ServiceOfferFactory(organisation=orgs["cap_emploi"])
    assert (
        client.patch(
            reverse("offer-detail", args=[other.pk]), {"title": "Pris"}, format="json"
        ).status_code
        == 404
    )


def test_trainings_and_resources_are_those_of_the_department(api_as, orgs, ofii, ofii93):
    training = TrainingOfferFactory(department=orgs["ofii"].department)
    TrainingOfferFactory(department=orgs["ofii93"].department)
    resource = ResourceFactory(department=orgs["ofii"].department)
    ResourceFactory(department=orgs["ofii93"].department)
    client = api_as(ofii)
    trainings = client.get(reverse("training-list")).json()["results"]
    assert [row["id"] for row in trainings] == [training.pk]
    resources = client.get(reverse("resource-list")).json()["results"]
    assert [row["id"] for row in resources] == [resource.pk]
    assert client.get(reverse("training-detail", args=[training.pk + 1])).status_code == 404
