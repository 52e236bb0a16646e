"""Filters of ``/api/v1/referrals/``: ``status``, ``beneficiary`` and ``to_organisation`` (ids).

The choices come from ``visible_to``: an id out of the caller's scope is refused exactly as a
missing one (400, the same message), so the filter is no oracle of what exists elsewhere. The
beneficiary is typed as a number, never offered in a select: the browsable API (development) lists
no name.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from partners.api_fields import visible_choices
from partners.models import Organisation

from .models import Referral


class ReferralFilter(django_filters.FilterSet):
    beneficiary = django_filters.ModelChoiceFilter(
        label=_("Personne (identifiant)"),
        queryset=visible_choices(Beneficiary),
        widget=forms.NumberInput,
    )
    to_organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation destinataire"), queryset=visible_choices(Organisation)
    )

    class Meta:
        model = Referral
        fields = ["status", "beneficiary", "to_organisation"]
