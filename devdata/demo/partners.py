"""Demo data of the partners app: departments, organisations, people. Fictional people only."""

import datetime
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

import partners
from partners import trainings
from partners.models import (
    Contact,
    Department,
    Membership,
    Organisation,
    OrganisationKind,
    Resource,
    ResourceCategory,
    ServiceOffer,
    User,
)

SAMPLE_TRAININGS = Path(partners.__file__).resolve().parent / "samples" / "trainings.csv"

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

# The second factor is required for coordinators and platform admins, in the demo too: their demo
# accounts share this fictional TOTP secret (README, "Demo accounts"). Add it to an
# authenticator app, or print the current code with ``manage.py demo_code``.
DEMO_TOTP_SECRET = "PASSERELLEDEMO2FAFICTIVEDEMOAAAA"
DEMO_TOTP_ACCOUNTS = ["prefecture@demo.passerelle.test", ADMIN_ACCOUNT[0]]


def seed_demo_totp(stdout):
    """A confirmed TOTP device with the demo secret for each account that needs one."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    for user in User.objects.filter(email__in=DEMO_TOTP_ACCOUNTS):
        TOTPDevice.objects.get_or_create(
            user=user, name="Démo", defaults={"key": key, "confirmed": True}
        )
    stdout.write(
        f"partners: second factor of {', '.join(DEMO_TOTP_ACCOUNTS)}: TOTP secret "
        f"{DEMO_TOTP_SECRET} (current code: manage.py demo_code)"
    )


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
    # One hash for every demo account: a PBKDF2 hash takes a noticeable fraction of a second.
    password_hash = make_password(password)
    for email, first, last, code, kind, is_admin in ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if was_created:
            user.password = password_hash
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
    seed_demo_totp(stdout)
    load_directory(departments, stdout)


# --- The directory: offers, contacts, resources, trainings ------------------------------------

K = OrganisationKind
# Offers per organisation kind, the same in both departments: (title, description, fields).
OFFERS = {
    K.MISSION_LOCALE: [
        (
            "Contrat d'engagement jeune (CEJ)",
            "Accompagnement intensif de 15 à 20 heures par semaine vers l'emploi ou la "
            "formation, avec une allocation selon les ressources.",
            {"min_age": 16, "max_age": 25, "publics": ["under_26"], "languages": ["fr", "en"]},
        ),
        (
            "Accompagnement des jeunes primo-arrivants",
            "Un conseiller référent, un diagnostic, l'accès au français à visée professionnelle "
            "et aux aides à la mobilité.",
            {
                "min_age": 16,
                "max_age": 25,
                "publics": ["under_26", "bpi"],
                "languages": ["fr", "ar", "en"],
            },
        ),
    ],
    K.FRANCE_TRAVAIL: [
        (
            "Accompagnement global",
            "Accompagnement conjoint avec le service social du département pour lever les freins "
            "périphériques à l'emploi.",
            {"languages": ["fr", "en"]},
        ),
        (
            "Parcours emploi des réfugiés (AGIR)",
            "Accompagnement global et individualisé des bénéficiaires de la protection "
            "internationale : logement, emploi, droits.",
            {"bpi_only": True, "publics": ["bpi"], "languages": ["fr", "en", "ar", "ps"]},
        ),
        (
            "Ateliers de recherche d'emploi",
            "CV, lettre, entretien d'embauche : ateliers collectifs d'une demi-journée.",
            {"min_french_level": "A2", "min_age": 18, "languages": ["fr"]},
        ),
    ],
    K.CAP_EMPLOI: [
        (
            "Accompagnement vers l'emploi des personnes RQTH",
            "Conseil, bilan, aménagement de poste, mobilisation des aides de l'Agefiph.",
            {"requires_rqth": True, "publics": ["rqth"], "min_age": 18, "languages": ["fr"]},
        ),
    ],
    K.ASSOCIATION: [
        (
            "Atelier emploi des femmes",
            "Rencontres avec des employeuses, garde d'enfants pendant l'atelier.",
            {"publics": ["women"], "languages": ["fr", "ar", "ti", "so"]},
        ),
        (
            "Reconnaissance des diplômes étrangers",
            "Aide au dossier ENIC-NARIC et à la VAE pour les diplômés du supérieur.",
            {"publics": ["graduates"], "min_french_level": "B1", "languages": ["fr", "en", "ru"]},
        ),
    ],
    K.CITY: [],
}

CONTACTS = [
    ("Référent de l'accord", "Camille Bertin"),
    ("Référent des orientations", "Yanis Chevalier"),
]

# (name, category, commune, postcode, description) per department.
RESOURCES = {
    "75": [
        ("Service intégré d'accueil et d'orientation (SIAO)", ResourceCategory.HOUSING),
        ("Foyer de travailleurs Fontaine-au-Roi", ResourceCategory.HOUSING),
        ("Permanence logement Horizons", ResourceCategory.HOUSING),
        ("Résidence sociale Belleville", ResourceCategory.HOUSING),
        ("Permanence d'accès aux soins (PASS) Saint-Louis", ResourceCategory.HEALTH),
        ("Centre de santé Richerand", ResourceCategory.HEALTH),
        ("Comede — consultation médicale", ResourceCategory.HEALTH),
        ("Centre médico-psychologique Paris 19", ResourceCategory.HEALTH),
        ("Crèche à vocation d'insertion professionnelle", ResourceCategory.CHILDCARE),
        ("Halte-garderie Les Petits Pas", ResourceCategory.CHILDCARE),
        ("Relais petite enfance Paris 18", ResourceCategory.CHILDCARE),
        ("Plateforme mobilité Wimoov", ResourceCategory.MOBILITY),
        ("Solidarité transport (Navigo tarif réduit)", ResourceCategory.MOBILITY),
        ("Auto-école sociale Papa Charlie", ResourceCategory.MOBILITY),
        ("Point-justice Paris 20", ResourceCategory.LEGAL),
        ("Cimade — permanence juridique", ResourceCategory.LEGAL),
        ("Maison de la justice et du droit Paris Nord-Est", ResourceCategory.LEGAL),
        ("Espace France services Paris 11", ResourceCategory.LEGAL),
        ("Emmaüs Connect — recharge et équipement", ResourceCategory.DIGITAL),
        ("Atelier numérique de la bibliothèque Václav Havel", ResourceCategory.DIGITAL),
        ("Conseiller numérique Paris 19", ResourceCategory.DIGITAL),
        ("Cours municipaux d'adultes — français", ResourceCategory.LANGUAGE),
        ("Ateliers sociolinguistiques du centre social Belleville", ResourceCategory.LANGUAGE),
        ("Bibliothèque publique d'information — autoformation", ResourceCategory.LANGUAGE),
    ],
    "93": [
        ("SIAO 93 — hébergement", ResourceCategory.HOUSING),
        ("Résidence sociale Adoma Saint-Denis", ResourceCategory.HOUSING),
        ("PASS de l'hôpital Delafontaine", ResourceCategory.HEALTH),
        ("Centre municipal de santé de Montreuil", ResourceCategory.HEALTH),
        ("Crèche AVIP Bobigny", ResourceCategory.CHILDCARE),
        ("Plateforme mobilité 93", ResourceCategory.MOBILITY),
        ("Point-justice Bobigny", ResourceCategory.LEGAL),
        ("France services Aubervilliers", ResourceCategory.LEGAL),
        ("Atelier numérique de Saint-Denis", ResourceCategory.DIGITAL),
        ("Ateliers sociolinguistiques de Montreuil", ResourceCategory.LANGUAGE),
    ],
}
COMMUNES = {
    "75": [("Paris", "75011"), ("Paris", "75018"), ("Paris", "75019"), ("Paris", "75020")],
    "93": [("Saint-Denis", "93200"), ("Montreuil", "93100"), ("Bobigny", "93000")],
}


def load_directory(departments, stdout):
    """Offers, contacts and resources of the demo organisations; the sample trainings."""
    # The demo's own organisations (not those the governance demo adds, such as the city).
    names = [row[0] for rows in ORGANISATIONS.values() for row in rows]
    organisations = list(
        Organisation.objects.filter(department__in=departments.values(), name__in=names)
    )
    existing = set(ServiceOffer.objects.values_list("organisation_id", "title"))
    today = timezone.localdate()
    offers = []
    for organisation in organisations:
        for index, (title, description, fields) in enumerate(OFFERS.get(organisation.kind, [])):
            if (organisation.pk, title) in existing:
                continue
            offers.append(
                ServiceOffer(
                    organisation=organisation,
                    title=title,
                    description=description,
                    how_to_register=(
                        f"Par courriel à {organisation.notification_email}, ou sur orientation "
                        "dans Passerelle."
                    ),
                    places=10 + 5 * index,
                    # The second offer of each organisation is older than a year: flagged for review.
                    last_reviewed_on=today - datetime.timedelta(days=400 if index == 1 else 30),
                    **fields,
                )
            )
    ServiceOffer.objects.bulk_create(offers)

    existing = set(Contact.objects.values_list("organisation_id", "name"))
    contacts = [
        Contact(
            organisation=organisation,
            name=name,
            role=role,
            email=f"{name.split()[0].lower()}.{organisation.pk}@demo.passerelle.test",
            phone="01 00 00 00 00",
        )
        for organisation in organisations
        for role, name in CONTACTS
        if (organisation.pk, name) not in existing
    ]
    Contact.objects.bulk_create(contacts)

    existing = set(Resource.objects.values_list("department_id", "name"))
    resources = []
    for code, rows in RESOURCES.items():
        department = departments[code]
        for index, (name, category) in enumerate(rows):
            if (department.pk, name) in existing:
                continue
            commune, postcode = COMMUNES[code][index % len(COMMUNES[code])]
            resources.append(
                Resource(
                    department=department,
                    name=name,
                    category=category,
                    commune=commune,
                    postcode=postcode,
                    description=f"{ResourceCategory(category).label} — accueil sur rendez-vous.",
                    address=f"{index + 1} rue de la Solidarité, {postcode} {commune}",
                    phone="01 00 00 00 00",
                )
            )
    Resource.objects.bulk_create(resources)

    result = trainings.import_trainings(SAMPLE_TRAININGS.read_bytes())
    if not result.ok:
        raise ValueError(f"sample trainings: {result.errors[:3]}")
    stdout.write(
        f"partners: {len(offers)} offers, {len(contacts)} contacts, {len(resources)} resources, "
        f"{result.created} trainings created ({result.total} in the sample)"
    )
