"""Forms of the bilan pages: request a generation, validate by a COPIL meeting."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from ..models import Agreement
from . import actions


class RequestForm(DsfrBaseForm):
    agreement = forms.ModelChoiceField(
        label=_("Accord"), queryset=Agreement.objects.none(), empty_label=None
    )
    year = forms.IntegerField(
        label=_("Année du bilan"),
        min_value=2000,
        max_value=2100,
        help_text=_("L'année civile couverte par le bilan."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = Agreement.objects.visible_to(user).select_related(
            "department"
        )
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean(self):
        cleaned = super().clean()
        agreement, year = cleaned.get("agreement"), cleaned.get("year")
        if agreement and year and year not in actions.years_for(agreement):
            self.add_error(
                "year",
                _("Choisissez une année couverte par l'accord, jusqu'à l'année en cours."),
            )
        return cleaned


class ValidateForm(DsfrBaseForm):
    meeting = forms.ModelChoiceField(
        label=_("Réunion du COPIL qui a validé le bilan"),
        queryset=None,
        empty_label=_("Choisir une réunion tenue"),
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = actions.copil_meetings(
            report.agreement_id
        ).select_related("committee")
