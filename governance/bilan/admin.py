"""Admin of the annual bilans: read-only; a validated bilan can be neither changed nor deleted."""

from django.contrib import admin

from ..models import AnnualReport


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ["agreement", "year", "version", "status", "generated_at", "validated_at"]
    list_filter = ["status", "year"]
    readonly_fields = [field.name for field in AnnualReport._meta.fields]
    # Reports are made by the generation task and changed by the domain functions only.

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == AnnualReport.Status.VALIDATED:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # The bulk "delete selected" would bypass the check above.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
