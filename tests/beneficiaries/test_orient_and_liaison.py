"""Before orienting: the information notice, and a dispensed person's change of mind. The
liaison sheet the person takes away. The home's "À réorienter" list."""

import datetime
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from beneficiaries import liaison
from beneficiaries.models import Beneficiary, Correction, LiaisonSheet
from referrals import actions as referral_actions
from referrals.models import Referral

from ..factories import BeneficiaryFactory, InterviewFactory, ReferralFactory
from .factories import training_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispensed(orgs, ofii):
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Benali")
    InterviewFactory(beneficiary=person, spe_decision="dispensed", auditor=ofii)
    return person


def send_page(client, person, orgs, **extra):
    return client.post(
        reverse("referrals:new", args=[person.pk]),
        {"to_organisation": str(orgs["france_travail"].pk), "reason": "Emploi", **extra},
    )


def test_orienting_a_dispensed_person_without_the_confirmation_is_refused(
    client, ofii, orgs, dispensed
):
    client.force_login(ofii)
    form = client.get(reverse("referrals:new", args=[dispensed.pk])).content.decode()
    assert 'data-testid="dispensed-warning"' in form
    response = send_page(client, dispensed, orgs)
    assert response.status_code == 400
    assert "confirmez qu&#x27;elle a changé d&#x27;avis" in response.content.decode()
    assert not Referral.objects.exists()
    with pytest.raises(ValidationError) as error:
        referral_actions.send(
            ofii, beneficiary=dispensed, to_organisation=orgs["france_travail"], reason="Emploi"
        )
    assert "confirm_changed_mind" in error.value.message_dict
    dispensed.refresh_from_db()
    assert dispensed.changed_mind_at is None


def test_the_change_of_mind_is_recorded_and_the_referral_sent(client, ofii, orgs, dispensed):
    client.force_login(ofii)
    response = send_page(client, dispensed, orgs, confirm_changed_mind="on")
    assert response.status_code == 302
    assert Referral.objects.filter(beneficiary=dispensed).count() == 1
    dispensed.refresh_from_db()
    assert dispensed.changed_mind_at is not None
    assert dispensed.changed_mind_recorded_by == ofii
    assert Correction.objects.filter(
        beneficiary=dispensed, changes__has_key="changed_mind_at"
    ).exists()


def test_the_api_orients_a_dispensed_person_only_with_the_confirmation(
    api_as, ofii, orgs, dispensed
):
    api = api_as(ofii)
    payload = {
        "beneficiary": dispensed.pk,
        "to_organisation": orgs["france_travail"].pk,
        "reason": "Emploi",
    }
    refused = api.post("/api/v1/referrals/", payload, format="json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["confirm_changed_mind"]
    assert not Referral.objects.exists()
    sent = api.post("/api/v1/referrals/", {**payload, "confirm_changed_mind": True}, format="json")
    assert sent.status_code == 201
    assert "confirm_changed_mind" not in sent.json()
    dispensed.refresh_from_db()
    assert dispensed.changed_mind_recorded_by == ofii
    assert Correction.objects.get(beneficiary=dispensed).channel == "api"


def test_no_referral_before_the_information_notice(ofii, orgs):
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"], information_notice_on=None)
    with pytest.raises(ValidationError) as error:
        referral_actions.send(
            ofii, beneficiary=person, to_organisation=orgs["france_travail"], reason="Emploi"
        )
    assert "information_notice" in error.value.message_dict
    assert not Referral.objects.exists()


# --- The liaison sheet --------------------------------------------------------------------------


@pytest.fixture
def oriented(orgs, ofii):
    orgs["france_travail"].address = "12 rue de l'Exemple, 75019 Paris"
    orgs["france_travail"].save()
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Okafor")
    session = training_session(orgs["ofii"].department, title="Français vers l'emploi A2")
    InterviewFactory(beneficiary=person, training_offer=session, auditor=ofii)
    ReferralFactory(
        beneficiary=person,
        to_organisation=orgs["france_travail"],
        sender=ofii,
        appointment_at=timezone.now() + datetime.timedelta(days=3),
    )
    return person


def pdf_text(content, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed (poppler-utils)")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    ("language", "fixed_part"),
    [("", "À apporter"), ("en", "What to bring"), ("ar", "ما يجب إحضاره")],
)
def test_the_liaison_sheet_names_partner_session_and_is_on_the_timeline(
    client, ofii, orgs, oriented, tmp_path, language, fixed_part
):
    client.force_login(ofii)
    response = client.post(
        reverse("beneficiaries:liaison_sheet", args=[oriented.pk]), {"langue": language}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "12 rue de l'Exemple" in text
    assert "Français vers l'emploi A2" in text
    assert "France Travail Paris" in text
    assert "OFII Paris" in text
    assert "À apporter" in text  # French always
    if language == "ar":
        # RTL text comes out of pdftotext in visual order: look for the words, not the phrase.
        assert all(word in text or word[::-1] in text for word in fixed_part.split())
    else:
        assert fixed_part in text
    sheet = LiaisonSheet.objects.get(beneficiary=oriented)
    assert (sheet.language, sheet.partner_name) == (language, "France Travail Paris")
    page = client.get(reverse("beneficiaries:detail", args=[oriented.pk])).content.decode()
    assert "Fiche de liaison remise à la personne" in page


def test_a_missing_translation_falls_back_to_french(monkeypatch):
    monkeypatch.setitem(liaison.TEXTS, "bring", "Un texte sans traduction")
    texts = liaison.texts("ar")
    assert texts["bring"] == ("Un texte sans traduction", "")
    assert texts["title"] == ("Fiche de liaison", "بطاقة الربط")


def test_the_arabic_sheet_is_right_to_left(ofii, oriented):
    html = liaison.render_to_string(
        "beneficiaries/liaison_sheet.html", liaison.context(oriented, ofii, "ar")
    )
    assert 'lang="ar" dir="rtl"' in html


def test_the_liaison_sheet_of_another_directorate_answers_404(client, ofii93, oriented):
    client.force_login(ofii93)
    response = client.post(reverse("beneficiaries:liaison_sheet", args=[oriented.pk]))
    assert response.status_code == 404
    assert not LiaisonSheet.objects.exists()


def test_the_compiled_catalogues_match_their_sources(tmp_path):
    from django.conf import settings

    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt not installed (gettext)")
    for language in ("en", "ar"):
        folder = settings.LOCALE_PATHS[0] / language / "LC_MESSAGES"
        compiled = tmp_path / f"{language}.mo"
        subprocess.run(
            ["msgfmt", "--check-format", "-o", str(compiled), str(folder / "django.po")],
            check=True,
        )
        assert compiled.read_bytes() == (folder / "django.mo").read_bytes(), language


# --- The home's "À réorienter" ------------------------------------------------------------------


def test_to_reorient_one_row_per_person_with_comment_date_and_link(client, ofii, orgs):
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Zerrouki")
    answered = timezone.now() - datetime.timedelta(days=2)
    for organisation, comment in (("france_travail", "Déjà en formation"), ("cap_emploi", "")):
        ReferralFactory(
            beneficiary=person,
            to_organisation=orgs[organisation],
            sender=ofii,
            status="refused",
            answered_at=answered,
            refusal_reason="other" if comment else "unreachable",
            refusal_comment=comment,
        )
    answered_later = answered + datetime.timedelta(hours=1)
    Referral.objects.filter(to_organisation=orgs["france_travail"]).update(
        answered_at=answered_later
    )
    client.force_login(ofii)
    panel = client.get(reverse("home")).content.decode().split('data-testid="to-reorient"')[1]
    panel = panel.split("</div>")[0]
    assert panel.count("ZERROUKI") == 1
    assert "autre : Déjà en formation" in panel
    assert timezone.localtime(answered_later).strftime("%d/%m/%Y") in panel
    assert reverse("to_reorient") in panel
    full = client.get(reverse("to_reorient")).content.decode()
    assert full.count("ZERROUKI") == 1
    assert Beneficiary.objects.count() == 1
