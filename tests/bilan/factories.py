"""A Paris agreement as in seeds/001 (fictional data where the seed names no one), with its
committees, meetings, decisions, follow-up items and action plan."""

import datetime

from django.utils import timezone

from governance.models import (
    Action,
    Agreement,
    Amendment,
    AnnualReport,
    Axis,
    Committee,
    Decision,
    FollowUpItem,
    Indicator,
    IndicatorYear,
    Meeting,
    Signatory,
)

SIGNATORIES = [
    ("prefecture", "Magali CHARBONNEAU", "Préfète, directrice de cabinet"),
    ("ofii", "André GENTEUIL", "Directeur territorial"),
    ("france_travail", "Jean-Philippe DELCOURT", "Directeur territorial"),
    ("mission_locale", "Nicolas GARNIER", "Directeur général"),
    ("cap_emploi", "Franck SEURIN", "Directeur général"),
    ("partner", "Fatiha MLATI", "Directrice de l'intégration en France"),
]


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def paris_agreement(orgs, year=2025):
    """The agreement in force over ``year``, with two COPIL and two comité technique meetings
    held that year (one short of its cadence), decisions and an overdue follow-up item."""
    department = orgs["ofii"].department
    agreement = Agreement.objects.create(
        department=department,
        title="Accord départemental de partenariat en faveur de l'insertion professionnelle "
        "des étrangers primo-arrivants pour Paris",
        national_framework="Accord-cadre national 2020-2024 signé le 1er mars 2021",
        signed_on=datetime.date(2022, 6, 1),
        starts_on=datetime.date(2022, 6, 1),
        ends_on=datetime.date(year + 1, 3, 1),
        status=Agreement.Status.IN_FORCE,
    )
    for key, name, title in SIGNATORIES:
        Signatory.objects.create(
            agreement=agreement,
            organisation=orgs[key],
            representative=name,
            representative_title=title,
            signed_on=datetime.date(2022, 6, 1),
        )
    Amendment.objects.create(
        agreement=agreement,
        number=1,
        signed_on=datetime.date(2024, 3, 1),
        summary="Prolongation de l'accord jusqu'au 1er mars 2026.",
    )
    axes = [
        Axis.objects.create(agreement=agreement, number=n, title=title)
        for n, title in [
            (1, "Renforcer la connaissance réciproque des offres de service"),
            (2, "Mobiliser les acteurs du SPE dans une logique de parcours global"),
            (3, "Assurer un suivi personnalisé et l'échange de données"),
        ]
    ]
    copil = Committee.objects.create(
        agreement=agreement, kind=Committee.Kind.COPIL, chair="Le préfet ou son représentant"
    )
    technical = Committee.objects.create(agreement=agreement, kind=Committee.Kind.TECHNICAL)
    meetings = []
    for committee, dates in [(copil, [(3, 12), (11, 20)]), (technical, [(2, 5), (9, 17)])]:
        for month, day in dates:
            meetings.append(
                Meeting.objects.create(
                    committee=committee,
                    date=at(year, month, day),
                    place="Préfecture de Paris, salle Lutèce",
                    status=Meeting.Status.HELD,
                )
            )
    decision = Decision.objects.create(
        meeting=meetings[0],
        text="Organiser une immersion des auditeurs OFII dans deux agences France Travail.",
    )
    FollowUpItem.objects.create(
        meeting=meetings[0],
        decision=decision,
        description="Transmettre le calendrier des immersions",
        owner=orgs["france_travail"],
        due_on=datetime.date(year, 4, 30),
    )
    action = Action.objects.create(
        agreement=agreement,
        axis=axes[1],
        title="Orienter chaque signataire du CIR demandeur d'emploi vers le SPE",
        lead_organisation=orgs["ofii"],
        starts_on=datetime.date(2022, 6, 1),
        status=Action.Status.IN_PROGRESS,
    )
    action.partner_organisations.set([orgs["france_travail"], orgs["mission_locale"]])
    computed = Indicator.objects.create(
        action=action,
        name="Orientations envoyées",
        source=Indicator.Source.COMPUTED,
        statistic="referrals_sent",
    )
    IndicatorYear.objects.create(indicator=computed, year=year, target=10)
    manual = Indicator.objects.create(
        action=action, name="Immersions réalisées", source=Indicator.Source.MANUAL
    )
    IndicatorYear.objects.create(indicator=manual, year=year, target=4, value=2)
    return agreement


def copil_meeting(agreement):
    return Meeting.objects.filter(
        committee__agreement=agreement, committee__kind=Committee.Kind.COPIL
    ).first()


def validating_copil(agreement, when=None):
    """A COPIL meeting held after the end of the bilan's year and after its generation (by
    default the 20 January following 2025, ``ready_report`` being generated on 10 January)."""
    return Meeting.objects.create(
        committee=agreement.committees.get(kind=Committee.Kind.COPIL),
        date=when or at(2026, 1, 20),
        place="Préfecture de Paris, salle Lutèce",
        status=Meeting.Status.HELD,
    )


def ready_report(agreement, year=2025, version=1, **kwargs):
    """A report as the task leaves it, generated on 10 January of the next year, with the
    snapshot of its figures (for download and validation tests)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from governance.bilan.snapshot import collect

    name = default_storage.save(
        f"bilans/test/{agreement.pk}-{year}-v{version}.pdf", ContentFile(b"%PDF-1.7 test\n")
    )
    fields = dict(
        agreement=agreement,
        year=year,
        version=version,
        status=AnnualReport.Status.READY,
        progress=100,
        pdf=name,
        sha256="0" * 64,
        snapshot={"statistics": {}},
        generated_at=at(year + 1, 1, 10),
    )
    fields.update(kwargs)
    fields["snapshot"] = collect(AnnualReport(**fields))
    return AnnualReport.objects.create(**fields)


def other_department_agreement(orgs):
    department = orgs["ofii93"].department
    return Agreement.objects.create(
        department=department,
        title="Accord départemental — Seine-Saint-Denis",
        starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date(2027, 1, 1),
        status=Agreement.Status.IN_FORCE,
    )
