import pytest
from django.core.management import CommandError, call_command

from partners.models import Department, Organisation, OrganisationKind, User
from partners.roles import Role, role_of

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


def test_load_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")


def test_load_demo_creates_the_accounts_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
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
    for email, role in ACCOUNTS.items():
        user = User.objects.get(email=email)
        assert user.check_password("passerelle-demo")
        assert role_of(user) == role
    assert (
        User.objects.get(email="ofii93@demo.passerelle.test").organisation.department.code == "93"
    )
    printed = capsys.readouterr().out
    assert "ofii@demo.passerelle.test" in printed and "passerelle-demo" in printed

    before = {model: model.objects.count() for model in (User, Organisation)}
    call_command("load_demo")
    assert {model: model.objects.count() for model in (User, Organisation)} == before


def test_each_demo_account_logs_in_and_lands_on_its_home(settings, client):
    settings.DEBUG = True
    call_command("load_demo")
    headings = {
        Role.OFII: "Mes dossiers et orientations",
        Role.RECEIVER: "Orientations reçues",
        Role.COORDINATOR: "Pilotage de l",
        Role.PARTNER: "Espace partenaire",
        Role.PLATFORM_ADMIN: "Administration de la plateforme",
    }
    for email, role in ACCOUNTS.items():
        response = client.post(
            "/connexion/", {"username": email, "password": "passerelle-demo"}, follow=True
        )
        assert response.redirect_chain[-1][0] == "/", email
        assert headings[role] in response.content.decode(), email
        client.post("/deconnexion/")
