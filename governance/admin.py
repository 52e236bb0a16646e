"""Admin of the governance app."""

from django.contrib import admin

from .bilan import admin as bilan_admin  # noqa: F401  (the annual bilan registers its own admin)
from .life.models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """Programmes are reference data (HOPE, PIC, AGIR, CEJ, local programmes)."""

    list_display = ("name", "kind", "department", "starts_on", "ends_on", "places")
    list_filter = ("kind", "department")
    filter_horizontal = ("operators",)
