"""The platform admin's repair page of referrals (partners/admin_repair.py): the dates a partner
typed wrong. The status changes only through the actions (referrals/actions.py); names are never
shown (a referral is named by its number)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from partners.admin_repair import RepairAdmin

from .actions import check_date
from .models import Referral


class ReferralRepairForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["appointment_at", "first_appointment_at", "outcome_date"]

    def clean(self):
        """Each date between the referral's sending and today (an appointment may be ahead),
        as the counsellor's forms require."""
        data = super().clean()
        now = timezone.now()
        for name in self.changed_data:
            try:
                check_date(
                    self.instance,
                    name,
                    data.get(name),
                    future_ok=name == "appointment_at",
                    now=now,
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


@admin.register(Referral)
class ReferralRepairAdmin(RepairAdmin):
    form = ReferralRepairForm
    object_type = "referral"
    fields = [
        "from_organisation",
        "to_organisation",
        "status",
        "sent_at",
        "answered_at",
        "appointment_at",
        "first_appointment_at",
        "outcome",
        "outcome_date",
        "closed_at",
    ]
    repairable = ("appointment_at", "first_appointment_at", "outcome_date")
    list_display = ["number", "from_organisation", "to_organisation", "status", "sent_at"]
    list_select_related = ["from_organisation", "to_organisation"]
    list_filter = ["status", "to_organisation__department"]
    search_fields = ["=pk"]
    ordering = ["-pk"]

    def get_queryset(self, request):
        return Referral.objects.repairable_by(request.user)
