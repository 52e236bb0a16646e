"""Who may request, see, download and validate bilans: pages and API."""

import pytest
from django.urls import reverse

from governance.models import AnnualReport
from partners.models import AuditEntry

from .factories import (
    copil_meeting,
    other_department_agreement,
    paris_agreement,
    ready_report,
    validating_copil,
)

Status = AnnualReport.Status


@pytest.fixture
def agreement(orgs):
    return paris_agreement(orgs)


def fetch(client, url, **extra):
    """GET, reading a file response to its end (its content in ``response.body``): the test
    client then closes the file, without closing the test's database connection (which a
    direct ``response.close()`` would do, through the request_finished signal)."""
    response = client.get(url, **extra)
    if getattr(response, "streaming", False):
        response.body = b"".join(response.streaming_content)
    return response


def download(client, report):
    return fetch(client, reverse("governance:bilan:download", args=[report.pk]))


# --- Download ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_prefecture_downloads_any_report_without_cache_and_it_is_audited(
    client, prefecture, agreement
):
    report = ready_report(agreement)
    client.force_login(prefecture)
    response = download(client, report)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert "bilan-75-2025-v1.pdf" in response["Content-Disposition"]
    assert response.body.startswith(b"%PDF")
    entry = AuditEntry.objects.get(object_type="annual_report")
    assert (entry.actor, entry.action, entry.object_id, entry.channel) == (
        prefecture,
        AuditEntry.Action.DOWNLOAD,
        str(report.pk),
        "web",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["partner", "ofii", "france_travail"])
def test_others_download_validated_reports_only(request, client, persona, agreement):
    user = request.getfixturevalue(persona)
    draft = ready_report(agreement, version=1)
    validated = ready_report(
        agreement,
        version=2,
        status=Status.VALIDATED,
        validated_by_meeting=copil_meeting(agreement),
        validated_at=draft.generated_at,
    )
    client.force_login(user)
    assert download(client, draft).status_code == 404
    assert client.get(reverse("governance:bilan:detail", args=[draft.pk])).status_code == 404
    assert download(client, validated).status_code == 200


@pytest.mark.django_db
def test_another_department_sees_nothing(client, ofii93, orgs, agreement, prefecture):
    validated = ready_report(
        agreement,
        status=Status.VALIDATED,
        validated_by_meeting=copil_meeting(agreement),
        validated_at=agreement.starts_on and ready_report(agreement, version=9).generated_at,
    )
    client.force_login(ofii93)
    assert download(client, validated).status_code == 404
    response = client.get(reverse("governance:bilan:list"))
    assert agreement.title not in response.content.decode()
    # A coordinator of 93 neither.
    from tests.factories import OrganisationFactory, member_of

    prefecture93 = member_of(
        OrganisationFactory(kind="prefecture", department=orgs["ofii93"].department)
    )
    client.force_login(prefecture93)
    assert download(client, validated).status_code == 404


@pytest.mark.django_db
def test_a_report_not_ready_has_no_download(client, prefecture, agreement):
    report = AnnualReport.objects.create(agreement=agreement, year=2025, version=1)
    client.force_login(prefecture)
    assert download(client, report).status_code == 404


# --- Pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_prefecture_requests_a_bilan_and_follows_its_progress(
    client, prefecture, agreement, django_capture_on_commit_callbacks
):
    client.force_login(prefecture)
    page = client.get(reverse("governance:bilan:list"))
    assert "Demander la génération" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("governance:bilan:request"), {"agreement": agreement.pk, "year": 2025}
        )
    report = AnnualReport.objects.get()
    assert response.url == reverse("governance:bilan:detail", args=[report.pk])
    page = client.get(response.url).content.decode()
    # Pending: the page says so and refreshes itself.
    assert "En attente" in page and 'http-equiv="refresh"' in page and "progress.js" in page
    status = client.get(reverse("governance:bilan:status", args=[report.pk])).json()
    assert status == {
        "status": "pending",
        "status_label": "En attente",
        "progress": 0,
        "step": "En attente d'un processus de génération",
        "done": False,
    }
    callbacks[0]()
    page = client.get(response.url).content.decode()
    assert "Télécharger le PDF" in page and 'http-equiv="refresh"' not in page
    # The COPIL meetings of the factory were held in 2025: none may validate the 2025 bilan yet.
    assert "Aucune réunion du COPIL ne remplit ces conditions" in page
    assert client.get(reverse("governance:bilan:status", args=[report.pk])).json()["done"]


@pytest.mark.django_db
def test_a_bad_year_is_explained_and_nothing_is_created(client, prefecture, agreement):
    client.force_login(prefecture)
    response = client.post(
        reverse("governance:bilan:request"), {"agreement": agreement.pk, "year": 2012}
    )
    assert response.status_code == 400
    assert "Choisissez une année couverte par l" in response.content.decode()
    assert not AnnualReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["partner", "ofii", "france_travail"])
def test_only_coordinators_request_and_validate(request, client, persona, agreement):
    user = request.getfixturevalue(persona)
    report = ready_report(agreement)
    client.force_login(user)
    assert (
        "Demander la génération"
        not in client.get(reverse("governance:bilan:list")).content.decode()
    )
    response = client.post(
        reverse("governance:bilan:request"), {"agreement": agreement.pk, "year": 2025}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("governance:bilan:validate", args=[report.pk]),
        {"meeting": copil_meeting(agreement).pk},
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == Status.READY
    assert AnnualReport.objects.count() == 1


@pytest.mark.django_db
def test_the_coordinator_confirms_the_validation_and_the_versions_show_which_one(
    client, prefecture, agreement
):
    first = ready_report(agreement, version=1)
    second = ready_report(agreement, version=2)
    too_early = copil_meeting(agreement)  # held in 2025, the year covered
    meeting = validating_copil(agreement)
    client.force_login(prefecture)
    page = client.get(reverse("governance:bilan:detail", args=[second.pk])).content.decode()
    # Only the meeting that may validate is offered.
    assert f'value="{meeting.pk}"' in page
    assert f'value="{too_early.pk}"' not in page
    url = reverse("governance:bilan:validate", args=[second.pk])
    # First the confirmation page, saying what becomes public; nothing is validated yet.
    response = client.post(url, {"meeting": meeting.pk})
    assert response.status_code == 200
    assert "Ce que la validation rend public" in response.content.decode()
    second.refresh_from_db()
    assert second.status == Status.READY
    response = client.post(url, {"meeting": meeting.pk, "confirm": "1"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.validated_by_meeting) == (Status.VALIDATED, meeting)
    page = client.get(reverse("governance:bilan:detail", args=[first.pk])).content.decode()
    assert page.count("Version validée") == 1
    assert "Marquer comme validé" not in page  # one validated version per year
    # Validating a second time is refused with a message.
    response = client.post(url, {"meeting": meeting.pk, "confirm": "1"}, follow=True)
    assert "Ce bilan est déjà validé par le COPIL." in response.content.decode()


@pytest.mark.django_db
def test_a_copil_of_the_year_covered_is_refused_on_the_page_with_a_french_message(
    client, prefecture, agreement
):
    report = ready_report(agreement)
    client.force_login(prefecture)
    response = client.post(
        reverse("governance:bilan:validate", args=[report.pk]),
        {"meeting": copil_meeting(agreement).pk, "confirm": "1"},
    )
    assert response.status_code == 400
    assert (
        "Le bilan 2025 ne peut être validé que par un COPIL tenu après la fin de l&#x27;année 2025"
        in response.content.decode()
    )
    report.refresh_from_db()
    assert report.status == Status.READY


@pytest.mark.django_db
@pytest.mark.parametrize("reports", [1, 12])
def test_the_list_page_issues_a_constant_number_of_queries(
    client, prefecture, agreement, reports, django_assert_num_queries
):
    for version in range(1, reports + 1):
        ready_report(agreement, version=version)
    client.force_login(prefecture)
    # 1 session, 2 user, 3 active membership with its organisation, 4 count of the reports,
    # 5-6 the agreements of the request form (its choices, rendered by the field group),
    # 7 the page of reports joined with agreement, department, COPIL meeting and committee,
    # 8 the session's second-factor device (django-otp: a coordinator's session is verified),
    # 9 the agreements whose bilan is being drafted, 10 the actions the person's organisation
    # leads (the drafting links).
    with django_assert_num_queries(10):
        response = client.get(reverse("governance:bilan:list"))
    assert response.content.decode().count("fr-badge--info") == reports


# --- API ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_post_answers_202_then_the_report_and_its_pdf(
    api_as, prefecture, agreement, django_capture_on_commit_callbacks
):
    api = api_as(prefecture)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/reports/", {"year": 2025, "agreement": agreement.pk})
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {
        "id",
        "agreement",
        "year",
        "version",
        "status",
        "progress",
        "requested_at",
        "generated_at",
        "sha256",
        "validated_at",
        "download_url",
        "updated_at",
    }
    assert (body["status"], body["version"], body["download_url"]) == ("pending", 1, None)
    body = api.get(f"/api/v1/reports/{body['id']}/").json()
    assert body["status"] == "ready" and body["progress"] == 100 and len(body["sha256"]) == 64
    assert body["download_url"].endswith(f"/api/v1/reports/{body['id']}/download/")
    response = fetch(api, body["download_url"], HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(object_type="annual_report", channel="api").count() == 1


@pytest.mark.django_db
def test_api_bad_input_answers_400_with_field_errors(api_as, prefecture, agreement, orgs):
    api = api_as(prefecture)
    response = api.post("/api/v1/reports/", {"year": 2012, "agreement": agreement.pk})
    assert response.status_code == 400 and "year" in response.json()
    other = other_department_agreement(orgs)
    response = api.post("/api/v1/reports/", {"year": 2025, "agreement": other.pk})
    assert response.status_code == 400 and "agreement" in response.json()
    assert not AnnualReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["partner", "ofii", "ofii93"])
def test_api_others_cannot_request_nor_see_drafts(request, api_as, persona, agreement):
    api = api_as(request.getfixturevalue(persona))
    draft = ready_report(agreement)
    response = api.post("/api/v1/reports/", {"year": 2025, "agreement": agreement.pk})
    assert response.status_code == 404
    assert api.get(f"/api/v1/reports/{draft.pk}/").status_code == 404
    assert api.get(f"/api/v1/reports/{draft.pk}/download/").status_code == 404
    assert api.get("/api/v1/reports/").json()["count"] == 0


@pytest.mark.django_db
def test_api_a_partner_reads_a_validated_report(api_as, partner, agreement):
    validated = ready_report(agreement)
    validated.status = Status.VALIDATED
    validated.validated_by_meeting = copil_meeting(agreement)
    validated.validated_at = validated.generated_at
    validated.save()
    api = api_as(partner)
    assert api.get(f"/api/v1/reports/{validated.pk}/").json()["status"] == "validated"
    assert fetch(api, f"/api/v1/reports/{validated.pk}/download/").status_code == 200


# --- Admin -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_cannot_delete_a_validated_report(client, platform_admin, agreement):
    validated = ready_report(
        agreement,
        status=Status.VALIDATED,
        validated_by_meeting=copil_meeting(agreement),
        validated_at=agreement.starts_on and ready_report(agreement, version=3).generated_at,
    )
    client.force_login(platform_admin)
    url = reverse("admin:governance_annualreport_delete", args=[validated.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert AnnualReport.objects.filter(pk=validated.pk).exists()
