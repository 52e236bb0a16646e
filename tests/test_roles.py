import pytest
from django.http import Http404
from django.test import RequestFactory

from partners.access import capability_required
from partners.roles import Cap, Role, has_capability, role_of

pytestmark = pytest.mark.django_db


def test_roles_follow_the_organisation_kind(
    ofii, france_travail, mission_locale, cap_emploi, prefecture, partner, platform_admin
):
    assert role_of(ofii) == Role.OFII
    assert (
        role_of(france_travail) == role_of(mission_locale) == role_of(cap_emploi) == Role.RECEIVER
    )
    assert role_of(prefecture) == Role.COORDINATOR
    assert role_of(partner) == Role.PARTNER
    assert role_of(platform_admin) == Role.PLATFORM_ADMIN


def test_an_association_that_receives_orientations_acts_as_a_receiver(orgs):
    from .factories import member_of

    orgs["partner"].receives_referrals = True
    orgs["partner"].save()
    assert role_of(member_of(orgs["partner"])) == Role.RECEIVER


def test_section_4_of_the_design(ofii, mission_locale, prefecture, partner):
    assert has_capability(ofii, Cap.BENEFICIARY_EDIT)
    assert has_capability(ofii, Cap.REFERRAL_SEND)
    assert not has_capability(ofii, Cap.GOVERNANCE_EDIT)
    assert has_capability(mission_locale, Cap.REFERRAL_ANSWER)
    assert not has_capability(mission_locale, Cap.BENEFICIARY_EDIT)
    assert not has_capability(prefecture, Cap.BENEFICIARY_VIEW)
    assert not has_capability(prefecture, Cap.REFERRAL_VIEW)
    assert has_capability(prefecture, Cap.GOVERNANCE_EDIT)
    assert has_capability(prefecture, Cap.REPORT_VALIDATE)
    assert not has_capability(partner, Cap.BENEFICIARY_VIEW)
    assert not has_capability(partner, Cap.STATISTICS_VIEW)
    assert has_capability(partner, Cap.REPORT_VIEW_PUBLISHED)


def test_a_refused_capability_answers_404(prefecture):
    @capability_required(Cap.BENEFICIARY_VIEW)
    def view(request):
        return "never"

    request = RequestFactory().get("/")
    request.user = prefecture
    with pytest.raises(Http404):
        view(request)
