"""Home-page panels of the governance (the home view knows nothing of this app)."""

from django import template
from django.utils import timezone

from governance import queries as domain
from governance.models import Agreement, AnnualReport, Meeting

register = template.Library()


@register.inclusion_tag("governance/_panel.html", takes_context=True)
def governance_panel(context):
    user = context["request"].user
    agreements = Agreement.objects.visible_to(user)
    agreement = (
        agreements.filter(status=Agreement.Status.IN_FORCE).order_by("-starts_on").first()
        or agreements.order_by("-starts_on").first()
    )
    year = timezone.localdate().year
    result = {"agreement": agreement, "year": year, "capabilities": context.get("capabilities")}
    if agreement is not None:
        result.update(
            cadence=domain.cadence(agreement, year),
            end_warning=domain.end_warning(agreement),
            upcoming=Meeting.objects.visible_to(user)
            .select_related("committee")
            .filter(committee__agreement=agreement, date__gte=timezone.now())
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("date")[:3],
            overdue_count=domain.overdue_follow_ups(agreement).count(),
            latest_report=AnnualReport.objects.visible_to(user)
            .filter(agreement=agreement)
            .order_by("-year", "-version")
            .first(),
        )
    return result
