"""Demo data of the partners app: departments, organisations, people. Fictional people only."""

from django.db import transaction

from .models import Department, Membership, Organisation, OrganisationKind, User

DEPARTMENTS = [("75", "Paris"), ("93", "Seine-Saint-Denis")]

ORGANISATIONS = {
    "75": [
        (
            "OFII — Direction territoriale de Paris",
            OrganisationKind.OFII,
            False,
            "48 rue de la Roquette, 75011 Paris",
        ),
        (
            "France Travail Paris",
            OrganisationKind.FRANCE_TRAVAIL,
            True,
            "1 avenue du Docteur Gley, 75020 Paris",
        ),
        (
            "Mission Locale de Paris",
            OrganisationKind.MISSION_LOCALE,
            True,
            "22 rue Pajol, 75018 Paris",
        ),
        (
            "Cap emploi Paris",
            OrganisationKind.CAP_EMPLOI,
            True,
            "12 rue de la Chapelle, 75018 Paris",
        ),
        (
            "Préfecture de la région Île-de-France, préfecture de Paris",
            OrganisationKind.PREFECTURE,
            False,
            "5 rue Leblanc, 75015 Paris",
        ),
        (
            "Association Horizons Accueil",
            OrganisationKind.ASSOCIATION,
            False,
            "8 rue des Envierges, 75020 Paris",
        ),
    ],
    "93": [
        (
            "OFII — Direction territoriale de Bobigny",
            OrganisationKind.OFII,
            False,
            "1 rue de l'Union, 93000 Bobigny",
        ),
        (
            "France Travail Seine-Saint-Denis",
            OrganisationKind.FRANCE_TRAVAIL,
            True,
            "10 avenue Jean Jaurès, 93000 Bobigny",
        ),
        (
            "Mission Locale Seine-Saint-Denis",
            OrganisationKind.MISSION_LOCALE,
            True,
            "3 rue Carnot, 93200 Saint-Denis",
        ),
        (
            "Cap emploi Seine-Saint-Denis",
            OrganisationKind.CAP_EMPLOI,
            True,
            "5 allée du Parc, 93100 Montreuil",
        ),
        (
            "Préfecture de la Seine-Saint-Denis",
            OrganisationKind.PREFECTURE,
            False,
            "1 esplanade Jean Moulin, 93000 Bobigny",
        ),
        (
            "Association Trait d'Union 93",
            OrganisationKind.ASSOCIATION,
            False,
            "14 rue de Paris, 93100 Montreuil",
        ),
    ],
}

# (e-mail, first name, last name, department, organisation kind, organisation admin)
ACCOUNTS = [
    ("ofii@demo.passerelle.test", "Claire", "Morvan", "75", OrganisationKind.OFII, True),
    (
        "france-travail@demo.passerelle.test",
        "Hugo",
        "Lemaire",
        "75",
        OrganisationKind.FRANCE_TRAVAIL,
        True,
    ),
    (
        "mission-locale@demo.passerelle.test",
        "Inès",
        "Carpentier",
        "75",
        OrganisationKind.MISSION_LOCALE,
        True,
    ),
    ("cap-emploi@demo.passerelle.test", "Paul", "Vasseur", "75", OrganisationKind.CAP_EMPLOI, True),
    (
        "prefecture@demo.passerelle.test",
        "Sophie",
        "Delaunay",
        "75",
        OrganisationKind.PREFECTURE,
        True,
    ),
    (
        "partenaire@demo.passerelle.test",
        "Marc",
        "Ferrand",
        "75",
        OrganisationKind.ASSOCIATION,
        True,
    ),
    ("ofii93@demo.passerelle.test", "Nadia", "Roussel", "93", OrganisationKind.OFII, True),
]
ADMIN_ACCOUNT = ("admin@demo.passerelle.test", "Alex", "Martin")


def organisation(department_code, kind):
    """The demo organisation of a kind in a department (one of each)."""
    return Organisation.objects.get(department__code=department_code, kind=kind)


@transaction.atomic
def load(password, stdout):
    """Idempotent: creates what is missing, leaves existing rows (and passwords) as they are."""
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name})
    for code, rows in ORGANISATIONS.items():
        for name, kind, receives, address in rows:
            slug = name.split("—")[0].strip().lower().replace(" ", "-")
            Organisation.objects.get_or_create(
                department=departments[code],
                name=name,
                defaults={
                    "kind": kind,
                    "receives_referrals": receives,
                    "address": address,
                    "notification_email": f"{slug}-{code}@demo.passerelle.test",
                },
            )
    created = 0
    for email, first, last, code, kind, is_admin in ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if was_created:
            user.set_password(password)
            user.save(update_fields=["password"])
            created += 1
        Membership.objects.get_or_create(
            user=user,
            is_active=True,
            defaults={"organisation": organisation(code, kind), "is_admin": is_admin},
        )
    email, first, last = ADMIN_ACCOUNT
    if not User.objects.filter(email=email).exists():
        User.objects.create_superuser(email, password, first_name=first, last_name=last)
        created += 1
    stdout.write(f"partners: {created} demo accounts created")
