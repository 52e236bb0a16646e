"""Pages of the annual bilan: list and request, progress, download, validation."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.access import capability_required
from partners.roles import Cap, has_capability

from ..models import Action, Agreement, AnnualReport
from . import actions
from .forms import RequestForm, ValidateForm
from .render import MissingPdf, pdf_response

REFRESH_SECONDS = 3


def _may_see_reports(user):
    return has_capability(user, Cap.REPORT_VIEW_ALL) or has_capability(
        user, Cap.REPORT_VIEW_PUBLISHED
    )


def _report(request, pk):
    if not _may_see_reports(request.user):
        raise Http404
    return get_object_or_404(
        AnnualReport.objects.visible_to(request.user).select_related(
            "agreement__department", "validated_by_meeting__committee"
        ),
        pk=pk,
    )


def report_list(request):
    if not _may_see_reports(request.user):
        raise Http404
    reports = AnnualReport.objects.visible_to(request.user).select_related(
        "agreement__department", "validated_by_meeting__committee"
    )
    page = Paginator(reports.order_by("-year", "agreement__title", "-version"), 25).get_page(
        request.GET.get("page")
    )
    form = None
    if has_capability(request.user, Cap.REPORT_REQUEST):
        form = RequestForm(user=request.user)
    return render(
        request, "governance/bilan/list.html", {"page": page, "form": form, **_drafting(request)}
    )


def _drafting(request):
    """Links to the drafting of last year's bilan: the overview for the coordinators, each
    action to write for its lead organisation."""
    year = timezone.localdate().year - 1
    membership = request.user.active_membership
    own = Action.objects.none()
    if membership is not None:
        own = Action.objects.visible_to(request.user).filter(
            lead_organisation=membership.organisation
        )
    drafts = []
    if has_capability(request.user, Cap.REPORT_REQUEST):
        drafts = Agreement.objects.visible_to(request.user).order_by("-starts_on")
    return {"draft_year": year, "drafts": drafts, "own_actions": own.order_by("pk")[:20]}


@require_POST
@capability_required(Cap.REPORT_REQUEST)
def report_request(request):
    form = RequestForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            report = actions.request_report(
                request.user, form.cleaned_data["agreement"], form.cleaned_data["year"]
            )
        except actions.ReportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("La génération du bilan %(year)s (version %(version)s) est demandée.")
                % {"year": report.year, "version": report.version},
            )
            return redirect("governance:bilan:detail", pk=report.pk)
    reports = AnnualReport.objects.visible_to(request.user).select_related(
        "agreement__department", "validated_by_meeting__committee"
    )
    page = Paginator(reports.order_by("-year", "agreement__title", "-version"), 25).get_page(1)
    return render(
        request,
        "governance/bilan/list.html",
        {"page": page, "form": form, **_drafting(request)},
        status=400,
    )


def report_detail(request, pk):
    report = _report(request, pk)
    versions = (
        AnnualReport.objects.visible_to(request.user)
        .filter(agreement=report.agreement_id, year=report.year)
        .select_related("validated_by_meeting__committee")
    )
    form = None
    validated = actions.validated_version(report.agreement_id, report.year)
    if (
        report.status == AnnualReport.Status.READY
        and validated is None
        and has_capability(request.user, Cap.REPORT_VALIDATE)
    ):
        form = ValidateForm(report=report)
    in_flight = report.status in actions.IN_FLIGHT
    return render(
        request,
        "governance/bilan/detail.html",
        {
            "report": report,
            "versions": versions,
            "form": form,
            "in_flight": in_flight,
            "refresh_seconds": REFRESH_SECONDS,
            "earliest_validation": actions.earliest_validation_day(report),
        },
    )


def report_status(request, pk):
    """The progress as JSON, for the page's polling script."""
    report = _report(request, pk)
    return JsonResponse(
        {
            "status": report.status,
            "status_label": report.get_status_display(),
            "progress": report.progress,
            "step": report.step,
            "done": report.status not in actions.IN_FLIGHT,
        },
        headers={"Cache-Control": "no-store"},
    )


@require_POST
@capability_required(Cap.REPORT_VALIDATE)
def report_validate(request, pk):
    report = _report(request, pk)
    form = ValidateForm(request.POST, report=report)
    if form.is_valid() and not form.cleaned_data["confirm"]:
        # First step: say what the validation makes public, and ask for confirmation.
        return render(
            request,
            "governance/bilan/confirm_validation.html",
            {"report": report, "meeting": form.cleaned_data["meeting"], "form": form},
        )
    if form.is_valid():
        try:
            actions.validate_report(request.user, report.pk, form.cleaned_data["meeting"])
        except actions.ReportError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Le bilan est validé par le COPIL."))
        return redirect("governance:bilan:detail", pk=report.pk)
    versions = actions.versions(report.agreement_id, report.year)
    return render(
        request,
        "governance/bilan/detail.html",
        {
            "report": report,
            "versions": versions,
            "form": form,
            "in_flight": False,
            "earliest_validation": actions.earliest_validation_day(report),
        },
        status=400,
    )


def report_download(request, pk):
    report = _report(request, pk)
    if report.status not in (AnnualReport.Status.READY, AnnualReport.Status.VALIDATED):
        raise Http404
    try:
        response = pdf_response(report)
    except MissingPdf:
        messages.error(request, MissingPdf.message)
        return redirect("governance:bilan:detail", pk=report.pk)
    actions.record_download(request.user, report)
    return response
