import io

import pytest
from django.db.models import Count, Max, Min

import beneficiaries.demo
import partners.demo
from beneficiaries.models import Beneficiary, Interview

pytestmark = pytest.mark.django_db


def test_demo_files_are_many_varied_and_loaded_once():
    out = io.StringIO()
    partners.demo.load(password="demo-password-123", stdout=out)
    beneficiaries.demo.load(password="demo-password-123", stdout=out)
    by_department = dict(
        Beneficiary.objects.values_list("ofii_organisation__department__code")
        .annotate(n=Count("pk"))
        .values_list("ofii_organisation__department__code", "n")
    )
    assert by_department["75"] >= 2000 and by_department["93"] >= 500
    span = Beneficiary.objects.aggregate(first=Min("cir_signed_on"), last=Max("cir_signed_on"))
    assert span["first"].year == 2023 and span["last"].year == 2026
    kinds = dict(Beneficiary.objects.values_list("permit_kind").annotate(n=Count("pk")))
    assert len(kinds) >= 6 and kinds["family"] > kinds["work"] > kinds["stateless"]
    assert set(Beneficiary.objects.values_list("sex", flat=True)) == {"F", "M"}
    assert Beneficiary.objects.filter(french_level="none").exists()
    interviewed = Interview.objects.filter(kind="personalised").count()
    assert 0.95 * Beneficiary.objects.count() < interviewed < Beneficiary.objects.count()
    assert Interview.objects.filter(spe_decision="oriented").exists()
    assert Interview.objects.filter(kind="end_of_cir").exists()

    snapshot = list(
        Beneficiary.objects.order_by("ofii_number").values_list("ofii_number", "last_name")
    )
    counts = (Beneficiary.objects.count(), Interview.objects.count())
    beneficiaries.demo.load(password="demo-password-123", stdout=out)
    assert (Beneficiary.objects.count(), Interview.objects.count()) == counts
    assert (
        list(Beneficiary.objects.order_by("ofii_number").values_list("ofii_number", "last_name"))
        == snapshot
    )
