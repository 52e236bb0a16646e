"""Panels of the referrals app included by pages of other apps (home pages, beneficiary page)."""

from django import template
from django.db.models import Exists, OuterRef

from beneficiaries.models import Interview, InterviewKind, SpeDecision
from partners.access import list_records
from partners.roles import Cap, has_capability

from ..inbox import counts, for_list, overdue_first
from ..models import OPEN_STATUSES, Referral, Status

register = template.Library()


@register.simple_tag(takes_context=True)
def referral_summary(context, limit=8):
    """Counts (one query) and the first referrals needing attention (one query)."""
    user = context["request"].user
    qs = Referral.objects.visible_to(user)
    summary = {"counts": counts(qs)}
    if has_capability(user, Cap.REFERRAL_ANSWER):
        summary["items"] = list(for_list(overdue_first(qs.filter(status=Status.PENDING)))[:limit])
    else:
        # Refused or redirected, with no open referral left for the person: to re-orient.
        open_for_person = Referral.objects.open().filter(beneficiary=OuterRef("beneficiary_id"))
        summary["to_reorient"] = list(
            for_list(qs.filter(status__in=[Status.REFUSED, Status.REDIRECTED]))
            .filter(~Exists(open_for_person))
            .order_by("-answered_at")[:limit]
        )
        summary["items"] = list(for_list(overdue_first(qs.filter(status=Status.PENDING)))[:limit])
    return summary


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
