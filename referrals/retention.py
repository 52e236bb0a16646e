"""What the referrals app erases when the beneficiaries app anonymises stale files: the free
text written about the person (notes, comments, messages) and the documents (files and names).
Statuses, dates, reasons and outcomes stay for the statistics."""

from . import messaging
from .models import Document, FollowUp, Message, Referral, ReferralEvent


def erase(files):
    """``files``: a queryset of the beneficiaries being anonymised."""
    referrals = Referral.objects.filter(beneficiary__in=files)
    referrals.update(note="", refusal_comment="")
    ReferralEvent.objects.filter(referral__in=referrals).update(comment="")
    FollowUp.objects.filter(referral__in=referrals).update(comment="")
    Message.objects.filter(referral__in=referrals).update(text="")
    messaging.erase(Document.objects.filter(referral__in=referrals))
