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


# The smallest files whose content ``filetype`` recognises.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def document_on(referral, user, *, kind="cv", name="CV.pdf", content=PDF, text=""):
    """A document posted on the referral's thread by ``user``, through the action."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from referrals import messaging

    message = messaging.post_message(
        user,
        referral,
        text=text,
        upload=SimpleUploadedFile(name, content, content_type="application/pdf"),
        kind=kind,
    )
    return message.documents.get()


def many_followed(count, *, sender, to_organisation, counsellor, start=0, status=Status.ACCEPTED):
    """``count`` referrals accepted (appointment passed) and assigned to ``counsellor``, each with
    a follow-up and a message from the sender (bulk_create)."""
    from referrals.models import FollowUp, Message

    referrals = many_referrals(count, sender=sender, to_organisation=to_organisation, start=start)
    now = timezone.now()
    Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(
        status=status,
        answered_at=now - datetime.timedelta(days=5),
        appointment_at=now - datetime.timedelta(days=1),
        assigned_to=counsellor,
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            referral=r,
            kind=FollowUp.Kind.DIAGNOSTIC,
            happened_on=timezone.localdate(),
            author=counsellor,
            organisation=to_organisation,
        )
        for r in referrals
    )
    Message.objects.bulk_create(
        Message(
            referral=r,
            author=sender,
            organisation=sender.active_membership.organisation,
            text="Bonjour",
        )
        for r in referrals
    )
    return referrals
