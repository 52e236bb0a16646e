import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from beneficiaries.models import Beneficiary, Correction, Interview, Qualification
from partners.models import AuditEntry

from ..factories import BeneficiaryFactory, InterviewFactory, ReferralFactory
from .factories import many_files, valid_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def paris_file(orgs):
    return BeneficiaryFactory(
        ofii_organisation=orgs["ofii"], last_name="Diallo", first_name="Aminata"
    )


def detail_url(file):
    return reverse("beneficiaries:detail", args=[file.pk])


# --- Creating a file ---------------------------------------------------------------------------


def test_ofii_creates_a_file_with_an_audit_row(client, ofii, orgs):
    client.force_login(ofii)
    response = client.post(reverse("beneficiaries:create"), valid_values())
    file = Beneficiary.objects.get(ofii_number="75-2026-00042")
    assert response.status_code == 302 and response.url == detail_url(file)
    assert file.ofii_organisation == orgs["ofii"]
    assert file.search_key == "haidari zahra"
    assert AuditEntry.objects.filter(
        action="create", object_type="beneficiary", object_id=str(file.pk), actor=ofii
    ).exists()


def test_italian_nationality_is_refused_with_its_message(client, ofii):
    client.force_login(ofii)
    response = client.post(reverse("beneficiaries:create"), valid_values(nationality="IT"))
    assert response.status_code == 200
    assert not Beneficiary.objects.exists()
    errors = response.context["form"].errors["nationality"]
    assert "Nationalité IT refusée" in errors[0]
    assert "pays tiers" in errors[0]
    assert "Nationalité IT refusée" in response.content.decode()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"birth_date": "2999-01-01"}, "birth_date", "futur"),
        ({"ofii_number": "123456"}, "ofii_number", "mal formé"),
        ({"nationality": "ZZ"}, "nationality", "choix valide"),
        ({"nationality": "CH"}, "nationality", "Suisse"),
        ({"nationality": "NO"}, "nationality", "refusée"),
    ],
)
def test_bad_input_is_refused_with_a_french_message(client, ofii, overrides, field, message):
    client.force_login(ofii)
    response = client.post(reverse("beneficiaries:create"), valid_values(**overrides))
    assert message in " ".join(response.context["form"].errors[field])
    assert not Beneficiary.objects.exists()


def test_cir_before_the_permit_is_refused(client, ofii):
    client.force_login(ofii)
    today = timezone.localdate()
    response = client.post(
        reverse("beneficiaries:create"),
        valid_values(
            first_permit_date=(today - datetime.timedelta(days=100)).isoformat(),
            cir_signed_on=(today - datetime.timedelta(days=200)).isoformat(),
        ),
    )
    assert "avant la délivrance du premier titre" in " ".join(
        response.context["form"].errors["cir_signed_on"]
    )
    assert not Beneficiary.objects.exists()


def test_a_permit_older_than_five_years_needs_an_explicit_confirmation(client, ofii):
    client.force_login(ofii)
    old = valid_values(first_permit_date="2019-01-10", cir_signed_on="2019-03-01")
    response = client.post(reverse("beneficiaries:create"), old)
    assert "hors du public de l'accord" in " ".join(
        response.context["form"].errors["first_permit_date"]
    )
    assert "Je confirme" in response.content.decode()
    assert not Beneficiary.objects.exists()

    response = client.post(reverse("beneficiaries:create"), {**old, "confirm_out_of_public": "on"})
    assert response.status_code == 302
    file = Beneficiary.objects.get()
    page = client.get(detail_url(file)).content.decode()
    assert "Hors du public de l&#x27;accord" in page or "Hors du public de l'accord" in page


def test_same_name_and_birth_date_shows_the_existing_file(client, ofii, orgs):
    existing = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="HAIDARI",
        first_name="zahra",
        birth_date=datetime.date(1998, 4, 12),
    )
    client.force_login(ofii)
    response = client.post(reverse("beneficiaries:create"), valid_values())
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="duplicates"' in page
    assert detail_url(existing) in page
    assert Beneficiary.objects.count() == 1

    # A homonym, once confirmed, is created.
    response = client.post(
        reverse("beneficiaries:create"), valid_values(confirm_not_duplicate="on")
    )
    assert response.status_code == 302
    assert Beneficiary.objects.count() == 2


def test_same_ofii_number_is_never_created_twice(client, ofii, orgs):
    BeneficiaryFactory(ofii_organisation=orgs["ofii"], ofii_number="75-2026-00042")
    client.force_login(ofii)
    response = client.post(
        reverse("beneficiaries:create"), valid_values(confirm_not_duplicate="on")
    )
    assert "existe déjà avec ce numéro" in " ".join(response.context["form"].errors["ofii_number"])
    assert Beneficiary.objects.count() == 1


def test_a_homonym_held_by_another_directorate_can_be_confirmed_without_seeing_it(
    client, ofii93, orgs
):
    paris = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="Haïdari",
        first_name="Zahra",
        birth_date=datetime.date(1998, 4, 12),
    )
    client.force_login(ofii93)
    values = valid_values(ofii_number="93-2026-00001", postcode="93200", commune="Saint-Denis")
    response = client.post(reverse("beneficiaries:create"), values)
    page = response.content.decode()
    warning = page.split('data-testid="duplicates"')[1].split("</div>\n{%")[0]
    assert "Un dossier existe ailleurs" in warning
    # The confirmation sits in the warning, and nothing names the Paris file.
    assert 'name="confirm_not_duplicate"' in warning
    assert paris.ofii_number not in page
    assert orgs["ofii"].name not in page
    assert "/beneficiaires/" not in warning.split("confirm_not_duplicate")[0]
    assert 'data-testid="error-summary"' in page
    assert Beneficiary.objects.count() == 1

    response = client.post(
        reverse("beneficiaries:create"), {**values, "confirm_not_duplicate": "on"}
    )
    assert response.status_code == 302
    assert Beneficiary.objects.filter(ofii_organisation=orgs["ofii93"]).count() == 1


# --- Reading a file: scope and audit ----------------------------------------------------------


def test_each_read_of_a_file_adds_an_audit_row(client, ofii, paris_file):
    client.force_login(ofii)
    for expected in (1, 2):
        assert client.get(detail_url(paris_file)).status_code == 200
        assert (
            AuditEntry.objects.filter(
                action="view", object_type="beneficiary", object_id=str(paris_file.pk)
            ).count()
            == expected
        )


@pytest.mark.parametrize(
    "persona", ["prefecture", "mission_locale", "ofii93", "partner", "france_travail"]
)
def test_out_of_scope_roles_get_404_on_a_paris_file(client, request, persona, paris_file):
    client.force_login(request.getfixturevalue(persona))
    for name in ("detail", "edit", "interview_create", "qualification_create", "rights"):
        assert client.get(reverse(f"beneficiaries:{name}", args=[paris_file.pk])).status_code == 404
    assert client.get(reverse("beneficiaries:rights_json", args=[paris_file.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="view").exists()


@pytest.mark.parametrize("persona", ["prefecture", "mission_locale", "partner", "platform_admin"])
def test_list_export_and_import_are_for_ofii_only(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("beneficiaries:list"),
        reverse("beneficiaries:export", args=["csv"]),
        reverse("beneficiaries:create"),
        reverse("beneficiaries:import"),
    ):
        assert client.get(url).status_code == 404


def test_a_receiving_partner_reads_only_referred_people_without_social_notes(
    client, france_travail, orgs, paris_file
):
    InterviewFactory(
        beneficiary=paris_file,
        auditor=france_travail,  # any user; only the organisation matters for the scope
        family_situation="Trois enfants scolarisés",
        social_situation="Hébergée chez un tiers",
    )
    ReferralFactory(beneficiary=paris_file, to_organisation=orgs["france_travail"])
    client.force_login(france_travail)
    page = client.get(detail_url(paris_file)).content.decode()
    assert "DIALLO" in page
    assert "Trois enfants" not in page and "Hébergée" not in page
    assert "Corriger le dossier" not in page
    assert client.get(reverse("beneficiaries:edit", args=[paris_file.pk])).status_code == 404
    assert (
        client.post(reverse("beneficiaries:interview_create", args=[paris_file.pk])).status_code
        == 404
    )


# --- Corrections, interviews, qualifications ---------------------------------------------------


def test_a_correction_keeps_its_history(client, ofii, paris_file):
    client.force_login(ofii)
    values = valid_values(
        ofii_number=paris_file.ofii_number,
        last_name="Diallo",
        first_name="Aminata",
        birth_date=paris_file.birth_date.isoformat(),
        nationality="SN",
        permit_kind="family",
        first_permit_date=paris_file.first_permit_date.isoformat(),
        cir_signed_on=paris_file.cir_signed_on.isoformat(),
        commune="Paris",
        postcode="75018",
    )
    response = client.post(reverse("beneficiaries:edit", args=[paris_file.pk]), values)
    assert response.status_code == 302
    paris_file.refresh_from_db()
    assert paris_file.postcode == "75018"
    correction = Correction.objects.get(beneficiary=paris_file)
    assert correction.changes["postcode"] == {"old": "75019", "new": "75018"}
    assert correction.author == ofii
    assert AuditEntry.objects.filter(action="update", detail__contains="postcode").exists()
    assert "75019" in client.get(detail_url(paris_file)).content.decode()


def test_an_interview_orients_the_person_and_appears_on_the_timeline(client, ofii, paris_file):
    client.force_login(ofii)
    url = reverse("beneficiaries:interview_create", args=[paris_file.pk])
    response = client.post(
        url,
        {
            "kind": "personalised",
            "held_on": timezone.localdate().isoformat(),
            "written_level": "A1",
            "oral_level": "A2",
            "prescribed_hours": "400",
            "civic_training": "on",
            "professional_situation": "Cuisinière",
            "spe_decision": "oriented",
        },
    )
    assert response.status_code == 302
    interview = Interview.objects.get(beneficiary=paris_file)
    assert (interview.auditor, interview.spe_decision) == (ofii, "oriented")
    page = client.get(detail_url(paris_file)).content.decode()
    timeline = page.split('data-testid="timeline"')[1].split("</ol>")[0]
    assert "Entretien personnalisé" in timeline and "Orienté vers le SPE" in timeline


def test_a_personalised_interview_needs_an_spe_decision(client, ofii, paris_file):
    client.force_login(ofii)
    response = client.post(
        reverse("beneficiaries:interview_create", args=[paris_file.pk]),
        {
            "kind": "personalised",
            "held_on": timezone.localdate().isoformat(),
            "prescribed_hours": "0",
        },
    )
    assert "décision SPE" in " ".join(response.context["form"].errors["spe_decision"])
    assert not Interview.objects.exists()


def test_a_qualification_with_its_recognition(client, ofii, paris_file):
    client.force_login(ofii)
    response = client.post(
        reverse("beneficiaries:qualification_create", args=[paris_file.pk]),
        {
            "kind": "diploma",
            "title": "Licence de gestion",
            "country": "SN",
            "obtained_year": "2018",
            "recognition": "enic_naric",
            "requested_on": "2026-01-05",
            "result": "recognised",
            "result_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    assert Qualification.objects.get().country == "SN"
    assert "Licence de gestion" in client.get(detail_url(paris_file)).content.decode()


# --- The list ----------------------------------------------------------------------------------


def test_search_ignores_accents_and_case_and_filters_combine(client, ofii, orgs):
    BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Benaïssa", first_name="Léa")
    BeneficiaryFactory(
        ofii_organisation=orgs["ofii"], last_name="Okafor", first_name="John", sex="M",
        permit_kind="refugee",
    )  # fmt: skip
    BeneficiaryFactory(ofii_organisation=orgs["ofii93"], last_name="Benaissa", first_name="Lea")
    client.force_login(ofii)
    url = reverse("beneficiaries:list")
    page = client.get(url, {"q": "BENAISSA lea"}).content.decode()
    assert "BENAÏSSA" in page and "OKAFOR" not in page
    assert client.get(url, {"q": "benaissa"}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"public": ["bpi"]}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"public": ["women", "bpi"]}).context["page_obj"].paginator.count == 0


def test_invalid_filters_are_reported_not_dropped(client, ofii, paris_file):
    client.force_login(ofii)
    response = client.get(reverse("beneficiaries:list"), {"permit_kind": "nope"})
    assert response.context["form"].errors["permit_kind"]
    assert response.context["page_obj"].paginator.count == 0


def test_open_referral_and_spe_decision_filters(client, ofii, orgs, paris_file):
    other = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    ReferralFactory(beneficiary=paris_file, to_organisation=orgs["france_travail"])
    InterviewFactory(beneficiary=other, spe_decision="dispensed")
    client.force_login(ofii)
    url = reverse("beneficiaries:list")
    assert list(client.get(url, {"open_referral": "yes"}).context["page_obj"]) == [paris_file]
    assert list(client.get(url, {"open_referral": "no"}).context["page_obj"]) == [other]
    assert list(client.get(url, {"spe_decision": "dispensed"}).context["page_obj"]) == [other]


@pytest.mark.parametrize("count", [10, 1000])
def test_the_list_page_issues_a_constant_number_of_queries(
    client, ofii, orgs, count, django_assert_num_queries
):
    many_files(orgs["ofii"], count)
    many_files(orgs["ofii93"], 5, start=5000)
    client.force_login(ofii)
    url = reverse("beneficiaries:list")
    # 1 session, 2 user, 3 active membership (middleware), 4 count of the filtered files,
    # 5 the page of files with the latest SPE decision (one subquery), 6 the audit rows (one
    # INSERT for the page).
    with django_assert_num_queries(6):
        response = client.get(url, {"sort": "-cir", "public": ["women"]})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(50, count // 2)


# --- Exports -----------------------------------------------------------------------------------


def test_exports_neutralise_formulas_and_are_audited(client, ofii, orgs):
    BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name='=HYPERLINK("x")',
        first_name="@SUM",
        phone="+33612",
    )
    BeneficiaryFactory(ofii_organisation=orgs["ofii93"], last_name="Hors-champ")
    client.force_login(ofii)
    csv_text = client.get(reverse("beneficiaries:export", args=["csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'@SUM" in csv_text and "'+33612" in csv_text
    assert "Hors-champ" not in csv_text
    response = client.get(reverse("beneficiaries:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("x")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert AuditEntry.objects.filter(action="export", object_type="beneficiary").count() == 2


def test_export_follows_the_filters(client, ofii, orgs):
    BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Femme", sex="F")
    BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Homme", sex="M")
    client.force_login(ofii)
    text = client.get(
        reverse("beneficiaries:export", args=["csv"]), {"public": "women"}
    ).content.decode("utf-8-sig")
    assert "Femme" in text and "Homme" not in text


# --- RGPD --------------------------------------------------------------------------------------


def test_rights_export_gives_everything_in_json_and_html(client, ofii, orgs, paris_file):
    InterviewFactory(beneficiary=paris_file, social_situation="Hébergée chez un tiers")
    ReferralFactory(beneficiary=paris_file, to_organisation=orgs["france_travail"])
    client.force_login(ofii)
    data = client.get(reverse("beneficiaries:rights_json", args=[paris_file.pk])).json()
    assert data["file"]["last_name"] == "Diallo"
    assert data["file"]["age"] == paris_file.age
    assert data["interviews"][0]["social_situation"] == "Hébergée chez un tiers"
    assert len(data["referrals"]) == 1
    page = client.get(reverse("beneficiaries:rights", args=[paris_file.pk])).content.decode()
    assert "Hébergée chez un tiers" in page and "Orientations" in page
    assert AuditEntry.objects.filter(action="export", detail__startswith="rgpd").count() == 2


def test_the_ofii_home_panel_counts_the_department_files(client, ofii, orgs):
    interviewed = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    InterviewFactory(beneficiary=interviewed)
    BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    BeneficiaryFactory(ofii_organisation=orgs["ofii93"])
    client.force_login(ofii)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="without-interview">1<' in page
    assert "Dossiers du département" in page


def test_an_interview_suggests_resources_of_the_department_only(client, ofii, paris_file, orgs):
    from partners.models import Resource

    housing = Resource.objects.create(
        department=orgs["ofii"].department, name="Accueil logement Paris", category="housing"
    )
    elsewhere = Resource.objects.create(
        department=orgs["ofii93"].department, name="Logement Bobigny", category="housing"
    )
    client.force_login(ofii)
    url = reverse("beneficiaries:interview_create", args=[paris_file.pk])
    form_page = client.get(url).content.decode()
    assert "Accueil logement Paris" in form_page and "Logement Bobigny" not in form_page
    data = {
        "kind": "skills_assessment",
        "held_on": timezone.localdate().isoformat(),
        "prescribed_hours": "0",
    }
    response = client.post(url, {**data, "resources": [elsewhere.pk]})
    assert response.context["form"].errors["resources"]
    response = client.post(url, {**data, "resources": [housing.pk]})
    assert response.status_code == 302
    assert list(Interview.objects.get().resources.all()) == [housing]
    assert "Accueil logement Paris" in client.get(detail_url(paris_file)).content.decode()


def test_the_detail_page_does_not_grow_with_the_path(client, ofii, paris_file):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(ofii)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(detail_url(paris_file)).status_code == 200
        return len(context.captured_queries)

    InterviewFactory(beneficiary=paris_file, auditor=ofii)
    Qualification.objects.create(beneficiary=paris_file, kind="diploma", title="Licence")
    before = queries()
    for _n in range(10):
        InterviewFactory(beneficiary=paris_file, auditor=ofii)
        Qualification.objects.create(beneficiary=paris_file, kind="diploma", title="Master")
    assert queries() == before


# --- Every read of personal data goes through the door (audited) ------------------------------


def test_the_duplicate_warning_audits_the_files_it_names(client, ofii, ofii93, orgs):
    existing = BeneficiaryFactory(
        ofii_organisation=orgs["ofii"],
        last_name="HAIDARI",
        first_name="zahra",
        birth_date=datetime.date(1998, 4, 12),
    )
    client.force_login(ofii)
    client.post(reverse("beneficiaries:create"), valid_values())
    assert AuditEntry.objects.filter(
        action="list", object_id=str(existing.pk), detail="duplicates"
    ).exists()
    # A file only counted, not shown (another department), is not audited as shown.
    AuditEntry.objects.all().delete()
    client.force_login(ofii93)
    client.post(reverse("beneficiaries:create"), valid_values(ofii_number="93-2026-00001"))
    assert not AuditEntry.objects.filter(object_id=str(existing.pk)).exists()


def test_the_edit_form_re_shown_with_errors_is_audited(client, ofii, paris_file):
    client.force_login(ofii)
    response = client.post(
        reverse("beneficiaries:edit", args=[paris_file.pk]), valid_values(birth_date="")
    )
    assert response.status_code == 200
    assert AuditEntry.objects.filter(
        action="view", object_id=str(paris_file.pk), detail="edit"
    ).exists()


def test_nationalities_come_from_django_countries_with_kosovo_and_stateless():
    from beneficiaries.models import country_name
    from beneficiaries.validation import nationality_choices, nationality_error

    assert nationality_error("XX") is None and nationality_error("XK") is None
    assert nationality_error("SN") is None and nationality_error("EH") is None
    assert "Union européenne" in nationality_error("IT")
    assert "Suisse" in nationality_error("CH")
    # A dependent territory is not a nationality; an unknown code neither.
    assert "inconnu" in nationality_error("RE") and "inconnu" in nationality_error("ZZ")
    assert country_name("SN") == "Sénégal" and country_name("XK") == "Kosovo"
    assert ("XX", "Apatride ou nationalité indéterminée (XX)") in nationality_choices()


def test_a_search_holding_a_digit_is_an_exact_file_number_lookup(client, ofii, orgs):
    BeneficiaryFactory(ofii_organisation=orgs["ofii"], ofii_number="75-2025-00042")
    BeneficiaryFactory(ofii_organisation=orgs["ofii"], ofii_number="75-2025-000420")
    client.force_login(ofii)
    url = reverse("beneficiaries:list")
    page = client.get(url, {"q": "75-2025-00042"}).context["page_obj"]
    assert [b.ofii_number for b in page.object_list] == ["75-2025-00042"]


def test_a_list_longer_than_the_cap_says_so_instead_of_counting_everything(
    client, ofii, orgs, monkeypatch
):
    from core.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    BeneficiaryFactory.create_batch(4, ofii_organisation=orgs["ofii"])
    client.force_login(ofii)
    response = client.get(reverse("beneficiaries:list"))
    assert response.context["page_obj"].paginator.is_capped
    assert "Plus de 2 dossiers" in response.content.decode()


def test_a_deep_page_shows_the_same_rows_and_decisions_in_a_constant_number_of_queries(
    client, ofii, orgs, monkeypatch, django_assert_num_queries
):
    """Past the first page the list reads the ids of the page, then those files with their
    latest SPE decision (core.pagination): the database no longer computes the decision of every
    file it skips. Same rows, same order, same decisions as one slice of the list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from beneficiaries import queries, views
    from core.pagination import CappedPaginator

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    files = BeneficiaryFactory.create_batch(8, ofii_organisation=orgs["ofii"])
    for person, decision in zip(files, ["oriented", "dispensed", "oriented"] * 3, strict=False):
        InterviewFactory(beneficiary=person, spe_decision=decision)
    client.force_login(ofii)

    def page(number):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("beneficiaries:list"), {"page": number})
        rows = [(b.pk, b.last_spe_decision) for b in response.context["page_obj"].object_list]
        return rows, [query["sql"] for query in captured.captured_queries]

    listed = queries.filter_files(Beneficiary.objects.visible_to(ofii), {})
    expected = [(b.pk, b.last_spe_decision) for b in listed]
    second, queries_at_8 = page(2)
    third, _ = page(3)
    assert second == expected[3:6] and third == expected[6:8]
    # The query that skips rows selects their ids only, without the decision's subquery.
    offset = [sql for sql in queries_at_8 if "OFFSET" in sql and "beneficiaries_beneficiary" in sql]
    assert len(offset) == 1 and "beneficiaries_interview" not in offset[0]
    assert CappedPaginator(listed, 3).page(2).object_list[0].pk == expected[3][0]
    BeneficiaryFactory.create_batch(5, ofii_organisation=orgs["ofii"])
    assert len(page(2)[1]) == len(queries_at_8)
