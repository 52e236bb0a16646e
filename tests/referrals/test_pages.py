import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import AuditEntry
from referrals import actions, states
from referrals.models import FollowUp, Referral, Status
from tests.factories import InterviewFactory

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "persona", ["france_travail", "ofii93", "prefecture", "partner", "cap_emploi"]
)
def test_out_of_scope_accounts_get_404_on_the_page_and_actions(client, request, persona, referral):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    for action in states.ACTIONS:
        response = client.post(reverse("referrals:act", args=[referral.pk, action]), {})
        assert response.status_code == 404
    assert client.post(reverse("referrals:follow_up", args=[referral.pk]), {}).status_code == 404
    assert Referral.objects.get(pk=referral.pk).status == Status.PENDING


def test_inbox_of_other_partners_does_not_list_it(client, france_travail, ofii93, referral):
    for user in (france_travail, ofii93):
        client.force_login(user)
        response = client.get(reverse("referrals:inbox"))
        assert response.status_code == 200
        assert "Diallo" not in text(response).title()
        export = client.get(reverse("referrals:export", args=["csv"]))
        assert "Diallo" not in export.content.decode("utf-8")


def test_referral_page_shows_facts_note_actions_and_history(client, mission_locale, referral):
    client.force_login(mission_locale)
    response = client.get(reverse("referrals:detail", args=[referral.pk]))
    content = text(response)
    assert "DIALLO Aminata" in content
    assert "Souhaite travailler dans la restauration." in content
    assert "Accepter l'orientation" in content and "Refuser l'orientation" in content
    assert "Annuler l'orientation" not in content
    assert AuditEntry.objects.filter(action="view", object_id=str(referral.pk)).exists()


def test_refusing_without_a_reason_shows_a_message(client, mission_locale, referral):
    client.force_login(mission_locale)
    response = client.post(
        reverse("referrals:act", args=[referral.pk, "refuse"]), {"refuse-comment": "x"}
    )
    assert response.status_code == 400
    assert "Choisissez le motif du refus." in text(response)
    assert Referral.objects.get(pk=referral.pk).status == Status.PENDING


def test_refusing_other_without_comment_shows_a_message(client, mission_locale, referral):
    client.force_login(mission_locale)
    response = client.post(
        reverse("referrals:act", args=[referral.pk, "refuse"]), {"refuse-reason": "other"}
    )
    assert response.status_code == 400
    assert "Précisez le motif du refus" in text(response)


def test_accepting_a_cancelled_referral_shows_a_clear_message(
    client, ofii, mission_locale, referral
):
    actions.cancel(ofii, referral)
    client.force_login(mission_locale)
    response = client.post(reverse("referrals:act", args=[referral.pk, "accept"]), {}, follow=True)
    assert "n'est pas possible sur cette orientation dans son état actuel" in text(response)
    assert Referral.objects.get(pk=referral.pk).status == Status.CANCELLED


def test_accept_with_appointment_then_start_then_close(client, mission_locale, referral):
    client.force_login(mission_locale)
    url = lambda action: reverse("referrals:act", args=[referral.pk, action])  # noqa: E731
    when = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT10:00")
    assert client.post(url("accept"), {"accept-appointment_at": when}).status_code == 302
    assert client.post(url("start"), {}).status_code == 302
    response = client.post(
        url("close"),
        {"close-outcome": "training_vocational", "close-outcome_date": timezone.localdate()},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED and referral.outcome == "training_vocational"
    assert timezone.localtime(referral.appointment_at).hour == 10


def test_follow_up_after_acceptance(client, mission_locale, referral):
    actions.accept(mission_locale, referral)
    client.force_login(mission_locale)
    url = reverse("referrals:follow_up", args=[referral.pk])
    response = client.post(
        url, {"follow_up-kind": "accompaniment", "follow_up-happened_on": "2025-01-10"}
    )
    assert response.status_code == 400
    assert "Précisez le type d'accompagnement." in text(response)
    response = client.post(
        url,
        {
            "follow_up-kind": "accompaniment",
            "follow_up-accompaniment": "cej",
            "follow_up-happened_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert FollowUp.objects.get(referral=referral).accompaniment == "cej"


def test_send_form_proposes_the_mission_locale_first_for_a_young_person(client, ofii, young):
    client.force_login(ofii)
    response = client.get(reverse("referrals:new", args=[young.pk]))
    content = text(response)
    assert "Partenaire recommandé : Mission Locale Paris" in content
    form = response.context["form"]
    assert form.fields["to_organisation"].choices[0][1].startswith("Mission Locale Paris")
    assert form.initial["to_organisation"] == str(response.context["rows"][0][0].pk)


def test_send_from_the_form_and_duplicate_is_a_message(client, ofii, orgs, young):
    client.force_login(ofii)
    url = reverse("referrals:new", args=[young.pk])
    data = {"to_organisation": orgs["mission_locale"].pk, "reason": "Emploi", "note": ""}
    response = client.post(url, data)
    referral = Referral.objects.get(beneficiary=young)
    assert response.status_code == 302 and response.url == reverse(
        "referrals:detail", args=[referral.pk]
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert "déjà en cours pour cette personne" in text(response)


def test_send_form_is_404_out_of_scope(client, ofii93, mission_locale, young):
    for user in (ofii93, mission_locale):
        client.force_login(user)
        assert client.get(reverse("referrals:new", args=[young.pk])).status_code == 404


def test_beneficiary_panel_proposes_orienting_after_an_oriented_interview(ofii, young, rf):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = ofii
    InterviewFactory(beneficiary=young, auditor=ofii)
    content = render_to_string(
        "referrals/_beneficiary_panel.html", {"beneficiary": young, "request": request}
    )
    assert 'data-testid="propose-referral"' in content
    actions.send(
        ofii,
        beneficiary=young,
        to_organisation=young.ofii_organisation.department.organisations.get(kind="mission_locale"),
        reason="x",
    )
    content = render_to_string(
        "referrals/_beneficiary_panel.html", {"beneficiary": young, "request": request}
    )
    assert 'data-testid="propose-referral"' not in content
    assert "Mission Locale Paris" in content


def test_bulk_accept_and_assign(client, mission_locale, ofii, orgs, referral):
    from tests.factories import BeneficiaryFactory, member_of

    other = actions.send(
        ofii,
        beneficiary=BeneficiaryFactory(ofii_organisation=orgs["ofii"]),
        to_organisation=orgs["mission_locale"],
        reason="x",
    )
    colleague = member_of(orgs["mission_locale"])
    client.force_login(mission_locale)
    bulk = reverse("referrals:bulk")
    client.post(bulk, {"action": "accept", "referrals": [referral.pk, other.pk]})
    assert set(Referral.objects.values_list("status", flat=True)) == {Status.ACCEPTED}
    client.post(bulk, {"action": "assign", "referrals": [referral.pk], "assigned_to": colleague.pk})
    assert Referral.objects.get(pk=referral.pk).assigned_to == colleague
    assert Referral.objects.get(pk=other.pk).assigned_to is None


def test_inbox_filters_and_counts(client, mission_locale, ofii, orgs, referral):
    from tests.factories import BeneficiaryFactory

    man = BeneficiaryFactory(ofii_organisation=orgs["ofii"], sex="M", last_name="Bamba", rqth=True)
    other = actions.send(ofii, beneficiary=man, to_organisation=orgs["mission_locale"], reason="x")
    Referral.objects.filter(pk=other.pk).update(
        answer_due_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(mission_locale)
    inbox = reverse("referrals:inbox")

    def names(**params):
        response = client.get(inbox, params)
        return [r.beneficiary.last_name for r in response.context["page"].object_list]

    assert names() == ["Bamba", "Diallo"]  # overdue first
    assert names(public="women") == ["Diallo"]
    assert names(public="rqth") == ["Bamba"]
    assert names(public="under_26") == ["Diallo"]
    assert names(overdue="on") == ["Bamba"]
    assert names(q="dial") == ["Diallo"]
    assert names(status="accepted") == []
    assert names(sent_after="not-a-date") == []  # invalid filters show nothing, with a message
    counts = client.get(inbox).context["counts"]
    assert counts["pending"] == 2 and counts["overdue"] == 1 and counts["total"] == 2


def test_export_csv_and_xlsx_neutralise_formulas_and_are_audited(
    client, mission_locale, ofii, orgs
):
    import io

    from openpyxl import load_workbook

    from tests.factories import BeneficiaryFactory

    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="=HYPERLINK(1)")
    referral = actions.send(
        ofii, beneficiary=person, to_organisation=orgs["mission_locale"], reason="+33 emploi"
    )
    client.force_login(mission_locale)
    csv = client.get(reverse("referrals:export", args=["csv"])).content.decode("utf-8")
    assert "'=HYPERLINK(1)" in csv and "'+33 emploi" in csv
    response = client.get(reverse("referrals:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in sheet[2]]
    assert "'=HYPERLINK(1)" in values
    assert AuditEntry.objects.filter(action="export", object_id=str(referral.pk)).count() == 2
    assert client.get(reverse("referrals:export", args=["pdf"])).status_code == 404


def test_preferences_page_opts_out(client, ofii):
    client.force_login(ofii)
    url = reverse("referrals:preferences")
    assert client.get(url).status_code == 200
    client.post(url, {"kinds": ["redirected"]})
    sender_kinds = {kind.value for kind in actions.SENDER_NOTIFICATIONS}
    assert set(ofii.notification_opt_outs.values_list("kind", flat=True)) == sender_kinds - {
        "redirected"
    }
    client.post(url, {"kinds": sorted(sender_kinds)})
    assert not ofii.notification_opt_outs.exists()


def test_home_panels(client, ofii, mission_locale, referral):
    client.force_login(mission_locale)
    content = text(client.get(reverse("home")))
    assert "Boîte de réception" in content and "DIALLO Aminata" in content
    actions.refuse(mission_locale, referral, reason="declined")
    client.force_login(ofii)
    content = text(client.get(reverse("home")))
    assert 'data-testid="to-reorient"' in content and "DIALLO Aminata" in content


def test_bulk_does_not_redirect_elsewhere(client, mission_locale, referral):
    client.force_login(mission_locale)
    response = client.post(
        reverse("referrals:bulk"),
        {"action": "accept", "referrals": [referral.pk], "next": "https://evil.example/"},
    )
    assert response.url == reverse("referrals:inbox")


def test_the_referral_form_re_shown_with_errors_is_audited(client, ofii, young):
    client.force_login(ofii)
    url = reverse("referrals:new", args=[young.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert AuditEntry.objects.filter(
        action="view", object_type="beneficiary", object_id=str(young.pk), detail="referral_form"
    ).exists()


def test_the_inbox_filters_tick_dsfr_checkboxes():
    """django-dsfr's widget templates come before Django's (INSTALLED_APPS): the publics are
    DSFR checkboxes (box drawn on the label), not the browser's bare ones."""
    from referrals.forms import InboxFilterForm

    html = InboxFilterForm()["public"].as_field_group()
    assert html.count('class="fr-checkbox-group"') == len(
        InboxFilterForm.base_fields["public"].choices
    )
    assert '<label class="fr-label"' in html and 'for="id_public_0"' in html
