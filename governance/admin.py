"""Admin of the governance app."""

from django.contrib import admin

from partners.admin_repair import RepairAdmin

from .bilan import admin as bilan_admin  # noqa: F401  (the annual bilan registers its own admin)
from .life.models import Programme
from .models import Meeting


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """Programmes are reference data (HOPE, PIC, AGIR, CEJ, local programmes)."""

    list_display = ("name", "kind", "department", "starts_on", "ends_on", "places")
    list_filter = ("kind", "department")
    filter_horizontal = ("operators",)


@admin.register(Meeting)
class MeetingRepairAdmin(RepairAdmin):
    """A meeting's date and place, typed wrong (a date out of bounds saved before the bounds
    existed breaks nothing now, but is repaired here); its status changes through the actions."""

    object_type = "meeting"
    fields = ["committee", "date", "place", "status", "agenda"]
    repairable = ("date", "place")
    list_display = ["number", "committee", "date", "status"]
    list_select_related = ["committee__agreement__department"]
    list_filter = ["status", "committee__kind", "committee__agreement__department"]
    ordering = ["-pk"]
