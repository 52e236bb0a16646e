"""Nothing lost (issue 12), with a real worker, a real Redis and PostgreSQL (the ``services``
pass): Redis down while people work, the SMTP server refusing, a worker killed mid-import.

The relay is called here where Celery beat would call it (every minute in production)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from beneficiaries.models import Beneficiary, ImportJob
from beneficiaries.tasks import STUCK_MESSAGE, fail_stuck_imports
from effects.models import Effect
from effects.outbox import relay
from governance.models import AnnualReport
from referrals.models import Referral
from referrals.tasks import notify_new_referral

from ..beneficiaries.test_import import SAMPLE
from ..bilan.factories import paris_agreement
from ..conftest import wait_for
from ..factories import BeneficiaryFactory
from .helpers import OwnRedis, SmtpServer, producer_on

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Short delays for the tests: a failed e-mail is tried again after 1 s, 2 s, 4 s…
FAST = {"EFFECT_RETRY_SECONDS": "1", "EFFECT_RELAY_GRACE_SECONDS": "0"}


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.close()


@pytest.fixture
def own_redis(settings):
    """A Redis of this test's own, as broker and cache of the test process and of its worker."""
    server = OwnRedis().start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
        }
    }
    with producer_on(server.url):
        yield server
    server.stop()


def referral_mails(smtp, referral):
    return [m for m in smtp.messages if f"/orientations/{referral.pk}/" in m]


def test_redis_down_loses_nothing(
    celery_worker_factory, own_redis, smtp, settings, client, ofii, prefecture, orgs
):
    settings.EFFECT_RELAY_GRACE_SECONDS = 0
    agreement = paris_agreement(orgs)
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"], last_name="Zerbinette")
    worker = celery_worker_factory(
        REDIS_URL=own_redis.url, MEDIA_ROOT=str(settings.MEDIA_ROOT), **smtp.env(), **FAST
    )
    wait_for(lambda: "ready" in worker.output(), timeout=60)
    own_redis.stop()

    # Redis down: each person's request succeeds, its effect waits in the outbox.
    client.force_login(ofii)
    sent = client.post(
        reverse("referrals:new", args=[person.pk]),
        {"to_organisation": orgs["mission_locale"].pk, "reason": "Emploi", "note": ""},
    )
    assert sent.status_code == 302
    imported = client.post(
        reverse("beneficiaries:import"),
        {"file": SimpleUploadedFile("b.csv", SAMPLE.read_bytes(), "text/csv")},
    )
    assert imported.status_code == 302
    coordinator = Client()
    coordinator.force_login(prefecture)
    requested = coordinator.post(
        reverse("governance:bilan:request"), {"agreement": agreement.pk, "year": 2025}
    )
    assert requested.status_code == 302
    assert client.get(imported.url).status_code == 200
    assert coordinator.get(requested.url).status_code == 200
    assert set(Effect.objects.values_list("status", flat=True)) == {Effect.Status.PENDING}
    assert Effect.objects.count() == 3

    # Redis back: the relay (beat) hands the effects over; the worker does each once.
    own_redis.start()
    referral = Referral.objects.get()
    job = ImportJob.objects.get()
    report = AnnualReport.objects.get()
    wait_for(lambda: relay() or not Effect.objects.filter(status="pending").exists(), timeout=30)
    wait_for(lambda: referral_mails(smtp, referral), timeout=30)
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE, timeout=30)
    wait_for(
        lambda: (
            AnnualReport.objects.get(pk=report.pk).status
            in (AnnualReport.Status.READY, AnnualReport.Status.FAILED)
        ),
        timeout=45,
    )
    assert AnnualReport.objects.get(pk=report.pk).status == AnnualReport.Status.READY
    assert Beneficiary.objects.filter(last_name="Haidari").count() == 1
    assert ImportJob.objects.get(pk=job.pk).content == ""

    # Delivered twice (the relay again, then the very message again): sent once all the same.
    relay()
    effect = Effect.objects.get(key=f"referral-{referral.pk}-new")
    notify_new_referral.apply_async([referral.pk], task_id=effect.task_id)
    wait_for(lambda: "already run or running" in worker.output(), timeout=20)
    assert len(referral_mails(smtp, referral)) == 1
    assert "Zerbinette" not in referral_mails(smtp, referral)[0]
    assert Effect.objects.get(pk=effect.pk).status == Effect.Status.DONE


def test_an_e_mail_refused_by_smtp_is_sent_once_when_it_comes_back(
    celery_worker_factory, smtp, ofii, orgs
):
    from referrals import actions

    smtp.refusing = True
    celery_worker_factory(**smtp.env(), **FAST)
    person = BeneficiaryFactory(ofii_organisation=orgs["ofii"])
    referral = actions.send(
        ofii, beneficiary=person, to_organisation=orgs["mission_locale"], reason="Emploi"
    )
    effect = Effect.objects.get(key=f"referral-{referral.pk}-new")
    # Refused twice: the effect waits for its next try, the error recorded.
    wait_for(lambda: smtp.refused >= 2, timeout=30)
    waiting = Effect.objects.get(pk=effect.pk)
    assert waiting.status != Effect.Status.DONE
    assert "SMTP" in waiting.last_error

    smtp.refusing = False
    wait_for(lambda: Effect.objects.get(pk=effect.pk).status == Effect.Status.DONE, timeout=30)
    assert len(referral_mails(smtp, referral)) == 1
    assert Effect.objects.get(pk=effect.pk).attempts >= 3


def big_import(lines):
    """A valid CSV of ``lines`` people (distinct numbers and names)."""
    header = SAMPLE.read_text().splitlines()[0]
    rows = [header]
    for i in range(lines):
        name = "".join(chr(ord("a") + (i // 26**k) % 26) for k in range(4)).capitalize()
        rows.append(
            f"75-2026-{300000 + i};Essai{name};Lina;F;1998-04-12;AF;refugee;2025-09-02;"
            "2025-10-15;75019;Paris;;;non;non;A1;"
        )
    return "\n".join(rows) + "\n"


def test_a_worker_killed_mid_import_leaves_a_failed_job_and_no_text(
    celery_worker_factory, client, ofii, settings
):
    worker = celery_worker_factory()
    # The relay (beat, every minute) hands over again an effect the broker lost; here it runs
    # while the test waits, with short delays.
    settings.EFFECT_RELAY_GRACE_SECONDS = 0
    settings.EFFECT_RESEND_SECONDS = 5
    client.force_login(ofii)
    response = client.post(
        reverse("beneficiaries:import"),
        {"file": SimpleUploadedFile("b.csv", big_import(60000).encode(), "text/csv")},
    )
    job = ImportJob.objects.get()

    def checking():
        relay()
        return ImportJob.objects.filter(
            pk=job.pk, status=ImportJob.Status.CHECKING, processed_lines__gte=1000
        ).exists()

    wait_for(checking, timeout=90, interval=0.1)
    worker.kill()
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.CHECKING

    # The beat watchdog, with a 1-second silence allowed for the test.
    settings.IMPORT_STALE_SECONDS = 1
    assert wait_for(fail_stuck_imports, timeout=15) == [job.pk]
    failed = ImportJob.objects.get(pk=job.pk)
    assert failed.status == ImportJob.Status.FAILED
    assert failed.content == ""
    assert failed.errors == [{"line": 0, "message": STUCK_MESSAGE}]
    assert not Beneficiary.objects.exists()
    page = client.get(response.url).content.decode()
    assert "Le traitement de l&#x27;import a été interrompu" in page
    assert 'http-equiv="refresh"' not in page
