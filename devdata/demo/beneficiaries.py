"""Demo data of the beneficiaries app: fictional CIR signatories of the last four years (up to
today) with their interviews.

Deterministic (seeded random; the dates follow today), idempotent (files are keyed by their
number in the department's list, the end of their OFII number; a second run creates nothing),
fast: files, interviews and qualifications are plain rows, bulk-created. Invented names drawn from
common names of many origins.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from beneficiaries.models import Beneficiary, Interview, Qualification
from devdata.builder import recent_years
from partners.models import Organisation, OrganisationKind, User

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
        interviews = [
            {
                "kind": "personalised",
                "held_on": held,
                "written_level": level,
                "oral_level": level,
                "prescribed_hours": HOURS_BY_LEVEL[level],
                "spe_decision": pick(rng, SPE_DECISIONS),
            }
        ]
        if awaiting:
            interviews = []
        end = cir + timedelta(days=rng.randint(330, 420))
        held_end_of_cir = rng.random() < 0.6
        if end < today and held_end_of_cir:
            interviews.append(
                {
                    "kind": "end_of_cir",
                    "held_on": end,
                    "written_level": level,
                    "oral_level": level,
                    "prescribed_hours": 0,
                    "spe_decision": "",
                }
            )
        qualification = rng.choice(DIPLOMAS) if values["higher_education"] else None
        values["last_activity_at"] = aware(max([cir] + [i["held_on"] for i in interviews]), 11)
        rows.append((values, interviews, qualification))
    return rows


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
        Interview.objects.bulk_create(interviews, batch_size=1000)
        Qualification.objects.bulk_create(qualifications, batch_size=1000)
        created_files += len(files)
        created_interviews += len(interviews)
    stdout.write(
        f"beneficiaries: {created_files} demo files and {created_interviews} interviews created"
    )
