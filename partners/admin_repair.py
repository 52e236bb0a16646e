"""The platform admin's repair pages for records people wrote (files, referrals, meetings, import
jobs): read-mostly Django admin pages where only the fields a repair needs can be changed.

What they show is an audited read, like any page (HOUSE.md, "One door to open a record"): the
list writes one audit row holding the ids it shows, each record opened writes its own, each
correction one naming the fields changed (never the values), all on the "admin" channel. Nothing
is added or deleted here, and status changes stay with the domain's actions.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import audit
from .access import list_records


class RepairAdmin(admin.ModelAdmin):
    """``repairable``: the fields the platform admin may correct; every other field shown
    (``fields``) is read-only. ``object_type``: the audit's name of the record."""

    repairable = ()
    object_type = ""
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over a national table on every page

    @admin.display(description=_("n°"), ordering="pk")
    def number(self, record):
        return record.pk

    def get_readonly_fields(self, request, obj=None):
        return [name for name in self.get_fields(request, obj) if name not in self.repairable]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return bool(request.user.is_superuser)

    def has_view_permission(self, request, obj=None):
        return bool(request.user.is_superuser)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            list_records(
                request.user,
                changelist.result_list,
                object_type=self.object_type,
                channel="admin",
            )
        return response

    def get_object(self, request, object_id, from_field=None):
        record = super().get_object(request, object_id, from_field)
        if record is not None and request.method == "GET":
            audit.record(
                request.user, audit.Action.VIEW, self.object_type, record.pk, channel="admin"
            )
        return record

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            request.user,
            audit.Action.UPDATE,
            self.object_type,
            obj.pk,
            channel="admin",
            detail=",".join(sorted(form.changed_data)),
        )
