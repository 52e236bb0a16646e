import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from dsfr.forms import DsfrBaseForm

from core.csv_reader import decode
from core.pagination import CappedPaginator
from partners import audit
from partners import exports as export_jobs
from partners.access import audit_read, capability_required, list_records, open_record
from partners.roles import Cap, has_capability

from . import actions, exports, liaison, rights, validation
from .forms import BeneficiaryForm, InterviewForm, QualificationForm
from .models import (
    Beneficiary,
    Correction,
    ImportJob,
    Interview,
    InterviewKind,
    Qualification,
    SpeDecision,
)
from .timeline import timeline

PAGE_SIZE = 50
KIND_LABELS = {
    "file": gettext_lazy("Dossier"),
    "interview": gettext_lazy("Entretien"),
    "qualification": gettext_lazy("Qualification"),
    "referral": gettext_lazy("Orientation"),
    "referral_event": gettext_lazy("Orientation"),
    "follow_up": gettext_lazy("Suivi"),
    "liaison_sheet": gettext_lazy("Fiche de liaison"),
}
OBJECT_TYPE = actions.OBJECT_TYPE
IMPORT_OBJECT_TYPE = "beneficiary_import"


def visible_files(user):
    return Beneficiary.objects.visible_to(user).select_related("ofii_organisation")


def filtered_files(request):
    """The scoped, filtered and sorted files of the list, and its filter form."""
    return exports.filtered(request.user, request.GET)


@capability_required(Cap.BENEFICIARY_EDIT)
def beneficiary_list(request):
    form, files = filtered_files(request)
    page = CappedPaginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    list_records(request.user, page.object_list, object_type=OBJECT_TYPE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "beneficiaries/list.html",
        {
            "form": form,
            "page_obj": page,
            "query": query.urlencode(),
            "spe_choices": SpeDecision.choices,
        },
    )


@capability_required(Cap.BENEFICIARY_EDIT)
def beneficiary_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, files = filtered_files(request)
    total = export_jobs.count_up_to(files, export_jobs.threshold())
    if total > export_jobs.threshold():
        # A long list: a background job writes the file (one audit row for the whole export).
        job = export_jobs.start(request.user, "beneficiaries", fmt, request.GET, total)
        messages.info(request, _("L'export est en préparation : suivez son avancement ici."))
        return redirect("export_job", pk=job.pk)
    files = list_records(
        request.user,
        files,
        object_type=OBJECT_TYPE,
        action=audit.Action.EXPORT,
        detail=f"list:{fmt}",
    )
    if fmt == "csv":
        content, content_type = exports.as_csv(files), "text/csv; charset=utf-8"
    else:
        content = exports.as_xlsx(files)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(fmt)}"'
    return response


@capability_required(Cap.BENEFICIARY_EDIT)
@require_http_methods(["GET", "POST"])
def beneficiary_create(request):
    form = BeneficiaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in form._meta.fields and name in form.cleaned_data
        }
        try:
            beneficiary = actions.create_file(request.user, values)
        except actions.DuplicateFile as error:
            form.add_error("ofii_number", error.message)
        else:
            messages.success(request, _("Dossier créé."))
            return redirect("beneficiaries:detail", pk=beneficiary.pk)
    return render(
        request,
        "beneficiaries/form.html",
        {"form": form, "duplicates": visible_duplicates(request.user, form)},
    )


def visible_duplicates(user, form):
    """The existing files the warning shows: those the person may open (their names are shown,
    so they are audited), and a count of the others (never their number nor directorate).
    ``confirm``: the homonym confirmation is offered, whatever the scope of the files found."""
    found = getattr(form, "duplicates", [])
    if not found:
        return {"visible": [], "hidden": 0, "confirm": False}
    visible_ids = set(
        Beneficiary.objects.visible_to(user)
        .filter(pk__in=[d.pk for d in found])
        .values_list("pk", flat=True)
    )
    visible = list_records(
        user,
        [d for d in found if d.pk in visible_ids],
        object_type=OBJECT_TYPE,
        detail="duplicates",
    )
    homonyms = getattr(form, "homonyms", [])
    return {
        "visible": visible,
        "hidden": len([d for d in homonyms if d.pk not in visible_ids]),
        "confirm": bool(getattr(form, "homonyms", [])),
    }


@capability_required(Cap.BENEFICIARY_VIEW)
def beneficiary_detail(request, pk):
    beneficiary = open_record(
        request.user,
        Beneficiary,
        prepare=lambda qs: qs.select_related("ofii_organisation").prefetch_related(
            Prefetch(
                "interviews",
                queryset=Interview.objects.visible_to(request.user)
                .select_related("training_offer")
                .prefetch_related("resources"),
            ),
            Prefetch("qualifications", queryset=Qualification.objects.visible_to(request.user)),
        ),
        object_type=OBJECT_TYPE,
        pk=pk,
    )
    can_edit = has_capability(request.user, Cap.BENEFICIARY_EDIT)
    context = {
        "beneficiary": beneficiary,
        "can_edit": can_edit,
        "out_of_public": validation.is_out_of_public(beneficiary.first_permit_date),
        "entries": [
            (entry, KIND_LABELS.get(entry.kind, entry.kind))
            for entry in timeline(beneficiary, request.user)
        ],
        "interviews": beneficiary.interviews.all(),  # prefetched through their scope
        "qualifications": beneficiary.qualifications.all(),
        "corrections": [
            (
                correction,
                [
                    (
                        rights.field_label(Beneficiary, name),
                        rights.display_value(Beneficiary, name, change["old"]),
                        rights.display_value(Beneficiary, name, change["new"]),
                    )
                    for name, change in correction.changes.items()
                ],
            )
            for correction in Correction.objects.visible_to(request.user)
            .filter(beneficiary=beneficiary)
            .select_related("author")[:20]
        ],
        "liaison_languages": liaison.LANGUAGES,
        "dispensed": actions.latest_dispensation(beneficiary) is not None,
    }
    return render(request, "beneficiaries/detail.html", context)


@capability_required(Cap.BENEFICIARY_EDIT)
@require_http_methods(["GET", "POST"])
def beneficiary_edit(request, pk):
    beneficiary = get_object_or_404(visible_files(request.user), pk=pk)
    form = BeneficiaryForm(request.POST or None, instance=beneficiary)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form._meta.fields}
        # The form wrote the new values onto the instance: compare with the stored row.
        _file, changes = actions.correct_file(request.user, pk, values)
        if changes:
            messages.success(
                request, _("Dossier corrigé ; l'historique garde les valeurs précédentes.")
            )
        else:
            messages.info(request, _("Aucune modification."))
        return redirect("beneficiaries:detail", pk=pk)
    # The form shows the file (again, with errors, after a POST): one read audit row.
    audit_read(request.user, beneficiary, object_type=OBJECT_TYPE, detail="edit")
    return render(
        request,
        "beneficiaries/form.html",
        {
            "form": form,
            "beneficiary": beneficiary,
            "duplicates": visible_duplicates(request.user, form),
        },
    )


@capability_required(Cap.BENEFICIARY_EDIT)
@require_http_methods(["GET", "POST"])
def interview_create(request, pk):
    beneficiary = get_object_or_404(visible_files(request.user), pk=pk)
    form = InterviewForm(
        request.POST or None,
        user=request.user,
        beneficiary=beneficiary,
        initial={"kind": request.GET.get("type", "personalised")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            interview = actions.record_interview(request.user, beneficiary, form)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if interview.spe_decision == "oriented":
                messages.success(
                    request,
                    _(
                        "Entretien enregistré. Imprimez la fiche de liaison pour la personne, "
                        "puis adressez l'orientation au partenaire du SPE."
                    ),
                )
            else:
                messages.success(request, _("Entretien enregistré."))
            return redirect("beneficiaries:detail", pk=pk)
    audit_read(request.user, beneficiary, object_type=OBJECT_TYPE, detail="interview_form")
    kind = form.data.get("kind") if form.is_bound else form.initial.get("kind")
    first = None
    if kind == InterviewKind.END_OF_CIR:
        # The end-of-CIR interview shows the first interview's answers beside the new ones.
        first = (
            Interview.objects.visible_to(request.user)
            .filter(beneficiary=beneficiary, kind=InterviewKind.PERSONALISED)
            .prefetch_related("resources")
            .select_related("training_offer")
            .order_by("held_on", "created_at")
            .first()
        )
    return render(
        request,
        "beneficiaries/interview_form.html",
        {"form": form, "beneficiary": beneficiary, "first": first},
    )


@capability_required(Cap.BENEFICIARY_EDIT)
@require_http_methods(["GET", "POST"])
def qualification_create(request, pk):
    beneficiary = get_object_or_404(visible_files(request.user), pk=pk)
    form = QualificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.record_qualification(request.user, beneficiary, form)
        messages.success(request, _("Qualification enregistrée."))
        return redirect("beneficiaries:detail", pk=pk)
    audit_read(request.user, beneficiary, object_type=OBJECT_TYPE, detail="qualification_form")
    return render(
        request,
        "beneficiaries/qualification_form.html",
        {"form": form, "beneficiary": beneficiary},
    )


# --- The person's rights -----------------------------------------------------------------------


@capability_required(Cap.BENEFICIARY_EDIT)
def beneficiary_rights(request, pk, fmt="html"):
    beneficiary = get_object_or_404(visible_files(request.user), pk=pk)
    data = rights.person_data(beneficiary, request.user)
    list_records(
        request.user,
        [beneficiary],
        object_type=OBJECT_TYPE,
        action=audit.Action.EXPORT,
        detail=f"rgpd:{fmt}",
    )
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="donnees-{beneficiary.pk}.json"'
        return response
    return render(
        request,
        "beneficiaries/rights.html",
        {"beneficiary": beneficiary, "data": data, "sections": rights.printable(data)},
    )


# --- CSV import --------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportForm(DsfrBaseForm):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV"),
        help_text=gettext_lazy("Séparateur ; ou , — UTF-8 — une ligne d'en-tête (voir le modèle)"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Fichier trop volumineux (20 Mo au plus)."))
        text = decode(upload.read())
        if "\x00" in text:
            # The database stores no NUL byte: refused here, with its line.
            line = text.count("\n", 0, text.index("\x00")) + 1
            raise forms.ValidationError(
                _("Ligne %(line)s : caractère nul interdit. Rien n'a été importé.") % {"line": line}
            )
        return upload.name.replace("\x00", ""), text


@capability_required(Cap.BENEFICIARY_EDIT)
@require_http_methods(["GET", "POST"])
def import_start(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, text = form.cleaned_data["file"]
        job = actions.start_import(request.user, name, text)
        return redirect("beneficiaries:import_detail", pk=job.pk)
    jobs = list_records(
        request.user,
        ImportJob.objects.visible_to(request.user).select_related("created_by")[:10],
        object_type=IMPORT_OBJECT_TYPE,
    )
    return render(request, "beneficiaries/import.html", {"form": form, "jobs": jobs})


@capability_required(Cap.BENEFICIARY_EDIT)
def import_detail(request, pk):
    # Its errors quote the file's lines (names): opened through the door.
    job = open_record(request.user, ImportJob, object_type=IMPORT_OBJECT_TYPE, pk=pk)
    return render(request, "beneficiaries/import_detail.html", {"job": job})


@capability_required(Cap.BENEFICIARY_EDIT)
def import_sample(request):
    from pathlib import Path

    sample = Path(__file__).resolve().parent / "samples" / "beneficiaries.csv"
    response = HttpResponse(sample.read_bytes(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-beneficiaires.csv"'
    return response
