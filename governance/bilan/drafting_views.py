"""Pages of the bilan's drafting: the coordinators' overview with the summary and highlights,
and each action's page for its lead organisation. No personal data (actions, indicators,
organisations)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.access import capability_required
from partners.roles import Cap

from ..models import Action, ActionYear, Agreement, BilanDraft
from . import actions as bilan_actions
from . import drafting
from .forms import ContributionForm, SummaryForm


def _year(agreement, year):
    if year not in bilan_actions.years_for(agreement):
        raise Http404
    return year


@capability_required(Cap.REPORT_REQUEST)
def draft_overview(request, pk, year):
    agreement = get_object_or_404(Agreement.objects.visible_to(request.user), pk=pk)
    _year(agreement, year)
    draft = BilanDraft.objects.filter(agreement=agreement, year=year).first()
    form = SummaryForm(
        request.POST or None,
        initial={
            "summary": getattr(draft, "summary", ""),
            "highlights": getattr(draft, "highlights", ""),
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                drafting.save_summary(
                    request.user,
                    agreement,
                    year,
                    form.cleaned_data["summary"],
                    form.cleaned_data["highlights"],
                )
            except drafting.DraftError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("La synthèse est enregistrée."))
                return redirect("governance:bilan:draft", pk=agreement.pk, year=year)
        status = 400
    written = set(
        ActionYear.objects.filter(action__agreement=agreement, year=year)
        .exclude(comment="")
        .values_list("action_id", flat=True)
    )
    rows = [
        {"action": action, "written": action.pk in written}
        for action in Action.objects.filter(agreement=agreement).select_related(
            "axis", "lead_organisation"
        )
    ]
    return render(
        request,
        "governance/bilan/draft.html",
        {"agreement": agreement, "year": year, "form": form, "rows": rows},
        status=status,
    )


@capability_required(Cap.GOVERNANCE_VIEW)
def contribution(request, pk, year):
    action = get_object_or_404(
        Action.objects.visible_to(request.user).select_related("agreement", "lead_organisation"),
        pk=pk,
    )
    _year(action.agreement, year)
    if not drafting.may_contribute(request.user, action):
        raise Http404
    entry = ActionYear.objects.filter(action=action, year=year).first()
    form = ContributionForm(
        request.POST or None,
        action=action,
        year=year,
        initial={"comment": getattr(entry, "comment", "")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                drafting.save_contribution(
                    request.user,
                    action,
                    year,
                    form.cleaned_data["comment"],
                    form.indicator_values(),
                )
            except drafting.DraftError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Votre contribution au bilan est enregistrée."))
                return redirect(reverse("governance:bilan:contribution", args=[pk, year]))
        status = 400
    return render(
        request,
        "governance/bilan/contribution.html",
        {"action": action, "year": year, "form": form},
        status=status,
    )
