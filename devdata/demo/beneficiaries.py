"""Demo data of the beneficiaries app: fictional CIR signatories of the last four years (up to
today) with their interviews: French tests (written and oral, the file following the latest),
the information notice, skills assessments (ROME target jobs, languages), French-training
prescriptions naming sessions of the trainings map (their places counted down) and a few
liaison sheets.

Deterministic (seeded random; the dates follow today), idempotent (files are keyed by their
number in the department's list, the end of their OFII number; a second run creates nothing),
fast: files, interviews and qualifications are plain rows, bulk-created. Invented names drawn from
common names of many origins.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from beneficiaries import trainings
from beneficiaries.models import Beneficiary, Interview, LiaisonSheet, Qualification
from devdata.builder import recent_years
from partners.choices import FRENCH_LEVEL_RANK, FrenchLevel
from partners.models import Organisation, OrganisationKind, TrainingOffer, User

COUNTS = {"75": 2200, "93": 600}
AUDITORS = {"75": "ofii@demo.passerelle.test", "93": "ofii93@demo.passerelle.test"}
YEARS = 4  # the current year and the three before it

FIRST_NAMES_F = (
    "Aminata Fatoumata Mariam Awa Aïssatou Khadija Fatima Yasmine Leïla Nadia Samira Zahra Maryam "
    "Farida Soraya Amina Halima Hawa Kadiatou Ramatoulaye Olena Iryna Natalia Anahit Nino Tamara "
    "Ana María Luz Daniela Thi Lan Mai Linh Wei Mei Xiu Priya Anjali Nasrin Parisa Shirin Rokhaya "
    "Grace Esther Ruth Mercy Blessing Chantal Josiane Mireille Elif Zeynep Ayşe Selin Rania Hiba"
).split()
FIRST_NAMES_M = (
    "Mamadou Ibrahima Moussa Oumar Seydou Abdoulaye Boubacar Amadou Youssef Mohamed Ahmed Karim "
    "Rachid Said Omar Ali Hassan Hussein Farid Reza Ahmad Mustafa Abdullah Tesfaye Abebe Dawit "
    "Yonas Samuel Patrick Jean Emmanuel Didier Serge Olek Andriy Dmytro Giorgi Arman Luis Carlos "
    "Andrés Diego Wei Jun Hao Minh Tuan Rahul Arjun Imran Bilal Tariq Emre Mehmet Murat Kofi Kwame"
).split()
LAST_NAMES = (
    "Diallo Traoré Camara Keita Coulibaly Konaté Bah Sow Ba Ndiaye Diop Fall Sy Barry Touré "
    "Ouedraogo Sawadogo Kouassi Koffi Yao Mukendi Kabila Ilunga Mbemba Nkosi Haidari Ahmadi Rahimi "
    "Karimi Hosseini Sultani Popal Benali Bensaïd Haddad Mansour Bouzid Cherif El Amrani Ziani "
    "Tesfaye Gebre Haile Bekele Mengistu Hassan Abdi Warsame Farah Omar Ali Yusuf Nguyen Tran Le "
    "Pham Zhang Wang Li Chen Liu Khan Hussain Rahman Chowdhury Islam Kaya Yılmaz Demir Şahin Çelik "
    "Shevchenko Kovalenko Bondarenko Petrosyan Sargsyan Beridze Kapanadze Moreno Rodríguez García "
    "Pérez Gómez Jean-Baptiste Pierre Joseph Louis Mensah Owusu Boateng Okafor Adeyemi Eze"
).split()
NATIONALITIES = {
    "AF": 14, "GN": 8, "CI": 8, "ML": 6, "SN": 5, "DZ": 8, "MA": 7, "TN": 5, "CD": 5, "CM": 4,
    "BD": 5, "PK": 3, "SD": 5, "ER": 3, "ET": 2, "SY": 3, "TR": 4, "CN": 3, "UA": 4, "RU": 2,
    "HT": 3, "CO": 2, "VN": 2, "SO": 2, "GE": 2, "AM": 2, "LK": 2, "NG": 2, "TD": 2, "IR": 2,
}  # fmt: skip
PERMIT_KINDS = {
    "family": 38, "refugee": 22, "subsidiary_protection": 12, "work": 12, "stateless": 1,
    "aps": 5, "other": 10,
}  # fmt: skip
FRENCH_LEVELS = {"none": 14, "A1": 38, "A2": 25, "B1": 13, "B2": 7, "C1": 3}
SPE_DECISIONS = {"oriented": 55, "dispensed": 8, "already_followed": 15, "not_job_seeking": 22}
HOURS_BY_LEVEL = {"none": 600, "A1": 400, "A2": 200, "B1": 100, "B2": 0, "C1": 0}
SKILLS = [
    ("Cuisine collective, hygiène alimentaire", "Travail en équipe, ponctualité",
     "Travailler rapidement, être autonome", "Commis de cuisine puis cuisinier",
     ["G1602", "G1603"], ["ar", "fr"]),
    ("Soins aux personnes âgées (expérience familiale)", "Patience, écoute",
     "Un métier utile et stable", "Aide à domicile, puis formation d'aide-soignante",
     ["K1302", "K1304"], ["so", "en"]),
    ("Conduite poids lourds (permis étranger)", "Sens de l'orientation",
     "Reprendre son métier", "Chauffeur-livreur le temps de faire valider son permis",
     ["N4105", "N4101"], ["ps", "fa"]),
    ("Maçonnerie, lecture de plans", "Travail physique, minutie",
     "Travailler vite pour aider sa famille", "Maçon en entreprise du bâtiment",
     ["F1703", "F1701"], ["tr"]),
]  # fmt: skip
COMMUNES = {
    "75": [(f"750{n:02d}", "Paris") for n in range(1, 21)],
    "93": [
        ("93000", "Bobigny"), ("93200", "Saint-Denis"), ("93100", "Montreuil"),
        ("93300", "Aubervilliers"), ("93500", "Pantin"), ("93140", "Bondy"),
        ("93600", "Aulnay-sous-Bois"), ("93120", "La Courneuve"), ("93400", "Saint-Ouen"),
    ],
}  # fmt: skip
DIPLOMAS = [
    "Licence de gestion",
    "Diplôme d'infirmier",
    "Master de génie civil",
    "Baccalauréat scientifique",
    "CAP de mécanique",
    "Licence de lettres",
]


def pick(rng, weighted):
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def aware(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def plan(code, count, today):
    """The deterministic list of (file values, interviews, qualification) of a department."""
    rng = random.Random(f"passerelle-beneficiaries-{code}")  # noqa: S311 (demo data)
    start, end = date(recent_years(YEARS, today)[0], 1, 2), today - timedelta(days=3)
    span = (end - start).days
    rows = []
    for index in range(count):
        # The draws never depend on today's date, so that every run plans the same people; their
        # dates spread over the last years up to today.
        cir = start + timedelta(days=int(span * (index + rng.random()) / count))
        sex = "F" if rng.random() < 0.48 else "M"
        age = int(min(64, max(18, rng.gauss(32, 9))))
        birth = cir - timedelta(days=age * 365 + rng.randint(0, 364))
        permit = pick(rng, PERMIT_KINDS)
        level = pick(rng, FRENCH_LEVELS)
        postcode, commune = rng.choice(COMMUNES[code])
        first = rng.choice(FIRST_NAMES_F if sex == "F" else FIRST_NAMES_M)
        values = {
            "ofii_number": f"{code}-{cir.year}-{index + 1:05d}",
            "last_name": rng.choice(LAST_NAMES),
            "first_name": first,
            "sex": sex,
            "birth_date": birth,
            "nationality": pick(rng, NATIONALITIES),
            "permit_kind": permit,
            "first_permit_date": cir - timedelta(days=rng.randint(10, 150)),
            "cir_signed_on": cir,
            "postcode": postcode,
            "commune": commune,
            "rqth": rng.random() < 0.04,
            "higher_education": rng.random() < 0.22,
            "french_level": level,
            "job_seeker_status": rng.choice(["registered", "not_registered", "unknown"]),
            "created_at": aware(cir, 9),
        }
        held = min(cir + timedelta(days=rng.randint(0, 20)), today)
        # The latest signatories (2 %) still await their personalised interview.
        awaiting = index >= count * 0.98
        # Oral often one level above written (the file keeps the lower as its level).
        oral = level
        if level != "none" and rng.random() < 0.3:
            oral = FrenchLevel.values[
                min(FRENCH_LEVEL_RANK[level] + 1, len(FrenchLevel.values) - 1)
            ]
        values["written_level"], values["oral_level"] = level, oral
        values["information_notice_on"] = held
        interviews = [
            {
                "kind": "personalised",
                "held_on": held,
                "written_level": level,
                "oral_level": oral,
                "prescribed_hours": HOURS_BY_LEVEL[level],
                "spe_decision": pick(rng, SPE_DECISIONS),
                "information_notice": True,
            }
        ]
        if awaiting:
            interviews = []
            values["written_level"] = values["oral_level"] = ""
            values["information_notice_on"] = None
        if index % 9 == 0:
            competences, aptitudes, motivations, project, jobs, languages = rng.choice(SKILLS)
            values.update(
                competences=competences,
                aptitudes=aptitudes,
                motivations=motivations,
                professional_project=project,
                target_jobs=jobs,
                languages=languages,
            )
        end = cir + timedelta(days=rng.randint(330, 420))
        held_end_of_cir = rng.random() < 0.6
        if end < today and held_end_of_cir:
            interviews.append(
                {
                    "kind": "end_of_cir",
                    "held_on": end,
                    "written_level": level,
                    "oral_level": oral,
                    "prescribed_hours": 0,
                    "spe_decision": "",
                }
            )
        qualification = rng.choice(DIPLOMAS) if values["higher_education"] else None
        values["last_activity_at"] = aware(max([cir] + [i["held_on"] for i in interviews]), 11)
        rows.append((values, interviews, qualification))
    return rows


PRESCRIPTIONS_PER_DEPARTMENT = 12
# French sessions of the demo, dated from today (the sample trainings file has fixed dates), one
# per main funder so that the map shows each fill rate.
DEMO_SESSIONS = [
    ("OFII", "ofii", "A1", 100, 12),
    ("BOP 104", "bop104", "A2", 200, 15),
    ("OEPRE", "oepre", "A2", 120, 10),
]


def ensure_sessions(code, today):
    """The demo's own French sessions of a department (created once, keyed)."""
    department = Organisation.objects.filter(department__code=code).first().department
    commune = COMMUNES[code][0][1]
    for index, (label, funder, level, hours, places) in enumerate(DEMO_SESSIONS):
        starts = today + timedelta(days=14 + 21 * index)
        TrainingOffer.objects.get_or_create(
            key=f"{code}-DEMO-FR-{index + 1}",
            defaults={
                "department": department,
                "provider": f"Atelier linguistique de démonstration {index + 1}",
                "title": f"Français {level} — financement {label}",
                "kind": TrainingOffer.Kind.FRENCH,
                "target_level": level,
                "hours": hours,
                "funder": funder,
                "commune": commune,
                "employment_area": commune,
                "starts_on": starts,
                "ends_on": starts + timedelta(days=70),
                "places": places,
            },
        )


def prescribe_sessions(code, interviews, today):
    """The latest personalised interviews with French hours name a fitting session of the
    trainings map (a level above the person's, not over yet, places left); places counted down."""
    sessions = list(
        TrainingOffer.objects.filter(
            department__code=code, kind__in=trainings.FRENCH_KINDS, ends_on__gte=today
        ).order_by("starts_on", "key")
    )
    taken = {session.pk: session.places_taken for session in sessions}
    candidates = [
        i
        for i in interviews
        if i.kind == "personalised" and i.prescribed_hours and i.held_on > today - timedelta(60)
    ]
    for interview in candidates[-PRESCRIPTIONS_PER_DEPARTMENT:]:
        lower = min(interview.written_level, interview.oral_level, key=FRENCH_LEVEL_RANK.get)
        above = trainings.levels_above(lower)
        for session in sessions:
            full = session.places is not None and taken[session.pk] >= session.places
            if not full and (not session.target_level or session.target_level in above):
                interview.training_offer = session
                taken[session.pk] += 1
                break
    for session in sessions:
        if taken[session.pk] != session.places_taken:
            TrainingOffer.objects.filter(pk=session.pk).update(places_taken=taken[session.pk])


def liaison_sheets(files, auditor):
    """A liaison sheet printed for a few of the newest files (the timeline shows it)."""
    LiaisonSheet.objects.bulk_create(
        LiaisonSheet(
            beneficiary=file,
            printed_by=auditor,
            printed_at=file.created_at + timedelta(hours=2),
            language=language,
        )
        for file, language in zip(files[-40::10], ["", "ar", "en", ""], strict=False)
    )


@transaction.atomic
def load(password, stdout):
    today = timezone.localdate()
    created_files = created_interviews = 0
    for code, count in COUNTS.items():
        organisation = Organisation.objects.get(department__code=code, kind=OrganisationKind.OFII)
        auditor = User.objects.get(email=AUDITORS[code])
        rows = plan(code, count, today)
        # Keyed by the number in the list (the end of the OFII number), whatever the year.
        existing = {
            number.rsplit("-", 1)[-1]
            for number in Beneficiary.objects.filter(ofii_organisation=organisation).values_list(
                "ofii_number", flat=True
            )
        }
        missing = [row for row in rows if row[0]["ofii_number"].rsplit("-", 1)[-1] not in existing]
        files = Beneficiary.objects.bulk_create(
            [Beneficiary(**values, ofii_organisation=organisation) for values, _i, _q in missing],
            batch_size=500,
        )
        interviews, qualifications = [], []
        for file, (_values, planned, diploma) in zip(files, missing, strict=True):
            for item in planned:
                interviews.append(
                    Interview(
                        beneficiary=file,
                        auditor=auditor,
                        organisation=organisation,
                        created_at=aware(item["held_on"], 10),
                        **item,
                    )
                )
            if diploma:
                qualifications.append(
                    Qualification(
                        beneficiary=file,
                        kind="diploma",
                        title=diploma,
                        country=file.nationality,
                        recognition="enic_naric",
                        requested_on=file.cir_signed_on,
                        result="pending",
                    )
                )
        ensure_sessions(code, today)
        prescribe_sessions(code, interviews, today)
        Interview.objects.bulk_create(interviews, batch_size=1000)
        liaison_sheets(files, auditor)
        Qualification.objects.bulk_create(qualifications, batch_size=1000)
        created_files += len(files)
        created_interviews += len(interviews)
    stdout.write(
        f"beneficiaries: {created_files} demo files and {created_interviews} interviews created"
    )
