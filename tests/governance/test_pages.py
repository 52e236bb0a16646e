"""Governance pages: who reads, who edits, what they say."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from governance import queries
from governance.models import (
    Action,
    Agreement,
    Attendance,
    Committee,
    Decision,
    FollowUpItem,
    Indicator,
    IndicatorYear,
    Meeting,
)

from .conftest import YEAR
from .factories import AgreementFactory, AxisFactory, MeetingFactory


@pytest.fixture
def agreement(paris):
    return AgreementFactory(department=paris, title="Accord de Paris")


def _login(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_governance_page_says_when_a_committee_is_behind(client, prefecture, agreement):
    MeetingFactory(agreement=agreement, status=Meeting.Status.HELD)
    page = _login(client, prefecture).get("/gouvernance/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="cadence-warning-copil"' in text
    assert 'data-testid="cadence-warning-technical"' in text
    assert (
        "Comité de pilotage (COPIL) en retard sur la cadence de l'accord (2 par an) : "
        "1 réunion tenue en"
    ) in text
    assert "Il en manque 1 et aucune n'est programmée." in text
    MeetingFactory(agreement=agreement, status=Meeting.Status.HELD)
    Committee.objects.create(agreement=agreement, kind=Committee.Kind.THEMATIC, name="Emploi")
    text = client.get("/gouvernance/").content.decode()
    assert 'data-testid="cadence-ok-copil"' in text
    assert 'data-testid="cadence-warning-copil"' not in text
    assert "2 réunions tenues en" in text
    # A thematic group has no cadence: it is neither behind nor "0 held for 0 required".
    assert 'data-testid="cadence-free-thematic"' in text
    assert (
        "Groupe thématique « Emploi » : pas de cadence fixée par l'accord ; 0 réunions tenues"
        in text
    )


@pytest.mark.django_db
def test_overdue_follow_up_items_are_listed(client, prefecture, agreement, orgs):
    meeting = MeetingFactory(agreement=agreement, status=Meeting.Status.HELD)
    FollowUpItem.objects.create(
        meeting=meeting,
        description="Envoyer la cartographie des offres",
        owner=orgs["france_travail"],
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    FollowUpItem.objects.create(
        meeting=meeting,
        description="Pas encore échue",
        owner=orgs["france_travail"],
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    text = _login(client, prefecture).get("/gouvernance/").content.decode()
    assert "Envoyer la cartographie des offres" in text
    assert "Pas encore échue" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ends_in_days", "testid"),
    [(90, "agreement-ending"), (-1, "agreement-ended"), (400, None)],
)
def test_agreement_page_warns_of_its_end(client, partner, paris, ends_in_days, testid):
    agreement = AgreementFactory(
        department=paris, ends_on=timezone.localdate() + dt.timedelta(days=ends_in_days)
    )
    text = _login(client, partner).get(f"/gouvernance/accords/{agreement.pk}/").content.decode()
    for candidate in ("agreement-ending", "agreement-ended"):
        assert (f'data-testid="{candidate}"' in text) == (candidate == testid)


@pytest.mark.django_db
def test_termination_takes_effect_three_months_after_notice(client, prefecture, agreement, orgs):
    agreement.signatories.create(
        organisation=orgs["france_travail"], representative="X", representative_title="Directeur"
    )
    response = _login(client, prefecture).post(
        f"/gouvernance/accords/{agreement.pk}/resiliation/",
        {
            "notice_on": "2026-01-31",
            "requested_by": orgs["france_travail"].pk,
            "letter_reference": "RAR 1A 000 000",
            "national_agreement": "on",
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.termination_effective_on == dt.date(2026, 4, 30)
    text = client.get(f"/gouvernance/accords/{agreement.pk}/").content.decode()
    assert "30 avril 2026" in text
    assert queries.end_warning(agreement, today=dt.date(2026, 5, 1))[0] == "ended"


@pytest.mark.django_db
def test_prefecture_creates_an_agreement_with_its_committees(client, prefecture):
    response = _login(client, prefecture).post(
        "/gouvernance/accords/nouveau/",
        {
            "title": "Accord 2026-2030",
            "starts_on": "2026-03-01",
            "ends_on": "2030-03-01",
            "status": "in_force",
        },
    )
    agreement = Agreement.objects.get(title="Accord 2026-2030")
    assert response.status_code == 302
    assert agreement.department.code == "75"
    assert set(agreement.committees.values_list("kind", flat=True)) == {"copil", "technical"}


@pytest.mark.django_db
def test_bad_dates_are_refused_in_french(client, prefecture):
    response = _login(client, prefecture).post(
        "/gouvernance/accords/nouveau/",
        {"title": "X", "starts_on": "2026-03-01", "ends_on": "2025-03-01", "status": "draft"},
    )
    assert response.status_code == 200
    assert "La fin doit suivre le début de l&#x27;accord." in response.content.decode()
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_amendment_with_a_document(client, prefecture, agreement, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    response = _login(client, prefecture).post(
        f"/gouvernance/accords/{agreement.pk}/avenants/ajouter/",
        {
            "number": 1,
            "signed_on": "2024-01-15",
            "summary": "Prolongation",
            "document": SimpleUploadedFile("avenant.pdf", b"%PDF-1.4", "application/pdf"),
        },
    )
    assert response.status_code == 302
    assert agreement.amendments.get().document.name.startswith("amendments/")


@pytest.mark.django_db
def test_meeting_lifecycle(client, prefecture, agreement, orgs):
    client = _login(client, prefecture)
    copil = agreement.committees.get(kind="copil")
    response = client.post(
        f"/gouvernance/accords/{agreement.pk}/reunions/nouvelle/",
        {
            "committee": copil.pk,
            "date": (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Préfecture",
            "agenda": "Point 1\nPoint 2",
            "invited": [orgs["ofii"].pk, orgs["france_travail"].pk],
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    url = f"/gouvernance/reunions/{meeting.pk}/"
    client.post(
        url + "presences/",
        {f"org_{orgs['ofii'].pk}": "present", f"org_{orgs['france_travail'].pk}": "excused"},
    )
    assert dict(Attendance.objects.values_list("organisation__name", "presence")) == {
        "OFII Paris": "present",
        "France Travail Paris": "excused",
    }
    client.post(url + "decisions/", {"text": "Le bilan 2025 est validé."})
    decision = Decision.objects.get()
    client.post(
        url + "suivi/",
        {
            "description": "Diffuser le compte rendu",
            "owner": orgs["prefecture"].pk,
            "due_on": "2026-12-31",
            "decision": decision.pk,
        },
    )
    item = FollowUpItem.objects.get()
    assert item.decision == decision
    client.post(url + "tenue/", {"minutes": "Compte rendu."})
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert meeting.minutes == "Compte rendu."
    client.post(f"/gouvernance/suivi/{item.pk}/etat/", {"status": "done", "next": url})
    item.refresh_from_db()
    assert item.status == "done"
    # A held meeting cannot be cancelled.
    response = client.post(url + "annuler/", follow=True)
    assert "déjà été tenue" in response.content.decode()
    text = client.get(url).content.decode()
    assert "Le bilan 2025 est validé." in text


@pytest.mark.django_db
def test_a_future_meeting_cannot_be_declared_held(client, prefecture, agreement):
    meeting = MeetingFactory(agreement=agreement, date=timezone.now() + dt.timedelta(days=10))
    response = _login(client, prefecture).post(
        f"/gouvernance/reunions/{meeting.pk}/tenue/", {"minutes": ""}, follow=True
    )
    assert "Une réunion à venir ne peut pas être déclarée tenue." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "planned"


@pytest.mark.django_db
def test_invitations_carry_an_ics(
    client, prefecture, agreement, orgs, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(agreement=agreement, date=timezone.now() + dt.timedelta(days=10))
    meeting.invited.set([orgs["ofii"], orgs["france_travail"]])
    with django_capture_on_commit_callbacks(execute=True):
        _login(client, prefecture).post(f"/gouvernance/reunions/{meeting.pk}/invitations/")
    assert len(mail.outbox) == 2
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert name == "invitation.ics"
    assert mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content
    assert f"UID:meeting-{meeting.pk}@passerelle" in content
    assert "\r\n" in content


@pytest.mark.django_db
def test_action_plan_shows_progress_of_computed_and_manual_indicators(
    client, prefecture, agreement, orgs, known_dataset
):
    axis = AxisFactory(agreement=agreement, title="Connaissance réciproque")
    action = Action.objects.create(
        agreement=agreement,
        axis=axis,
        title="Orienter vers le SPE",
        lead_organisation=orgs["ofii"],
        starts_on=dt.date(2024, 1, 1),
        status="in_progress",
    )
    computed = Indicator.objects.create(
        action=action, name="Signataires du CIR", source="computed", statistic="cir_signatories"
    )
    manual = Indicator.objects.create(action=action, name="Réunions d'information", source="manual")
    IndicatorYear.objects.create(indicator=computed, year=YEAR, target=16)
    IndicatorYear.objects.create(
        indicator=manual, year=YEAR, target=10, value=5, comment="Cinq réunions"
    )
    text = (
        _login(client, prefecture)
        .get(f"/gouvernance/accords/{agreement.pk}/plan-d-actions/?year={YEAR}")
        .content.decode()
    )
    assert text.count('<progress max="100" value="50"') == 2  # 8 of 16 computed, 5 of 10
    assert "Cinq réunions" in text


@pytest.mark.django_db
def test_a_manual_value_needs_a_comment(client, prefecture, agreement, orgs):
    axis = AxisFactory(agreement=agreement)
    action = Action.objects.create(
        agreement=agreement,
        axis=axis,
        title="A",
        lead_organisation=orgs["ofii"],
        starts_on=dt.date(2024, 1, 1),
    )
    indicator = Indicator.objects.create(action=action, name="I", source="manual")
    response = _login(client, prefecture).post(
        f"/gouvernance/indicateurs/{indicator.pk}/annee/?year=2025",
        {"year": 2025, "target": 10, "value": 3, "comment": ""},
    )
    assert response.status_code == 200
    assert not IndicatorYear.objects.exists()


@pytest.mark.django_db
def test_a_computed_indicator_needs_its_statistic(client, prefecture, agreement, orgs):
    action = Action.objects.create(
        agreement=agreement,
        axis=AxisFactory(agreement=agreement),
        title="A",
        lead_organisation=orgs["ofii"],
        starts_on=dt.date(2024, 1, 1),
    )
    response = _login(client, prefecture).post(
        f"/gouvernance/actions/{action.pk}/indicateurs/ajouter/",
        {"name": "I", "source": "computed", "statistic": "", "unit": ""},
    )
    assert response.status_code == 200
    assert not Indicator.objects.exists()


READ_PAGES = ["/gouvernance/", "/gouvernance/reunions/"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["partner", "ofii", "france_travail", "prefecture"])
def test_everyone_of_the_department_reads_the_governance(
    client, request, persona, agreement, django_assert_max_num_queries
):
    meeting = MeetingFactory(agreement=agreement)
    client = _login(client, request.getfixturevalue(persona))
    for url in [
        *READ_PAGES,
        f"/gouvernance/accords/{agreement.pk}/",
        f"/gouvernance/accords/{agreement.pk}/plan-d-actions/",
        f"/gouvernance/reunions/{meeting.pk}/",
        f"/gouvernance/reunions/{meeting.pk}/invitation.ics",
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["partner", "ofii", "france_travail"])
def test_only_coordinators_edit(client, request, persona, agreement):
    meeting = MeetingFactory(agreement=agreement)
    client = _login(client, request.getfixturevalue(persona))
    for url in [
        "/gouvernance/accords/nouveau/",
        f"/gouvernance/accords/{agreement.pk}/modifier/",
        f"/gouvernance/accords/{agreement.pk}/reunions/nouvelle/",
        f"/gouvernance/reunions/{meeting.pk}/modifier/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/gouvernance/reunions/{meeting.pk}/tenue/").status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == "planned"


@pytest.mark.django_db
def test_another_department_answers_404(client, ofii93, agreement):
    meeting = MeetingFactory(agreement=agreement)
    client = _login(client, ofii93)
    for url in [
        f"/gouvernance/accords/{agreement.pk}/",
        f"/gouvernance/accords/{agreement.pk}/plan-d-actions/",
        f"/gouvernance/reunions/{meeting.pk}/",
        f"/gouvernance/reunions/{meeting.pk}/invitation.ics",
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_statistics_page_with_charts_and_downloads(client, prefecture, known_dataset, orgs):
    client = _login(client, prefecture)
    page = client.get("/gouvernance/statistiques/", {"year": YEAR})
    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text and "<title" in text and "<desc" in text
    assert "&lt; 5" in text
    assert "Valeur" in text
    csv = client.get("/gouvernance/statistiques/partenaires.csv", {"year": YEAR})
    assert csv.status_code == 200
    assert "France Travail Paris;≥ 5" in csv.content.decode()
    xlsx = client.get("/gouvernance/statistiques/all.xlsx", {"year": YEAR})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(xlsx.content))
    assert "synthese" in workbook.sheetnames and "mois" in workbook.sheetnames
    filtered = client.get(
        "/gouvernance/statistiques/", {"year": YEAR, "organisation": orgs["mission_locale"].pk}
    ).content.decode()
    assert "Mission Locale Paris" in filtered
    assert client.get("/gouvernance/statistiques/", {"year": "x"}).status_code == 200
    assert client.get("/gouvernance/statistiques/nope.csv", {"year": YEAR}).status_code == 404


@pytest.mark.django_db
def test_statistics_page_shows_no_name(client, prefecture, known_dataset):
    from beneficiaries.models import Beneficiary

    for n, person in enumerate(known_dataset):
        Beneficiary.objects.filter(pk=person.pk).update(
            last_name=f"Nomdefamille{n}", first_name=f"Prenom{n}"
        )
    text = _login(client, prefecture).get("/gouvernance/statistiques/", {"year": YEAR})
    body = text.content.decode()
    assert "Nomdefamille" not in body and "Prenom" not in body


@pytest.mark.django_db
def test_partners_without_statistics_get_404(client, partner):
    assert _login(client, partner).get("/gouvernance/statistiques/").status_code == 404


@pytest.mark.django_db
def test_home_panel_of_the_coordinator(client, prefecture, agreement):
    text = _login(client, prefecture).get("/").content.decode()
    assert 'data-testid="governance-panel"' in text
    assert 'data-testid="cadence-warning-copil"' in text


@pytest.mark.django_db
def test_home_panel_of_a_partner_reads_the_governance(client, partner, agreement):
    MeetingFactory(agreement=agreement, date=timezone.now() + dt.timedelta(days=20))
    text = _login(client, partner).get("/").content.decode()
    assert 'data-testid="governance-panel"' in text
    assert "Prochaines réunions" in text
    assert "Programmer une réunion" not in text


@pytest.mark.django_db
def test_statistics_page_for_a_period_and_its_shortcuts(client, prefecture, known_dataset, orgs):
    client = _login(client, prefecture)
    march = {"from": f"{YEAR}-03-01", "to": f"{YEAR}-03-31"}
    page = client.get("/gouvernance/statistiques/", march)
    text = page.content.decode()
    assert page.status_code == 200
    assert "période du 1 mars 2025 au 31 mars 2025" in text
    # Six of the known data set's eight files were signed in March.
    csv = client.get("/gouvernance/statistiques/synthese.csv", march).content.decode()
    assert "Signataires du CIR;6" in csv
    # The usual periods: the quarters of this year begun, and the last meeting of each committee.
    MeetingFactory(
        agreement=AgreementFactory(department=orgs["ofii"].department),
        status="held",
        date=timezone.now() - dt.timedelta(days=30),
    )
    shortcuts = client.get("/gouvernance/statistiques/").content.decode()
    assert "1er trimestre" in shortcuts
    assert "Depuis la dernière réunion — Comité de pilotage (COPIL)" in shortcuts
    bad = client.get("/gouvernance/statistiques/", {"from": f"{YEAR}-03-01"})
    assert "Indiquez la fin de la période." in bad.content.decode()
