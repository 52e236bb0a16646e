"""Every list page issues a constant number of queries, whatever the number of rows.

Each page is measured with a few rows, then with more rows than a page holds.
Common to every page: (1) the session, (2) the user, (3) the user's active membership with its
organisation and department (cached on the user for the whole request).
"""

import pytest
from django.urls import reverse

from partners.models import Membership, User
from tests.factories import OrganisationFactory

from .factories import ContactFactory, ResourceFactory, ServiceOfferFactory, TrainingOfferFactory

pytestmark = pytest.mark.django_db

SIZES = [3, 45]


def grow(kind, orgs, paris, size):
    if kind == "organisations":
        OrganisationFactory.create_batch(size, department=paris)
    elif kind == "offers":
        for _ in range(size):
            ServiceOfferFactory(organisation=OrganisationFactory(department=paris), publics=["bpi"])
    elif kind == "resources":
        ResourceFactory.create_batch(size, department=paris, organisation=orgs["partner"])
    elif kind == "trainings":
        TrainingOfferFactory.create_batch(size, department=paris)
    elif kind == "members":
        # Without password hashing: fast.
        start = User.objects.count()
        users = User.objects.bulk_create(
            User(email=f"membre{start + n}@passerelle.test", last_name=f"Membre {n}")
            for n in range(size)
        )
        Membership.objects.bulk_create(
            Membership(user=user, organisation=orgs["ofii"]) for user in users
        )
    elif kind == "organisation":
        ContactFactory.create_batch(size, organisation=orgs["ofii"])
        ServiceOfferFactory.create_batch(size, organisation=orgs["ofii"], languages=["fr", "ar"])


# (page, what grows, query string, expected queries after the three common ones)
CASES = [
    # (4) count of organisations, (5) departments of the filter's select, (6) the page of
    # organisations with their department and active-offer count
    ("organisation_list", "organisations", {"receives_referrals": "true"}, 3),
    # (4) count of offers, (5) the page of offers with their organisation
    ("offer_list", "offers", {}, 2),
    # the same, ranked by the profile check
    ("offer_list", "offers", {"age": "24", "rqth": "false", "french_level": "A1"}, 2),
    # (4) whether the person keeps the resource base, (5) count of resources, (6) the page of
    # resources with their organisation
    ("resource_list", "resources", {"q": "Ressource"}, 3),
    # (4) count of trainings, (5) the page of trainings
    ("training_list", "trainings", {"level": "A2"}, 2),
]


@pytest.mark.parametrize(("page", "kind", "params", "extra"), CASES)
def test_list_pages_issue_a_constant_number_of_queries(
    client, ofii, orgs, paris, django_assert_num_queries, page, kind, params, extra
):
    client.force_login(ofii)
    shown = 0
    for size in SIZES:
        grow(kind, orgs, paris, size - shown)
        shown = size
        with django_assert_num_queries(3 + extra):
            response = client.get(reverse(page), params)
        assert response.status_code == 200
        assert len(response.context["page_obj"]) >= min(size, 20)


def test_members_page_issues_a_constant_number_of_queries(
    client, ofii, orgs, paris, django_assert_num_queries
):
    client.force_login(ofii)
    url = reverse("member_list", args=[orgs["ofii"].pk])
    shown = 1
    for size in SIZES:
        grow("members", orgs, paris, size - shown)
        shown = size
        # (4) the organisation, (5) count of memberships, (6) the page of memberships with
        # their users, (7) pending invitations
        with django_assert_num_queries(7):
            response = client.get(url)
        assert len(response.context["page_obj"]) == size


def test_organisation_page_issues_a_constant_number_of_queries(
    client, ofii, orgs, paris, django_assert_num_queries
):
    client.force_login(ofii)
    url = reverse("organisation_detail", args=[orgs["ofii"].pk])
    shown = 0
    for size in SIZES:
        grow("organisation", orgs, paris, size - shown)
        shown = size
        # (4) the organisation with its department, (5) its offers, (6) its contacts
        with django_assert_num_queries(6):
            response = client.get(url)
        assert len(response.context["offers"]) == size
