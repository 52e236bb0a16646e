"""The referrals panel of the beneficiary page (the home panels are composed in ``web.panels``)."""

from django import template

from beneficiaries.models import Interview, InterviewKind, SpeDecision
from partners.roles import Cap, has_capability

from ..models import Referral, Status

register = template.Library()


@register.simple_tag(takes_context=True)
def beneficiary_referrals(context, beneficiary):
    """The referrals of a person the viewer may see, and whether to propose "Orienter"."""
    user = context["request"].user
    referrals = list(
        Referral.objects.visible_to(user)
        .filter(beneficiary=beneficiary)
        .select_related("to_organisation", "from_organisation")
        .order_by("-sent_at")
    )
    may_send = has_capability(user, Cap.REFERRAL_SEND)
    has_open = any(
        r.status in (Status.PENDING, Status.ACCEPTED, Status.IN_PROGRESS) for r in referrals
    )
    latest = (
        Interview.objects.filter(beneficiary=beneficiary, kind=InterviewKind.PERSONALISED)
        .order_by("-held_on", "-created_at")
        .values_list("spe_decision", flat=True)
        .first()
        if may_send
        else None
    )
    return {
        "referrals": referrals,
        "may_send": may_send,
        "propose": may_send and latest == SpeDecision.ORIENTED and not has_open,
    }
