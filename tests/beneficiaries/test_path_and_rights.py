"""The path after the first interview: end-of-CIR worklist, eligibility horizon, skills
assessment; the printable RGPD page; the CSV import's homonyms held elsewhere."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from beneficiaries import importer
from beneficiaries.models import Beneficiary
from partners.models import ServiceOffer
from referrals.recommendation import recommend

from ..factories import BeneficiaryFactory, InterviewFactory, ReferralFactory
from .factories import interview_values

pytestmark = pytest.mark.django_db


def months_ago(months):
    return timezone.localdate() - relativedelta(months=months)


def file_signed(orgs, months, **kwargs):
    kwargs.setdefault("ofii_organisation", orgs["ofii"])
    return BeneficiaryFactory(
        first_permit_date=months_ago(months + 1),
        cir_signed_on=months_ago(months),
        **kwargs,
    )


def test_the_end_of_cir_worklist_lists_a_file_signed_11_months_ago(client, ofii, orgs):
    file_signed(orgs, 11, last_name="Tesfaye")
    file_signed(orgs, 3, last_name="Recente")
    done = file_signed(orgs, 13, last_name="Faite")
    InterviewFactory(beneficiary=done, kind="end_of_cir", spe_decision="")
    file_signed(orgs, 11, last_name="Ailleurs", ofii_organisation=orgs["ofii93"])
    client.force_login(ofii)
    page = client.get(reverse("beneficiaries:end_of_cir")).content.decode()
    table = page.split('data-testid="end-of-cir"')[1]
    assert "TESFAYE" in table
    for absent in ("RECENTE", "FAITE", "AILLEURS"):
        assert absent not in table, absent
    assert "?type=end_of_cir" in table
    home = client.get(reverse("home")).content.decode()
    assert home.split('data-testid="end-of-cir-count">')[1].split("<")[0] == "1"


def test_the_end_of_cir_interview_shows_the_first_answers_beside(client, ofii, orgs):
    person = file_signed(orgs, 11)
    InterviewFactory(
        beneficiary=person, professional_situation="Cuisinier dans son pays", auditor=ofii
    )
    client.force_login(ofii)
    url = reverse("beneficiaries:interview_create", args=[person.pk]) + "?type=end_of_cir"
    page = client.get(url).content.decode()
    aside = page.split('data-testid="first-interview"')[1].split("</aside>")[0]
    assert "Cuisinier dans son pays" in aside
    assert 'name="professional_situation"' in page  # the new answers, beside


def test_the_horizon_filter_and_home_counter(client, ofii, orgs):
    today = timezone.localdate()
    ending = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="Bientot",
        first_permit_date=today - relativedelta(years=5) + relativedelta(months=3),
    )
    BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Debut")
    assert ending.eligible_until < today + relativedelta(months=6)
    client.force_login(ofii)
    listing = client.get(reverse("beneficiaries:list"), {"horizon": "on"}).content.decode()
    table = listing.split('data-testid="beneficiaries"')[1]
    assert "BIENTOT" in table and "DEBUT" not in table
    home = client.get(reverse("home")).content.decode()
    assert home.split('data-testid="ending-soon">')[1].split("<")[0] == "1"


def test_the_skills_assessment_on_the_file_and_in_the_api(client, api_as, ofii, orgs):
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    client.force_login(ofii)
    response = client.post(
        reverse("beneficiaries:skills", args=[person.pk]),
        {
            "competences": "Cuisine collective",
            "aptitudes": "Ponctualité",
            "motivations": "Un emploi stable",
            "professional_project": "Commis de cuisine",
            "target_jobs": ["G1602"],
            "languages": ["ar", "fr"],
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.target_jobs, person.languages) == (["G1602"], ["ar", "fr"])
    page = client.get(reverse("beneficiaries:detail", args=[person.pk])).content.decode()
    assert "Personnel de cuisine (G1602)" in page and "arabe" in page

    api = api_as(ofii)
    url = reverse("beneficiary-detail", args=[person.pk])
    answer = api.patch(url, {"target_jobs": ["N4105"], "motivations": "Conduire"}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["target_jobs"] == ["N4105"]
    refused = api.patch(url, {"target_jobs": ["Z9999"]}, format="json")
    assert refused.status_code == 400
    assert "target_jobs" in refused.json()


def test_offers_of_partners_speaking_the_person_s_language_come_first(ofii, orgs):
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"], languages=["ps"])
    for organisation in ("france_travail", "partner"):
        orgs[organisation].receives_referrals = True
        orgs[organisation].save()
    ServiceOffer.objects.create(organisation=orgs["partner"], title="Accueil", languages=["en"])
    speaking = ServiceOffer.objects.create(
        organisation=orgs["partner"], title="Accompagnement", languages=["ps", "fa"]
    )
    rows = recommend(person, orgs["ofii"])
    offers = dict((org.pk, offers) for org, _rec, offers in rows)[orgs["partner"].pk]
    ranked = ServiceOffer.objects.filter(pk__in=[o.pk for o in offers]).fitting(
        languages=person.languages
    )
    assert ranked.first() == speaking


def test_the_rgpd_page_reads_as_a_french_document(client, ofii, orgs):
    person = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"], permit_kind="family", rqth=True, languages=["ar"]
    )
    InterviewFactory(beneficiary=person, auditor=ofii)
    ReferralFactory(beneficiary=person, to_organisation=orgs["france_travail"], sender=ofii)
    client.force_login(ofii)
    page = client.get(reverse("beneficiaries:rights", args=[person.pk])).content.decode()
    body = page.split('data-testid="rights"')[1]
    for english in ("permit_kind", "rqth", "languages", "first_permit_date", "spe_decision"):
        assert f"<dt>{english}</dt>" not in body, english
    assert "<dt>Titre de séjour</dt><dd>Familial</dd>" in body
    assert "<dt>RQTH</dt><dd>oui</dd>" in body
    assert "<dt>Langues parlées</dt><dd>arabe</dd>" in body
    assert "True" not in body and "[]" not in body
    data = client.get(reverse("beneficiaries:rights_json", args=[person.pk])).json()
    assert data["file"]["permit_kind"] == "family"
    assert data["file"]["rqth"] is True


def test_the_import_never_quotes_a_file_of_another_directorate(ofii93, orgs):
    paris = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="Kaya",
        first_name="Elif",
        birth_date=datetime.date(1993, 12, 1),
    )
    today = timezone.localdate()
    header = (
        "ofii_number;last_name;first_name;sex;birth_date;nationality;permit_kind;"
        "first_permit_date;confirm_not_duplicate\n"
    )
    row = f"93-2026-00001;Kaya;Elif;F;1993-12-01;TR;family;{today - datetime.timedelta(90)}"
    department = orgs["ofii93"].department_id
    _files, errors, _total = importer.check(header + row + ";\n", department_id=department)
    assert len(errors) == 1
    assert "un dossier existe ailleurs" in errors[0]["message"]
    assert paris.ofii_number not in errors[0]["message"]
    files, errors, _total = importer.check(header + row + ";oui\n", department_id=department)
    assert (len(files), errors) == (1, [])


def test_the_header_user_line_is_short(client, orgs):
    from ..factories import member_of

    user = member_of(orgs["ofii"])
    user.first_name, user.last_name = "Marie-Charlotte-Élisabeth", "de La Tour d'Auvergne"
    user.save()
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    who = page.split('data-testid="who"')[1].split(">", 1)[1].split("</a>")[0].strip()
    assert len(who) <= 70
    assert "de La Tour d&#x27;Auvergne" not in who


def test_an_interview_without_information_notice_leaves_the_file_unnotified(client, ofii, orgs):
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"], information_notice_on=None)
    client.force_login(ofii)
    values = interview_values(information_notice="")
    values.pop("information_notice")
    client.post(reverse("beneficiaries:interview_create", args=[person.pk]), values)
    assert Beneficiary.objects.get(pk=person.pk).information_notice_on is None
    page = client.get(reverse("referrals:new", args=[person.pk])).content.decode()
    assert 'data-testid="notice-missing"' in page
