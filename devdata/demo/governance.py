"""Demo data of the governance app. Fictional people only; idempotent.

The Paris agreement is modelled on the seed document (articles 1 to 7): its signatories (with
fictional representatives), its three axes, an action plan of twelve actions with indicators,
and the COPIL and comité technique meetings of the last four years (up to today's year) with
minutes, decisions and follow-up items, held through the governance actions. The current year is
left one COPIL short (the December one is only planned), so that the cadence warning shows. The
Seine-Saint-Denis agreement is sketched more briefly.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from devdata import builder
from devdata.builder import recent_years
from governance.models import (
    Action,
    Agreement,
    Amendment,
    Axis,
    Committee,
    FollowUpItem,
    Indicator,
    IndicatorYear,
    Meeting,
)
from partners.models import Department, Membership, Organisation, OrganisationKind

PARIS_TITLE = (
    "Accord départemental de partenariat en faveur de l'insertion professionnelle des étrangers "
    "primo-arrivants pour Paris"
)
NATIONAL_FRAMEWORK = (
    "Accord-cadre national 2020-2024 en faveur de l'insertion professionnelle des étrangers "
    "primo-arrivants, signé le 1er mars 2021 par les ministères de l'Intérieur et du Travail, "
    "l'OFII et Pôle emploi, étendu aux acteurs du service public de l'emploi."
)
AXES = [
    (
        "Renforcer la connaissance réciproque des offres de service des partenaires et partager "
        "les expertises",
        "Informations sur les offres, réunions de travail, visites et immersions entre agents de "
        "l'OFII et du SPE, base de ressources sociales et partenariales.",
    ),
    (
        "Mobiliser les acteurs du SPE dans une logique de parcours global, facilitant les "
        "passerelles entre les opérateurs",
        "Entretien personnalisé, orientation vers le SPE sauf dispense expresse, diagnostic "
        "approfondi, formation linguistique complémentaire, reconnaissance des qualifications.",
    ),
    (
        "Assurer un suivi personnalisé et fluidifier l'insertion professionnelle",
        "Échanges d'informations et de données entre la DT OFII et le SPE ; statistiques pour "
        "les comités techniques et le COPIL.",
    ),
]
# (organisation key, fictional representative, title)
SIGNATORIES = [
    ("prefecture", "Hélène Marchetti", "Préfète, directrice de cabinet, pour le préfet de Paris"),
    ("ofii", "Bertrand Lacoste", "Directeur territorial de l'OFII Paris"),
    ("france_travail", "Nathalie Brémont", "Directrice territoriale de France Travail Paris"),
    ("mission_locale", "Olivier Castaing", "Directeur général de la Mission Locale de Paris"),
    ("epec", "Claire Vautrin", "Directrice générale d'Ensemble Paris Emploi Compétences"),
    ("cap_emploi", "Julien Ferrat", "Directeur général de Cap emploi Paris"),
    ("city", "Sabine Aubertin", "Adjointe à la maire chargée de l'emploi"),
    ("association", "Mounia Delorme", "Directrice de l'intégration"),
]
# (axis, title, lead, partners, [(indicator, statistic or "", unit, target per year)])
ACTIONS = [
    (
        1,
        "Présenter les offres de service du SPE aux auditeurs de l'OFII",
        "france_travail",
        ["ofii", "mission_locale", "cap_emploi"],
        [("Réunions d'information tenues", "", "réunions", 4)],
    ),
    (
        1,
        "Immersions croisées d'agents OFII et SPE",
        "ofii",
        ["france_travail", "mission_locale"],
        [("Immersions réalisées", "activities.immersion", "immersions", 6)],
    ),
    (
        1,
        "Base de ressources sociales et partenariales pour les freins à l'emploi",
        "france_travail",
        ["city", "association"],
        [("Ressources référencées et à jour", "", "ressources", 80)],
    ),
    (
        1,
        "Permanences du SPE sur la plateforme d'accueil de l'OFII",
        "mission_locale",
        ["france_travail", "ofii"],
        [("Permanences tenues", "activities.permanence", "permanences", 20)],
    ),
    (
        2,
        "Orienter vers le SPE chaque signataire du CIR sans emploi",
        "ofii",
        ["france_travail", "mission_locale", "cap_emploi"],
        [
            ("Signataires du CIR", "cir_signatories", "personnes", 600),
            ("Orientations envoyées", "referrals_sent", "orientations", 350),
        ],
    ),
    (
        2,
        "Répondre à chaque orientation dans les dix jours ouvrés",
        "france_travail",
        ["mission_locale", "cap_emploi"],
        [
            ("Délai médian de réponse", "median_days_to_answer", "jours", 10),
            ("Taux d'acceptation", "acceptance_rate", "%", 80),
        ],
    ),
    (
        2,
        "Diagnostic approfondi et premier rendez-vous rapides",
        "france_travail",
        ["mission_locale"],
        [
            (
                "Délai médian jusqu'au premier rendez-vous",
                "median_days_to_first_appointment",
                "jours",
                21,
            ),
            ("Diagnostics approfondis réalisés", "follow_ups.diagnostic", "diagnostics", 150),
            (
                "Orientés à l'entretien sans orientation envoyée",
                "oriented_not_referred",
                "personnes",
                10,
            ),
        ],
    ),
    (
        2,
        "Formation linguistique complémentaire à visée professionnelle",
        "city",
        ["france_travail", "epec"],
        [
            (
                "Entrées en formation linguistique complémentaire",
                "follow_ups.french_training",
                "personnes",
                120,
            )
        ],
    ),
    (
        2,
        "Reconnaissance des qualifications et de l'expérience (ENIC-NARIC, VAE)",
        "epec",
        ["france_travail", "association"],
        [
            (
                "Demandes de reconnaissance accompagnées",
                "follow_ups.qualification_recognition",
                "demandes",
                60,
            )
        ],
    ),
    (
        2,
        "Accompagnement des jeunes primo-arrivants (CEJ)",
        "mission_locale",
        ["ofii"],
        [("Jeunes entrés en CEJ", "accompaniments.cej", "jeunes", 90)],
    ),
    (
        3,
        "Échange automatisé des orientations et de leurs suites",
        "ofii",
        ["france_travail", "mission_locale", "cap_emploi"],
        [
            ("Orientations acceptées", "referrals_accepted", "orientations", 280),
            ("Orientations en retard de réponse", "overdue", "orientations", 0),
        ],
    ),
    (
        3,
        "Statistiques trimestrielles pour le comité technique",
        "prefecture",
        ["ofii"],
        [("Tableaux de bord transmis", "", "tableaux", 4)],
    ),
]
AGENDAS = {
    Committee.Kind.COPIL: (
        "Ouverture par le préfet\nBilan annuel d'exécution du plan d'actions\n"
        "Statistiques de l'année\nFeuille de route et priorités\nQuestions diverses"
    ),
    Committee.Kind.TECHNICAL: (
        "Suivi des orientations et des délais de réponse\nPoint sur les actions du plan\n"
        "Préparation du prochain COPIL"
    ),
}
# (kind, month, day) of each year's meetings
SCHEDULE = [
    (Committee.Kind.TECHNICAL, 2, 9),
    (Committee.Kind.COPIL, 3, 16),
    (Committee.Kind.TECHNICAL, 5, 11),
    (Committee.Kind.TECHNICAL, 9, 21),
    (Committee.Kind.COPIL, 12, 10),
]


def _org(department, kind, name=None, **defaults):
    if name is None:
        return Organisation.objects.filter(department=department, kind=kind).order_by("pk").first()
    organisation, _ = Organisation.objects.get_or_create(
        department=department, name=name, defaults={"kind": kind, **defaults}
    )
    return organisation


def _organisations(department):
    orgs = {
        "ofii": _org(department, OrganisationKind.OFII),
        "france_travail": _org(department, OrganisationKind.FRANCE_TRAVAIL),
        "mission_locale": _org(department, OrganisationKind.MISSION_LOCALE),
        "cap_emploi": _org(department, OrganisationKind.CAP_EMPLOI),
        "prefecture": _org(department, OrganisationKind.PREFECTURE),
        "association": _org(department, OrganisationKind.ASSOCIATION),
    }
    if department.code == "75":
        orgs["city"] = _org(
            department,
            OrganisationKind.CITY,
            "Ville de Paris",
            notification_email="emploi@ville.demo.passerelle.test",
        )
        orgs["epec"] = _org(
            department,
            OrganisationKind.OTHER,
            "Ensemble Paris Emploi Compétences",
            notification_email="contact@epec.demo.passerelle.test",
        )
    return orgs


def _meetings(agreement, orgs, schedule, years, today, user, with_items=True):
    """The meetings of ``years``, planned as rows, held through the governance actions."""
    committees = {c.kind: c for c in agreement.committees.all()}
    invited = [o for o in orgs.values() if o is not None]
    meetings = []
    for year in years:
        for kind, month, day in schedule:
            date = dt.date(year, month, day)
            if date < agreement.starts_on:
                continue
            place = (
                "Préfecture, salle du conseil"
                if kind == Committee.Kind.COPIL
                else "DT OFII, salle de réunion"
            )
            meetings.append(
                builder.meeting(committees[kind], date, place=place, agenda=AGENDAS[kind])
            )
    Through = Meeting.invited.through
    Through.objects.bulk_create(
        [Through(meeting_id=m.pk, organisation_id=o.pk) for m in meetings for o in invited]
    )
    presences = ["present", "present", "present", "excused", "present", "absent", "present"]
    owners = [orgs["france_travail"], orgs["ofii"], orgs["mission_locale"], orgs["prefecture"]]
    held = 0
    for meeting in meetings:
        date = timezone.localtime(meeting.date).date()
        # The last COPIL of the current year is only planned: the demo shows the cadence warning.
        last_copil = (
            date.year == years[-1]
            and meeting.committee.kind == Committee.Kind.COPIL
            and date.month == 12
        )
        if date >= today or last_copil:
            continue
        decisions, follow_ups = (), ()
        if with_items:
            decisions = [
                f"Le bilan {date.year - 1} du plan d'actions est validé."
                if meeting.committee.kind == Committee.Kind.COPIL and date.month < 6
                else "Les partenaires partagent un calendrier des permanences du SPE."
            ]
            due = date + dt.timedelta(days=60)
            follow_ups = [
                {
                    "decision": 0,
                    "description": FOLLOW_UPS[held % len(FOLLOW_UPS)],
                    "owner": owners[held % len(owners)],
                    "due_on": due,
                    # Recent items stay open (some are overdue); older ones are done.
                    "status": (
                        FollowUpItem.Status.OPEN
                        if due > today - dt.timedelta(days=200)
                        else FollowUpItem.Status.DONE
                    ),
                }
            ]
        builder.hold(
            user,
            meeting,
            minutes=(
                f"Relevé de conclusions de la réunion du {date:%d/%m/%Y}. Les partenaires "
                "ont examiné les statistiques d'orientation et l'avancement des actions."
            ),
            presences={o.pk: presences[(held + j) % len(presences)] for j, o in enumerate(invited)},
            decisions=decisions,
            follow_ups=follow_ups,
        )
        held += 1
    return meetings


FOLLOW_UPS = [
    "Transmettre la liste à jour des correspondants",
    "Diffuser le tableau de bord des orientations",
    "Organiser une immersion à la plateforme d'accueil",
    "Mettre à jour la base de ressources",
]


def _plan(agreement, axes, orgs, actions, years):
    for axis_number, title, lead, partners, indicators in actions:
        action = Action.objects.create(
            agreement=agreement,
            axis=axes[axis_number],
            title=title,
            lead_organisation=orgs[lead],
            starts_on=dt.date(years[0], 1, 1),
            ends_on=agreement.ends_on,
            status=Action.Status.IN_PROGRESS,
        )
        action.partner_organisations.set([orgs[key] for key in partners if orgs.get(key)])
        rows = []
        for name, statistic, unit, target in indicators:
            indicator = Indicator.objects.create(
                action=action,
                name=name,
                source=Indicator.Source.COMPUTED if statistic else Indicator.Source.MANUAL,
                statistic=statistic,
                unit=unit,
            )
            for n, year in enumerate(years):
                manual_value = None
                comment = ""
                if not statistic and year < years[-1]:
                    manual_value = Decimal(round(target * (0.6 + 0.15 * n)))
                    comment = "Valeur déclarée par le pilote de l'action en comité technique."
                rows.append(
                    IndicatorYear(
                        indicator=indicator,
                        year=year,
                        target=Decimal(target),
                        value=manual_value,
                        comment=comment,
                    )
                )
        IndicatorYear.objects.bulk_create(rows)


def _agreement(department, title, **fields):
    """A fresh demo agreement: the previous one of the same title is replaced (idempotent)."""
    for old in Agreement.objects.filter(department=department, title=title):
        if old.reports.exists():
            return None  # bilans refer to it: keep the agreement as it is
        FollowUpItem.objects.filter(meeting__committee__agreement=old).delete()
        Meeting.objects.filter(committee__agreement=old).delete()
        IndicatorYear.objects.filter(indicator__action__agreement=old).delete()
        Indicator.objects.filter(action__agreement=old).delete()
        old.actions.all().delete()
        old.delete()
    agreement = Agreement.objects.create(department=department, title=title, **fields)
    builder.committees(
        agreement,
        {
            Committee.Kind.COPIL: "Le préfet de région, préfet de Paris, ou son représentant",
            Committee.Kind.TECHNICAL: "DDETS et DT OFII",
        },
    )
    return agreement


def _acting_user(orgs):
    """Who records the meetings: a member of the préfecture, else of the OFII."""
    for key in ("prefecture", "ofii"):
        membership = (
            Membership.objects.filter(organisation=orgs[key], is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is not None:
            return membership.user
    raise ValueError("load the partners' demo first")


@transaction.atomic
def load(password, stdout):
    today = timezone.localdate()
    years = recent_years(4, today)
    this_year = years[-1]
    paris = Department.objects.get(code="75")
    orgs = _organisations(paris)
    agreement = _agreement(
        paris,
        PARIS_TITLE,
        national_framework=NATIONAL_FRAMEWORK,
        signed_on=dt.date(this_year - 4, 6, 1),
        starts_on=dt.date(this_year - 4, 6, 1),
        # Article 7: until 1 March of this year, extended by amendment n° 1 to its end.
        ends_on=dt.date(this_year, 12, 31),
        status=Agreement.Status.IN_FORCE,
    )
    if agreement is None:
        stdout.write("governance: demo agreement kept (bilans refer to it)")
        return
    builder.signatories(agreement, orgs, SIGNATORIES)
    axes = {
        n: Axis.objects.create(agreement=agreement, number=n, title=title, description=text)
        for n, (title, text) in enumerate(AXES, start=1)
    }
    Amendment.objects.create(
        agreement=agreement,
        number=1,
        signed_on=dt.date(this_year - 1, 12, 12),
        summary=(
            f"Prolongation de l'accord jusqu'au 31 décembre {this_year}, dans l'attente du nouvel "
            "accord-cadre national."
        ),
    )
    _plan(agreement, axes, orgs, ACTIONS, years)
    _meetings(agreement, orgs, SCHEDULE, years, today, _acting_user(orgs))

    # Seine-Saint-Denis, more briefly.
    department = Department.objects.get(code="93")
    orgs93 = _organisations(department)
    agreement93 = _agreement(
        department,
        "Accord départemental de partenariat pour l'insertion professionnelle des étrangers "
        "primo-arrivants en Seine-Saint-Denis",
        national_framework=NATIONAL_FRAMEWORK,
        signed_on=dt.date(this_year - 3, 1, 20),
        starts_on=dt.date(this_year - 3, 1, 20),
        ends_on=dt.date(this_year + 1, 12, 31),
        status=Agreement.Status.IN_FORCE,
    )
    if agreement93 is not None:
        builder.signatories(
            agreement93,
            orgs93,
            [
                ("prefecture", "Patrice Leclerc", "Préfet de la Seine-Saint-Denis"),
                ("ofii", "Amandine Roux", "Directrice territoriale de l'OFII Bobigny"),
                ("france_travail", "Karim Benali", "Directeur territorial de France Travail"),
            ],
        )
        axes93 = {
            n: Axis.objects.create(agreement=agreement93, number=n, title=title)
            for n, (title, _text) in enumerate(AXES, start=1)
        }
        _plan(
            agreement93,
            axes93,
            orgs93,
            [
                (
                    1,
                    "Forum annuel des offres de service",
                    "prefecture",
                    ["france_travail"],
                    [("Partenaires présents au forum", "", "partenaires", 15)],
                ),
                (
                    2,
                    "Orienter les signataires du CIR vers le SPE",
                    "ofii",
                    ["france_travail"],
                    [("Orientations envoyées", "referrals_sent", "orientations", 400)],
                ),
                (
                    3,
                    "Tableau de bord partagé",
                    "ofii",
                    ["prefecture"],
                    [("Taux d'acceptation", "acceptance_rate", "%", 75)],
                ),
            ],
            years,
        )
        _meetings(
            agreement93,
            orgs93,
            [(Committee.Kind.COPIL, 4, 3), (Committee.Kind.TECHNICAL, 10, 6)],
            years,
            today,
            _acting_user(orgs93),
            with_items=False,
        )
    stdout.write(
        f"governance: agreements of Paris and Seine-Saint-Denis, "
        f"{Meeting.objects.count()} meetings, {Action.objects.count()} actions"
    )
