"""Helpers of the beneficiaries tests. Fictional people only."""

import datetime

from django.utils import timezone

from beneficiaries.models import Beneficiary


def valid_values(**overrides):
    """The fields of a valid file, as the page form posts them."""
    today = timezone.localdate()
    values = {
        "ofii_number": "75-2026-00042",
        "last_name": "Haïdari",
        "first_name": "Zahra",
        "sex": "F",
        "birth_date": "1998-04-12",
        "nationality": "AF",
        "permit_kind": "refugee",
        "first_permit_date": (today - datetime.timedelta(days=300)).isoformat(),
        "cir_signed_on": (today - datetime.timedelta(days=250)).isoformat(),
        "postcode": "75019",
        "commune": "Paris",
        "email": "",
        "phone": "",
        "education_level": "",
        "french_level": "A1",
        "france_travail_id": "",
        "job_seeker_status": "unknown",
        "professional_experience": "",
    }
    values.update(overrides)
    return values


def many_files(organisation, count, start=0):
    """``count`` files of ``organisation`` in one bulk insert."""
    today = timezone.localdate()
    code = organisation.department.code
    return Beneficiary.objects.bulk_create(
        [
            Beneficiary(
                ofii_number=f"{code}-2025-{start + n:06d}",
                last_name=f"Nom{start + n}",
                first_name="Prénom",
                sex="F" if n % 2 else "M",
                birth_date=datetime.date(1990, 1, 1) + datetime.timedelta(days=n % 3000),
                nationality="SN",
                permit_kind="family" if n % 3 else "refugee",
                first_permit_date=today - datetime.timedelta(days=400),
                cir_signed_on=today - datetime.timedelta(days=300),
                french_level="A1",
                ofii_organisation=organisation,
            )
            for n in range(count)
        ]
    )


def training_session(department, **overrides):
    """A French session of the trainings map (fictional provider), open for the next months."""
    from partners.models import TrainingOffer

    today = timezone.localdate()
    values = {
        "key": f"{department.code}-TEST-{TrainingOffer.objects.count() + 1:03d}",
        "department": department,
        "provider": "Langues Plurielles",
        "title": "Parcours linguistique — A2",
        "kind": TrainingOffer.Kind.FRENCH,
        "target_level": "A2",
        "hours": 200,
        "funder": TrainingOffer.Funder.OFII,
        "commune": "Paris",
        "employment_area": "Paris",
        "starts_on": today + datetime.timedelta(days=20),
        "ends_on": today + datetime.timedelta(days=90),
        "places": 3,
    }
    values.update(overrides)
    return TrainingOffer.objects.create(**values)


def interview_values(**overrides):
    """The interview form's fields, as the page posts them."""
    values = {
        "kind": "personalised",
        "held_on": timezone.localdate().isoformat(),
        "written_level": "A1",
        "oral_level": "A2",
        "prescribed_hours": "200",
        "french_course": "",
        "target_level": "",
        "training_offer": "",
        "civic_training": "on",
        "spe_decision": "oriented",
        "information_notice": "on",
        "notes": "",
    }
    values.update(overrides)
    return values
