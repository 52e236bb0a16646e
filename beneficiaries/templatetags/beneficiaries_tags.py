from django import template
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from beneficiaries.models import Beneficiary, Interview, InterviewKind

register = template.Library()


@register.simple_tag
def files_summary(user):
    """Counts for the OFII home panel, computed by the database in one query (no names)."""
    personalised = Interview.objects.filter(
        beneficiary=OuterRef("pk"), kind=InterviewKind.PERSONALISED
    )
    return (
        Beneficiary.objects.visible_to(user)
        .annotate(interviewed=Exists(personalised))
        .aggregate(
            total=Count("pk"),
            this_year=Count("pk", filter=Q(cir_signed_on__year=timezone.localdate().year)),
            without_interview=Count("pk", filter=Q(interviewed=False)),
        )
    )
