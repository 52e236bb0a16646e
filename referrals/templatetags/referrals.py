"""The referrals panel of the beneficiary page (the home panels are composed in ``web.panels``)."""

from django import template

from beneficiaries.models import Interview, InterviewKind, SpeDecision
from partners.access import list_records
from partners.roles import Cap, has_capability

from ..models import OPEN_STATUSES, Referral

register = template.Library()


@register.simple_tag(takes_context=True)
def beneficiary_referrals(context, beneficiary):
    """The referrals of a person the viewer may see, and whether to propose "Orienter"."""
    user = context["request"].user
    referrals = list_records(
        user,
        Referral.objects.visible_to(user)
        .filter(beneficiary=beneficiary)
        .select_related("to_organisation", "from_organisation")
        .order_by("-sent_at"),
        object_type="referral",
    )
    may_send = has_capability(user, Cap.REFERRAL_SEND)
    has_open = any(r.status in OPEN_STATUSES for r in referrals)
    latest = (
        Interview.objects.visible_to(user)
        .filter(beneficiary=beneficiary, kind=InterviewKind.PERSONALISED)
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
