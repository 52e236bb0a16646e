import html

import pytest
from django.urls import reverse

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
    # session, user, membership (+ organisation, department), organisations of the department
    with django_assert_num_queries(before):
        client.get(reverse("home"))
