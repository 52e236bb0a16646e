import datetime

import pytest
from django.utils import timezone

from referrals import actions
from tests.factories import BeneficiaryFactory


def years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def young(orgs):
    """A 23-year-old whose file is held by OFII Paris."""
    return BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        birth_date=years_ago(23, 40),
        last_name="Diallo",
        first_name="Aminata",
    )


@pytest.fixture
def referral(ofii, mission_locale, orgs, young, django_capture_on_commit_callbacks):
    """A pending referral from OFII Paris to the Mission Locale, sent through the states."""
    with django_capture_on_commit_callbacks(execute=False):
        return actions.send(
            ofii,
            beneficiary=young,
            to_organisation=orgs["mission_locale"],
            reason="Recherche d'emploi",
            note="Souhaite travailler dans la restauration.",
        )


@pytest.fixture(autouse=True)
def _private_documents(settings, tmp_path):
    """Documents are stored in a temporary private directory."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
