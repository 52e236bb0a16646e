"""Demo data of the life of the partnership (issue 18), in Paris: activities of the year and the
previous one, a thematic group with a meeting, news, programmes and files' entries into them,
employers with their partnership, offers and hires. Dates follow today. Loaded after governance;
kept when already there (idempotent)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from governance.life import actions
from governance.life.models import Activity, News, Programme
from governance.models import Agreement, Committee, Meeting
from partners.models import (
    Contact,
    EmployerPartnership,
    Membership,
    OfferKind,
    Organisation,
    OrganisationKind,
    Resource,
    ServiceOffer,
)
from referrals.models import FOLLOWED_STATUSES, JOB_OUTCOMES, Referral, Status

# (kind, days ago, place, organisation kinds, agents, people met, report)
ACTIVITIES = [
    (
        "permanence",
        12,
        "Plateforme OFII, Paris 11e",
        ("france_travail", "ofii"),
        2,
        14,
        "Permanence mensuelle du SPE : information sur l'inscription et les offres.",
    ),
    (
        "permanence",
        40,
        "Plateforme OFII, Paris 11e",
        ("mission_locale", "ofii"),
        1,
        9,
        "Présentation du contrat d'engagement jeune aux moins de 26 ans.",
    ),
    ("permanence", 75, "Plateforme OFII, Paris 11e", ("france_travail", "ofii"), 2, 11, ""),
    (
        "immersion",
        20,
        "Agence France Travail Paris 19e",
        ("ofii", "france_travail"),
        3,
        0,
        "Deux auditeurs OFII en immersion une journée à l'agence.",
    ),
    ("visit", 55, "Mission Locale de Paris, site Belleville", ("ofii", "mission_locale"), 2, 0, ""),
    (
        "working_meeting",
        30,
        "DDETS",
        ("france_travail", "ofii", "mission_locale", "cap_emploi"),
        6,
        0,
        "Point sur les délais de réponse et les orientations refusées.",
    ),
    (
        "civic_training",
        65,
        "Plateforme OFII, Paris 11e",
        ("france_travail",),
        1,
        40,
        "Intervention du SPE à la journée 3 de la formation civique.",
    ),
    ("permanence", 380, "Plateforme OFII, Paris 11e", ("france_travail", "ofii"), 2, 12, ""),
]
EMPLOYERS = [
    (OrganisationKind.GEIQ, "GEIQ BTP Île-de-France (démo)", 12, 6, 4, "Lucien Marais"),
    (OrganisationKind.OPCO, "OPCO des services (démo)", None, None, 20, "Inès Carvalho"),
    (OrganisationKind.EMPLOYER, "Hôtellerie Bastille (démo)", 5, 8, None, "Paul Verdier"),
]
PROGRAMMES = [
    ("HOPE Île-de-France", Programme.Kind.HOPE, ("france_travail",), 60),
    ("PIC — parcours intégrés", Programme.Kind.PIC, ("france_travail",), None),
    ("AGIR Paris", Programme.Kind.AGIR, ("ofii",), 120),
    ("Contrat d'engagement jeune", Programme.Kind.CEJ, ("mission_locale", "france_travail"), None),
    ("Passerelle linguistique vers l'emploi", Programme.Kind.LOCAL, ("association",), 30),
]


def _member(organisation):
    membership = (
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def load(password, stdout):
    agreement = (
        Agreement.objects.filter(department__code="75", status=Agreement.Status.IN_FORCE)
        .order_by("-starts_on")
        .first()
    )
    if agreement is None or Activity.objects.filter(agreement=agreement).exists():
        stdout.write("life: kept")
        return
    department = agreement.department
    today = timezone.localdate()
    orgs = {
        kind: Organisation.objects.filter(department=department, kind=kind).order_by("pk").first()
        for kind in (
            "ofii",
            "france_travail",
            "mission_locale",
            "cap_emploi",
            "prefecture",
            "association",
        )
    }
    coordinator = _member(orgs["prefecture"])
    # A second load: the governance demo rebuilt the agreement (its activities went with it);
    # the rest is still there. Rows only, as they were: the audit journal already has them.
    again = Programme.objects.filter(department=department).exists()
    for kind, days, place, keys, agents, met, report in ACTIVITIES:
        fields = {
            "kind": kind,
            "held_on": today - dt.timedelta(days=days),
            "place": place,
            "agents": agents,
            "people_met": met,
            "report": report,
        }
        organisations = [orgs[key] for key in keys if orgs.get(key)]
        if again:
            activity = Activity.objects.create(
                agreement=agreement, recorded_by=coordinator, **fields
            )
            activity.organisations.set(organisations)
        else:
            actions.record_activity(coordinator, agreement, fields, organisations)
    if again:
        group = Committee.objects.create(
            agreement=agreement,
            kind=Committee.Kind.THEMATIC,
            name="Femmes et emploi",
            chair="DDETS, mission droits des femmes",
        )
    else:
        group = actions.add_thematic_group(
            coordinator, agreement.pk, "Femmes et emploi", "DDETS, mission droits des femmes"
        )
    Meeting.objects.create(
        committee=group,
        date=timezone.now() + dt.timedelta(days=21),
        place="DDETS, salle 4",
        agenda="Gardes d'enfants et accès aux permanences\nBilan des entrées en formation",
    )
    if again:
        stdout.write("life: activities of the rebuilt agreement")
        return
    news_exist = News.objects.filter(department=department).exists()
    for title, text in (
        []
        if news_exist
        else [
            (
                "Forum de l'emploi des nouveaux arrivants",
                "Le forum réunit employeurs, GEIQ et partenaires du SPE au Carreau du Temple le mois "
                "prochain. Inscriptions des partenaires auprès de la DDETS.",
            ),
            (
                "Nouvelle permanence France Travail",
                "France Travail tient désormais une permanence chaque mardi matin sur la plateforme "
                "d'accueil de l'OFII.",
            ),
        ]
    ):
        actions.publish_news(coordinator, title=title, text=text)
    ft_user = _member(orgs["france_travail"])
    if ft_user is not None and not news_exist:
        actions.publish_news(
            ft_user,
            title="Réunion des référents CEJ",
            text="Les référents CEJ se réunissent à l'agence Paris 19e ; l'OFII y est invité.",
            to_all=False,
            audience=[orgs["ofii"], orgs["mission_locale"]],
        )
    News.objects.filter(department=department, title__startswith="Forum").update(
        published_at=timezone.now() - dt.timedelta(days=today.day + 2)
    )

    employers = []
    for kind, name, recruitments, immersions, trainings, contact in EMPLOYERS:
        employer, _ = Organisation.objects.get_or_create(
            department=department, name=name, defaults={"kind": kind}
        )
        Contact.objects.get_or_create(
            organisation=employer,
            name=contact,
            defaults={
                "role": "Chargé(e) des relations avec le SPE",
                "email": f"contact@{kind}.demo.passerelle.test",
            },
        )
        EmployerPartnership.objects.get_or_create(
            organisation=employer,
            defaults={
                "convention_signed": recruitments is not None,
                "signed_on": today - dt.timedelta(days=200) if recruitments is not None else None,
                "recruitments": recruitments,
                "immersions": immersions,
                "trainings": trainings,
            },
        )
        employers.append(employer)
    ServiceOffer.objects.get_or_create(
        organisation=employers[0],
        title="Contrats de professionnalisation — maçonnerie, VRD",
        defaults={"kind": OfferKind.JOB, "description": "Français A2 à l'oral.", "places": 8},
    )
    ServiceOffer.objects.get_or_create(
        organisation=employers[2],
        title="Immersion en cuisine et service (PMSMP)",
        defaults={"kind": OfferKind.IMMERSION, "places": 6},
    )
    # Hires naming their employer (the outcome was recorded by the referrals' demo).
    hired = Referral.objects.filter(
        to_organisation__department=department, status=Status.CLOSED, outcome__in=JOB_OUTCOMES
    ).order_by("-sent_at")
    for index, pk in enumerate(hired.values_list("pk", flat=True)[:24]):
        Referral.objects.filter(pk=pk).update(outcome_employer=employers[index % 2 * 2])

    programmes = {}
    for name, kind, operators, places in PROGRAMMES:
        programme, _ = Programme.objects.get_or_create(
            department=department,
            name=name,
            defaults={
                "kind": kind,
                "places": places,
                "starts_on": today.replace(month=1, day=1) - dt.timedelta(days=365),
            },
        )
        programme.operators.set([orgs[key] for key in operators if orgs.get(key)])
        programmes[kind] = programme
    for organisation, kind in ((orgs["mission_locale"], "cej"), (orgs["france_travail"], "hope")):
        counsellor = _member(organisation)
        followed = (
            Referral.objects.filter(to_organisation=organisation, status__in=FOLLOWED_STATUSES)
            .exclude(beneficiary__programme_entries__programme=programmes[kind])
            .select_related("beneficiary")[:8]
        )
        for index, referral in enumerate(followed):
            actions.record_programme_entry(
                counsellor,
                referral.beneficiary,
                programme=programmes[kind],
                operator=organisation,
                entered_on=today - dt.timedelta(days=10 + 9 * index),
                referral=referral,
            )
    # A few resources not reviewed for more than a year: France Travail is reminded.
    stale = Resource.objects.filter(department=department).order_by("pk")[:3]
    Resource.objects.filter(pk__in=[r.pk for r in stale]).update(
        last_reviewed_on=today - dt.timedelta(days=400)
    )
    stdout.write(
        f"life: {Activity.objects.count()} activities, {News.objects.count()} news, "
        f"{Programme.objects.count()} programmes, {len(employers)} employers"
    )
