"""A counsellor records a CEJ entry, proposes an employer's job offer, closes with a job naming
the employer; the statistics count the entry by public and the job by employer."""

import pytest
from django.utils import timezone

from beneficiaries.timeline import timeline
from governance import statistics
from governance.life.models import ProgrammeEntry
from partners.models import OfferKind, OrganisationKind, ServiceOffer
from referrals.models import FollowUp
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _entry(client, referral, cej, orgs, **extra):
    data = {
        "programme": cej.pk,
        "operator": orgs["france_travail"].pk,
        "entered_on": TODAY().isoformat(),
    }
    data.update(extra)
    return client.post(f"/gouvernance/programmes/entree/orientation/{referral.pk}/", data)


def test_the_counsellor_flow_is_counted_by_public_and_by_employer(
    client, france_travail, followed, cej, job_offer, employer, orgs, ofii
):
    client.force_login(france_travail)
    assert _entry(client, followed, cej, orgs).status_code == 302
    entry = ProgrammeEntry.objects.get()
    assert entry.referral == followed

    response = client.post(
        f"/orientations/{followed.pk}/suivi/",
        {
            "follow_up-kind": "offer_proposed",
            "follow_up-happened_on": TODAY().isoformat(),
            "follow_up-offer": job_offer.pk,
        },
    )
    assert response.status_code == 302
    assert FollowUp.objects.get(kind="offer_proposed").offer == job_offer

    response = client.post(
        f"/orientations/{followed.pk}/close/",
        {
            "close-outcome": "job_durable",
            "close-outcome_date": TODAY().isoformat(),
            "close-employer": employer.pk,
        },
    )
    assert response.status_code == 302
    page = client.get(f"/orientations/{followed.pk}/").content.decode()
    assert "GEIQ BTP Paris" in page.split('data-testid="outcome-employer"')[1][:40]

    figures = statistics.compute(orgs["ofii"].department, TODAY().year, masked=False)
    assert figures["programme_entries"]["cej"] == 1
    assert figures["programme_entries_by_public"]["under_26"]["cej"] == 1
    assert figures["programme_entries_by_public"]["rqth"]["cej"] == 0
    assert figures["jobs_by_employer"] == [
        {"organisation": employer.pk, "name": "GEIQ BTP Paris", "kind": "geiq", "jobs": 1}
    ]
    masked = statistics.compute(orgs["ofii"].department, TODAY().year)
    assert masked["programme_entries"]["cej"] == "< 5"
    assert masked["jobs_by_employer"][0]["jobs"] == "< 5"
    assert statistics.value_of(figures, "programme_entries.cej") == 1

    # On the person's timeline, for the OFII too.
    titles = [e.title for e in timeline(followed.beneficiary, ofii)]
    assert "Entrée en programme : CEJ Paris" in titles


def test_ofii_records_an_entry_and_its_exit_on_the_file(client, ofii, followed, cej, orgs):
    client.force_login(ofii)
    url = f"/gouvernance/programmes/entree/dossier/{followed.beneficiary.pk}/"
    data = {"programme": cej.pk, "operator": orgs["mission_locale"].pk, "entered_on": "2999-01-01"}
    response = client.post(url, data)
    assert response.status_code == 400
    data["entered_on"] = TODAY().isoformat()
    assert client.post(url, data).status_code == 302
    entry = ProgrammeEntry.objects.get()
    exit_url = f"/gouvernance/programmes/entrees/{entry.pk}/sortie/"
    assert client.post(exit_url, {"exited_on": TODAY().isoformat()}).status_code == 400
    response = client.post(exit_url, {"exited_on": TODAY().isoformat(), "outcome": "job"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.outcome == "job"


def test_entries_are_out_of_reach_of_other_organisations(
    client, followed, cej, orgs, other_counsellor, ofii93
):
    client.force_login(other_counsellor)  # Mission Locale: the referral is not addressed to it
    assert _entry(client, followed, cej, orgs).status_code == 404
    client.force_login(ofii93)
    url = f"/gouvernance/programmes/entree/dossier/{followed.beneficiary.pk}/"
    assert client.get(url).status_code == 404
    assert ProgrammeEntry.objects.count() == 0


def test_an_employer_only_with_a_job_and_an_offer_only_of_the_department(
    client, france_travail, followed, employer, orgs
):
    client.force_login(france_travail)
    response = client.post(
        f"/orientations/{followed.pk}/close/",
        {
            "close-outcome": "training_language",
            "close-outcome_date": TODAY().isoformat(),
            "close-employer": employer.pk,
        },
    )
    assert response.status_code == 400
    assert "Seule une issue « emploi » nomme un employeur." in response.content.decode()
    elsewhere = ServiceOffer.objects.create(
        organisation=OrganisationFactory(
            kind=OrganisationKind.EMPLOYER, department=orgs["ofii93"].department
        ),
        kind=OfferKind.JOB,
        title="Ailleurs",
    )
    response = client.post(
        f"/orientations/{followed.pk}/suivi/",
        {
            "follow_up-kind": "offer_proposed",
            "follow_up-happened_on": TODAY().isoformat(),
            "follow_up-offer": elsewhere.pk,
        },
    )
    assert response.status_code == 400
    assert FollowUp.objects.filter(kind="offer_proposed").count() == 0
