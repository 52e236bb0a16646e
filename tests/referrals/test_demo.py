import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from referrals import demo
from referrals.models import FollowUp, Referral, ReferralEvent, Status

pytestmark = pytest.mark.django_db


def test_demo_referrals_in_every_state_and_idempotent(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Referral.objects.overdue().exists()
    assert FollowUp.objects.exists()
    assert Referral.objects.filter(status=Status.CLOSED).exclude(outcome="").exists()
    # Every referral has its "sent" event, and answers came in 1 to 20 days.
    assert ReferralEvent.objects.filter(from_status="").count() == Referral.objects.count()
    for referral in Referral.objects.exclude(answered_at=None)[:200]:
        assert 1 <= (referral.answered_at - referral.sent_at).days <= 21
    assert not Referral.objects.filter(sent_at__gt=timezone.now()).exists()
    before = (Referral.objects.count(), ReferralEvent.objects.count(), FollowUp.objects.count())
    demo.load(password="x", stdout=io.StringIO())
    assert (
        Referral.objects.count(),
        ReferralEvent.objects.count(),
        FollowUp.objects.count(),
    ) == before
