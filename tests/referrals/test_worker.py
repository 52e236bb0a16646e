"""Through a real Celery worker over Redis: a referral sent on the page reaches the receiving
organisation's address after commit, and the e-mail holds a link but no name."""

import pytest

from referrals import actions
from tests.conftest import wait_for
from tests.factories import BeneficiaryFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_new_referral_mail_goes_through_the_worker(celery_worker_factory, ofii, orgs):
    worker = celery_worker_factory()
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Zerbinette")
    referral = actions.send(
        ofii, beneficiary=person, to_organisation=orgs["mission_locale"], reason="Emploi"
    )
    # The worker prints e-mails on its console (no SMTP configured).
    output = wait_for(
        lambda: "nouvelle orientation" in worker.output() and worker.output(), timeout=90
    )
    assert f"/orientations/{referral.pk}/" in output
    assert orgs["mission_locale"].notification_email in output
    assert "Zerbinette" not in output and person.ofii_number not in output
