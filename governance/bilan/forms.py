"""Forms of the bilan pages: request a generation, validate by a COPIL meeting."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from ..models import Agreement, Indicator, IndicatorYear
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
    """The COPIL meeting that validated the bilan: only those that may (``actions``'s rules) are
    offered. ``confirm`` is set by the confirmation page."""

    meeting = forms.ModelChoiceField(
        label=_("Réunion du COPIL qui a validé le bilan"),
        queryset=None,
        empty_label=_("Choisir une réunion tenue"),
        error_messages={
            "invalid_choice": _("Choisissez une réunion tenue du COPIL de cet accord.")
        },
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        field = self.fields["meeting"]
        # Any held COPIL of the agreement is understood (so that a refusal says why), only the
        # meetings that may validate are offered.
        field.queryset = actions.copil_meetings(report.agreement_id).select_related("committee")
        self.eligible = list(actions.eligible_meetings(report).select_related("committee"))
        field.choices = [("", field.empty_label)] + [(m.pk, str(m)) for m in self.eligible]

    def clean(self):
        cleaned = super().clean()
        meeting = cleaned.get("meeting")
        if meeting is not None:
            refused = actions.refusal(self.report, meeting)
            if refused:
                self.add_error("meeting", refused)
        return cleaned


class SummaryForm(DsfrBaseForm):
    summary = forms.CharField(
        label=_("Synthèse"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    highlights = forms.CharField(
        label=_("Faits marquants"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class ContributionForm(DsfrBaseForm):
    """The lead organisation's page for an action: a comment, and per indicator a comment and,
    for a manual one, the value of the year."""

    comment = forms.CharField(
        label=_("Commentaire sur l'action"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, action, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(action.indicators.all())
        entries = {
            entry.indicator_id: entry
            for entry in IndicatorYear.objects.filter(indicator__action=action, year=year)
        }
        for indicator in self.indicators:
            entry = entries.get(indicator.pk)
            if indicator.source == Indicator.Source.MANUAL:
                self.fields[f"value_{indicator.pk}"] = forms.DecimalField(
                    label=_("%(name)s : valeur %(year)s") % {"name": indicator.name, "year": year},
                    required=False,
                    max_digits=12,
                    decimal_places=2,
                    min_value=0,
                    initial=entry.value if entry else None,
                )
            self.fields[f"comment_{indicator.pk}"] = forms.CharField(
                label=_("%(name)s : commentaire") % {"name": indicator.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=entry.comment if entry else "",
            )

    def indicator_values(self):
        return {
            indicator.pk: (
                self.cleaned_data.get(f"value_{indicator.pk}"),
                self.cleaned_data.get(f"comment_{indicator.pk}", ""),
            )
            for indicator in self.indicators
        }
