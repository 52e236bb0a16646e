"""Many referrals at once, for query-count tests (bulk_create, within the DB constraints)."""

import datetime

from django.utils import timezone

from beneficiaries.models import Beneficiary
from referrals.models import Referral, ReferralEvent, Status


def many_referrals(count, *, sender, to_organisation, start=0):
    now = timezone.now()
    ofii_org = sender.active_membership.organisation
    # A list, not a generator: Beneficiary's bulk_create walks the objects twice.
    people = Beneficiary.objects.bulk_create(
        [
            Beneficiary(
                ofii_number=f"Q-{start + i:06d}",
                last_name=f"Nom{start + i}",
                first_name="Prénom",
                sex="F" if i % 2 else "M",
                birth_date=datetime.date(1990 + i % 15, 1, 1),
                nationality="ML",
                permit_kind="refugee" if i % 3 else "family",
                first_permit_date=datetime.date(2024, 1, 1),
                ofii_organisation=ofii_org,
            )
            for i in range(count)
        ]
    )
    referrals = Referral.objects.bulk_create(
        Referral(
            beneficiary=person,
            from_organisation=ofii_org,
            to_organisation=to_organisation,
            sender=sender,
            reason="Emploi",
            status=Status.PENDING,
            sent_at=now - datetime.timedelta(days=i % 30),
            answer_due_at=now + datetime.timedelta(days=10 - i % 30),
        )
        for i, person in enumerate(people)
    )
    ReferralEvent.objects.bulk_create(
        ReferralEvent(
            referral=r, from_status="", to_status=Status.PENDING, actor=sender, at=r.sent_at
        )
        for r in referrals
    )
    return referrals
