"""News to the networks (homes, document, monthly digest) and the agreement's lifecycle."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape

from governance.life import digest
from governance.life.models import News
from governance.models import Agreement, Committee, Meeting
from tests.factories import BeneficiaryFactory, member_of
from tests.referrals.factories import PDF

pytestmark = pytest.mark.django_db


def _publish(client, title, **extra):
    data = {"title": title, "text": "Forum de l'emploi le 12 au Carreau du Temple.", "to_all": "on"}
    data.update(extra)
    return client.post("/gouvernance/actualites/nouvelle/", data)


def test_a_news_item_reaches_the_homes_and_its_document_is_scoped(
    client, prefecture, partner, ofii, ofii93, agreement, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client.force_login(prefecture)
    document = SimpleUploadedFile("programme.pdf", PDF, content_type="application/pdf")
    assert _publish(client, "Forum emploi", document=document).status_code == 302
    news = News.objects.get()
    assert news.document_type == "application/pdf"
    for person in (partner, ofii):
        client.force_login(person)
        home = client.get("/").content.decode()
        assert "Forum emploi" in home.split('data-testid="news-panel"')[1]
        response = client.get(f"/gouvernance/actualites/{news.pk}/document/")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == PDF
    client.force_login(ofii93)
    assert "Forum emploi" not in client.get("/").content.decode()
    assert client.get(f"/gouvernance/actualites/{news.pk}/document/").status_code == 404


def test_a_document_is_checked_by_its_content(client, prefecture, agreement):
    client.force_login(prefecture)
    fake = SimpleUploadedFile(
        "programme.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = _publish(client, "Avec un faux PDF", document=fake)
    assert response.status_code == 400
    assert "Seuls les documents PDF et les images JPEG ou PNG sont acceptés." in (
        response.content.decode()
    )
    assert News.objects.count() == 0


def test_news_to_some_partners_only(client, france_travail, partner, orgs, agreement):
    client.force_login(france_travail)  # a signatory
    response = _publish(client, "Réservé OFII", to_all="", audience=[orgs["ofii"].pk])
    assert response.status_code == 302
    client.force_login(partner)
    assert "Réservé OFII" not in client.get("/gouvernance/actualites/").content.decode()
    assert client.get("/gouvernance/actualites/nouvelle/").status_code == 404
    client.force_login(member_of(orgs["ofii"]))
    assert "Réservé OFII" in client.get("/gouvernance/actualites/").content.decode()
    client.force_login(france_travail)
    response = _publish(client, "Sans destinataire", to_all="")
    assert response.status_code == 400
    assert escape("Choisissez les destinataires, ou « à tous ».") in response.content.decode()


def test_the_monthly_digest_lists_the_news_without_personal_data(
    client, prefecture, partner, ofii, agreement, settings, django_capture_on_commit_callbacks
):
    person = BeneficiaryFactory(last_name="Zorglub")
    first = timezone.localdate().replace(day=1)
    last_month = timezone.make_aware(dt.datetime.combine(first - dt.timedelta(days=3), dt.time(9)))
    client.force_login(prefecture)
    _publish(client, "Nouvelle permanence France Travail")
    News.objects.update(published_at=last_month)
    client.force_login(partner)
    client.post("/gouvernance/actualites/lettre-mensuelle/", {})  # opts out
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        digest.send_news_digests()
    recipients = {message.to[0] for message in mail.outbox}
    assert ofii.email in recipients
    assert prefecture.email in recipients
    assert partner.email not in recipients
    body = mail.outbox[0].body
    assert "Nouvelle permanence France Travail (Préfecture de Paris)" in body
    assert person.last_name not in body
    assert "@" not in body
    with django_capture_on_commit_callbacks(execute=True):
        digest.send_news_digests()  # the same month again: nothing sent twice
    assert len(mail.outbox) == len(recipients)


def test_termination_records_its_facts_and_warns_after_the_end(client, prefecture, agreement, orgs):
    client.force_login(prefecture)
    url = f"/gouvernance/accords/{agreement.pk}/resiliation/"
    data = {
        "requested_by": orgs["france_travail"].pk,
        "notice_on": agreement.ends_on.isoformat(),
        "letter_reference": "1A 234 567 8901 2",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert escape("accord des signataires de l'accord-cadre national") in response.content.decode()
    data["national_agreement"] = "on"
    response = client.post(url, data, follow=True)
    agreement.refresh_from_db()
    assert agreement.termination_requested_by == orgs["france_travail"]
    assert agreement.termination_letter_reference == "1A 234 567 8901 2"
    assert agreement.termination_national_agreement
    assert escape("après la fin de l'accord") in response.content.decode()
    data["requested_by"] = orgs["partner"].pk  # not a signatory
    assert client.post(url, data).status_code == 400


def test_renewal_copies_signatories_axes_and_actions_into_a_draft(
    client, prefecture, agreement, orgs
):
    agreement.actions.create(
        axis=agreement.axes.get(),
        title="Immersions croisées",
        lead_organisation=orgs["ofii"],
        starts_on=agreement.starts_on,
    )
    client.force_login(prefecture)
    assert client.get(f"/gouvernance/accords/{agreement.pk}/renouveler/").status_code == 200
    response = client.post(f"/gouvernance/accords/{agreement.pk}/renouveler/")
    draft = Agreement.objects.get(renews=agreement)
    assert response.status_code == 302
    assert draft.status == Agreement.Status.DRAFT
    assert draft.starts_on == agreement.ends_on + dt.timedelta(days=1)
    assert draft.signatories.count() == 4
    assert list(draft.axes.values_list("title", flat=True)) == ["Connaissance réciproque"]
    assert list(draft.actions.values_list("title", flat=True)) == ["Immersions croisées"]
    assert draft.committees.count() == 2


def test_a_thematic_group_has_its_own_meetings(client, prefecture, agreement, partner):
    client.force_login(prefecture)
    url = f"/gouvernance/accords/{agreement.pk}/groupes-thematiques/ajouter/"
    assert client.post(url, {"name": "Femmes et emploi"}).status_code == 302
    assert client.post(url, {"name": "femmes et emploi"}).status_code == 400
    group = Committee.objects.get(kind="thematic")
    response = client.post(
        f"/gouvernance/accords/{agreement.pk}/reunions/nouvelle/",
        {"committee": group.pk, "date": "2030-01-15T10:00", "place": "DDETS"},
    )
    assert response.status_code == 302
    assert Meeting.objects.get().committee == group
    client.force_login(partner)
    assert client.post(url, {"name": "Jeunes"}).status_code == 404
