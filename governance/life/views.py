"""Pages of the life of the partnership around an agreement: activities, thematic groups, who
keeps the resource base, termination and renewal. No page here shows a beneficiary."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import actions as partner_actions
from partners.access import capability_required
from partners.models import Organisation
from partners.roles import Cap, resource_keepers

from ..models import Agreement
from ..statistics.life_presentation import ACTIVITY_LABELS
from ..statistics.periods import Period
from . import actions
from .forms import ActivityForm, ResourceKeepersForm, TerminationForm, ThematicGroupForm
from .models import Activity


def _agreement(request, pk):
    return get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related("department"), pk=pk
    )


def add_errors(form, error):
    if hasattr(error, "message_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _year(request):
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return timezone.localdate().year


# --- Activities ------------------------------------------------------------------------------


@capability_required(Cap.GOVERNANCE_VIEW)
def activity_list(request, pk):
    """The agreement's activities of a year, counted by kind; ``?organisation=`` keeps those an
    organisation took part in."""
    agreement = _agreement(request, pk)
    year = _year(request)
    period = Period.year(year)
    activities = (
        Activity.objects.visible_to(request.user)
        .filter(agreement=agreement, held_on__range=(period.start, period.end))
        .prefetch_related("organisations")
    )
    organisation = None
    organisation_id = request.GET.get("organisation", "")
    if organisation_id:
        if not organisation_id.isdigit():
            raise Http404
        organisation = get_object_or_404(
            Organisation.objects.visible_to(request.user), pk=organisation_id
        )
        activities = activities.filter(organisations=organisation)
    counts = activities.aggregate(
        **{kind: Count("pk", filter=Q(kind=kind), distinct=True) for kind in Activity.Kind.values}
    )
    context = {
        "agreement": agreement,
        "year": year,
        "organisation": organisation,
        "activities": activities,
        "counts": [(ACTIVITY_LABELS[kind], counts[kind]) for kind in Activity.Kind.values],
        "may_record": actions.may_record_activity(request.user, agreement),
        "organisations": Organisation.objects.filter(
            pk__in=Activity.organisations.through.objects.filter(
                activity__agreement=agreement
            ).values("organisation")
        ).order_by("name"),
    }
    return render(request, "governance/life/activity_list.html", context)


@capability_required(Cap.GOVERNANCE_VIEW)
def activity_create(request, pk):
    agreement = _agreement(request, pk)
    if not actions.may_record_activity(request.user, agreement):
        raise Http404
    form = ActivityForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        organisations = fields.pop("organisations")
        try:
            actions.record_activity(request.user, agreement, fields, organisations)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'activité est enregistrée."))
            return redirect("governance:activity_list", pk=agreement.pk)
    return render(
        request,
        "governance/form.html",
        {"form": form, "agreement": agreement, "title": _("Nouvelle activité partenariale")},
        status=400 if form.errors else 200,
    )


# --- Thematic groups -----------------------------------------------------------------------------


@capability_required(Cap.GOVERNANCE_EDIT)
def thematic_group_add(request, pk):
    agreement = _agreement(request, pk)
    form = ThematicGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_thematic_group(
                request.user, agreement.pk, form.cleaned_data["name"], form.cleaned_data["chair"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Le groupe thématique est créé."))
            return redirect("governance:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "governance/form.html",
        {
            "form": form,
            "agreement": agreement,
            "title": _("Nouveau groupe thématique"),
            "help": _(
                "Un groupe thématique (article 5) a ses propres réunions et décisions : "
                "planifiez-les depuis « Nouvelle réunion »."
            ),
        },
        status=400 if form.errors else 200,
    )


# --- Who keeps the resource base -----------------------------------------------------------------


@capability_required(Cap.GOVERNANCE_EDIT)
def resource_keepers_edit(request, pk):
    agreement = _agreement(request, pk)
    form = ResourceKeepersForm(
        request.POST or None,
        agreement=agreement,
        initial={"keepers": list(resource_keepers(agreement.department_id))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            partner_actions.set_resource_keepers(
                request.user, agreement.department_id, form.cleaned_data["keepers"]
            )
        except partner_actions.MembershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("La base de ressources a ses gestionnaires."))
            return redirect("governance:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "governance/form.html",
        {"form": form, "agreement": agreement, "title": _("Qui tient la base de ressources")},
        status=400 if form.errors else 200,
    )


# --- Termination and renewal ----------------------------------------------------------------------


@capability_required(Cap.GOVERNANCE_EDIT)
def termination(request, pk):
    agreement = _agreement(request, pk)
    form = TerminationForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement, warning = actions.terminate(
                request.user,
                agreement.pk,
                notice_on=data["notice_on"],
                requested_by=data["requested_by"],
                letter_reference=data["letter_reference"],
                national_agreement=data["national_agreement"],
            )
        except actions.LifeError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("La résiliation est enregistrée."))
            if warning:
                messages.warning(request, warning)
            return redirect("governance:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "governance/form.html",
        {
            "form": form,
            "agreement": agreement,
            "title": _("Résiliation de l'accord"),
            "help": _(
                "La résiliation prend effet trois mois après la réception du préavis, envoyé par "
                "lettre recommandée avec accusé de réception, après accord des signataires de "
                "l'accord-cadre national."
            ),
        },
        status=400 if form.errors else 200,
    )


@capability_required(Cap.GOVERNANCE_EDIT)
def renewal(request, pk):
    """The renewal assistant: what will be copied, then a draft for the next period."""
    agreement = _agreement(request, pk)
    if request.method == "POST":
        draft = actions.renew(request.user, agreement.pk)
        messages.success(
            request,
            _(
                "Le projet d'accord pour la période suivante est créé : vérifiez-le et complétez-le."
            ),
        )
        return redirect("governance:agreement_detail", pk=draft.pk)
    context = {
        "agreement": agreement,
        "signatories": agreement.signatories.select_related("organisation"),
        "axes": agreement.axes.all(),
        "action_count": agreement.actions.count(),
    }
    return render(request, "governance/life/renewal.html", context)
