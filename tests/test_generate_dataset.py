"""The benchmark's data set generator (``manage.py generate_dataset``), at a tiny size: the rows
it writes hold the project's rules (the database constraints, the department scope, anonymised
files without an open referral), every referral state is there, and it prints its rate."""

import io

import pytest
from django.core.management import call_command

from beneficiaries.models import Beneficiary, Interview
from devdata import dataset
from referrals.models import OPEN_STATUSES, Referral, ReferralEvent, Status

pytestmark = pytest.mark.django_db


def test_generate_dataset_writes_a_consistent_national_sample_and_prints_its_rate():
    out = io.StringIO()
    call_command(
        "generate_dataset", "--scale", "national", "--files", "400", "--departments", "2",
        stdout=out,
    )  # fmt: skip
    measured = Beneficiary.objects.filter(ofii_organisation__department__code=dataset.MEASURED)
    assert measured.count() == 400
    assert Beneficiary.objects.exclude(ofii_organisation__department__code="93").exists()
    assert "rows/s" in out.getvalue()
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    # Every referral has its event log, starting with its sending.
    assert ReferralEvent.objects.filter(from_status="").count() == Referral.objects.count()
    anonymised = Beneficiary.objects.filter(anonymised_at__isnull=False)
    assert anonymised.exists()
    assert not anonymised.exclude(last_name="").exists()
    assert not Referral.objects.filter(
        beneficiary__in=anonymised, status__in=OPEN_STATUSES
    ).exists()
    assert Interview.objects.filter(beneficiary__in=measured).exists()
    # The generated OFII auditor sees the files of the measured department only.
    auditor = dataset.users_of(dataset.MEASURED)["auditeur"][0]
    visible = Beneficiary.objects.visible_to(auditor)
    assert visible.count() == measured.filter(anonymised_at__isnull=True).count()


def test_generate_dataset_is_idempotent_per_department():
    call_command("generate_dataset", "--files", "50", stdout=io.StringIO())
    call_command("generate_dataset", "--files", "50", stdout=io.StringIO())
    assert Beneficiary.objects.count() == 50


def test_the_bench_measures_the_pages_themselves_and_its_floor_counts_as_the_statistics(
    settings,
):
    """Every request ``make bench`` times reaches its page (the préfecture past its second
    factor: timing the sign-in redirect measured nothing), and the hand-written SQL floor
    computes the same figures as ``statistics.compute`` (PostgreSQL: the floor's SQL is)."""
    from django.db import connection

    from bench import measure

    settings.EXPORT_JOB_THRESHOLD = 10  # the "starts a job" exports start one here too
    call_command("generate_dataset", "--files", "300", stdout=io.StringIO())
    clients = {}
    for label, user, call in measure.pages():
        client = clients.get(user.pk) or clients.setdefault(user.pk, measure.signed_in(user))
        response = call(client)
        expected = 302 if "starts a job" in label else 200
        assert response.status_code == expected, label
        if expected == 302:
            assert not measure._is_sign_in(response.url), label
    if connection.vendor == "postgresql":
        figures = measure.measure_statistics()
        differing = {key: pair for key, pair in figures["figures"].items() if pair[0] != pair[1]}
        assert differing == {}
