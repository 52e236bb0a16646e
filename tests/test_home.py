import html

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "heading", "role_label"),
    [
        ("ofii", "Mes dossiers et orientations", "Auditeur OFII"),
        ("mission_locale", "Orientations reçues", "Conseiller SPE"),
        ("prefecture", "Pilotage de l'accord départemental", "Coordination départementale"),
        ("partner", "Espace partenaire", "Partenaire"),
        ("platform_admin", "Administration de la plateforme", "Administrateur de la plateforme"),
    ],
)
def test_each_role_has_its_home(client, request, persona, heading, role_label):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    content = html.unescape(client.get(reverse("home")).content.decode())
    assert heading in content
    assert role_label in content
    assert user.get_full_name() in content


def test_home_lists_only_the_organisations_of_ones_department(client, ofii, orgs):
    client.force_login(ofii)
    content = client.get(reverse("home")).content.decode()
    assert "France Travail Paris" in content
    assert "OFII Bobigny" not in content
    assert "France Travail 93" not in content


def test_home_query_count_does_not_grow_with_organisations(
    client, ofii, paris, django_assert_num_queries
):
    from .factories import OrganisationFactory

    client.force_login(ofii)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("home"))
        return len(ctx.captured_queries)

    before = count()
    OrganisationFactory.create_batch(20, department=paris)
    cache.clear()  # the files summary is cached per department: count it again
    # session, user, membership (+ organisation, department), organisations of the department
    with django_assert_num_queries(before):
        client.get(reverse("home"))


def test_the_ofii_files_summary_is_computed_once_per_department_for_a_few_minutes(
    client, ofii, orgs
):
    from beneficiaries.models import Beneficiary

    from .factories import BeneficiaryFactory, member_of

    BeneficiaryFactory.create_batch(2, ofii_organisation=orgs["ofii"])
    colleague = member_of(orgs["ofii"])
    client.force_login(ofii)
    assert client.get(reverse("home")).context["files_summary"]["total"] == 2
    BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    client.force_login(colleague)
    # The same department within the cache's lifetime: the figure computed for the first view.
    assert client.get(reverse("home")).context["files_summary"]["total"] == 2
    cache.clear()
    assert client.get(reverse("home")).context["files_summary"]["total"] == (
        Beneficiary.objects.filter(ofii_organisation=orgs["ofii"]).count()
    )


def test_home_panels_listing_names_write_their_read_audit(client, ofii, mission_locale, orgs):
    from partners.models import AuditEntry
    from referrals.models import Status

    from .factories import BeneficiaryFactory, ReferralFactory

    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Diallo")
    pending = ReferralFactory(
        beneficiary=person, to_organisation=orgs["mission_locale"], sender=ofii
    )
    refused = ReferralFactory(
        beneficiary=BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Traoré"),
        to_organisation=orgs["mission_locale"],
        sender=ofii,
        status=Status.REFUSED,
        answered_at=timezone.now(),
        refusal_reason="declined",
    )
    ReferralFactory(beneficiary=BeneficiaryFactory(ofii_organisation=orgs["ofii93"]))

    client.force_login(ofii)
    content = client.get(reverse("home")).content.decode()
    assert "DIALLO" in content and "TRAORÉ" in content
    # One row for the panel, holding the ids it showed.
    audited = AuditEntry.objects.get(actor=ofii, action="list", object_type="referral")
    assert sorted(audited.shown_ids) == sorted([str(pending.pk), str(refused.pk)])

    client.force_login(mission_locale)
    assert "DIALLO" in client.get(reverse("home")).content.decode()
    audited = AuditEntry.objects.get(actor=mission_locale, object_type="referral")
    assert audited.shown_ids == [str(pending.pk)]


def test_home_panels_with_no_names_write_no_audit(client, prefecture, partner):
    from partners.models import AuditEntry

    for user in (prefecture, partner):
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200
    # Their sign-ins are audited (object type "account"); no personal record is.
    assert not AuditEntry.objects.exclude(object_type="account").exists()
