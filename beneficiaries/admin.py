"""The platform admin's repair pages of the beneficiaries app (partners/admin_repair.py): a file's
dates typed or imported wrong, and the import jobs (a stuck one can be stopped; their text is
never shown)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partners.admin_repair import RepairAdmin

from . import actions, tasks
from .models import FileUnderRepair, ImportJob


@admin.register(FileUnderRepair)
class FileRepairAdmin(RepairAdmin):
    """No name, no contact detail: the number the OFII gives to find the file, and its dates.
    A correction goes through ``actions.correct_file``: it is kept in the file's history."""

    object_type = actions.OBJECT_TYPE
    fields = [
        "ofii_number",
        "ofii_organisation",
        "birth_date",
        "first_permit_date",
        "cir_signed_on",
        "information_notice_on",
        "created_at",
        "last_activity_at",
    ]
    repairable = ("birth_date", "first_permit_date", "cir_signed_on", "information_notice_on")
    list_display = ["number", "ofii_number", "ofii_organisation", "cir_signed_on", "created_at"]
    list_select_related = ["ofii_organisation"]
    list_filter = ["ofii_organisation__department"]
    search_fields = ["=ofii_number"]  # exact: the OFII number is what the partner quotes
    ordering = ["-pk"]

    def get_queryset(self, request):
        return FileUnderRepair.objects.repairable_by(request.user)

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        actions.correct_file(request.user, obj.pk, values, channel="admin")


@admin.register(ImportJob)
class ImportJobAdmin(RepairAdmin):
    """Imports of files: status, counts and line errors, never the uploaded text. A job whose
    worker died is failed by the beat watchdog within minutes; "Arrêter" does it at once."""

    object_type = "import_job"
    fields = [
        "organisation",
        "created_by",
        "file_name",
        "status",
        "total_lines",
        "processed_lines",
        "created_count",
        "errors",
        "created_at",
        "started_at",
        "alive_at",
        "finished_at",
    ]
    list_display = [
        "number",
        "organisation",
        "status",
        "processed_lines",
        "total_lines",
        "created_at",
    ]
    list_select_related = ["organisation"]
    list_filter = ["status"]
    ordering = ["-pk"]
    actions = ["stop"]

    def get_queryset(self, request):
        return ImportJob.objects.repairable_by(request.user).defer("content")

    @admin.action(description=_("Arrêter l'import (rien n'est importé, le fichier est effacé)"))
    def stop(self, request, queryset):
        stopped = tasks.fail_imports(queryset, message=tasks.STOPPED_MESSAGE)
        self.message_user(
            request,
            ngettext("%(count)s import arrêté.", "%(count)s imports arrêtés.", len(stopped))
            % {"count": len(stopped)},
            messages.SUCCESS if stopped else messages.WARNING,
        )
