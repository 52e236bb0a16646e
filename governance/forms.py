"""Forms of the governance pages (DSFR)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from core.uploads import validate_upload
from core.validators import validate_date_bounds
from core.widgets import DateInput, DateTimeInput
from partners.models import Organisation

from .models import (
    Action,
    Agreement,
    Amendment,
    Attendance,
    Axis,
    Committee,
    FollowUpItem,
    Indicator,
    IndicatorYear,
    Meeting,
    Signatory,
)
from .statistics.figures import INDICATOR_STATISTICS
from .statistics.periods import period_errors, period_of
from .statistics.presentation import statistic_label


def _department_organisations(department):
    return Organisation.objects.filter(department=department).order_by("name")


class AgreementForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["title", "national_framework", "signed_on", "starts_on", "ends_on", "status"]
        widgets = {"signed_on": DateInput, "starts_on": DateInput, "ends_on": DateInput}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("La fin doit suivre le début de l'accord."))
        return cleaned


class SignatoryForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Signatory
        fields = ["organisation", "representative", "representative_title", "signed_on"]
        widgets = {"signed_on": DateInput}

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _department_organisations(department)


class AxisForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Axis
        fields = ["number", "title", "description"]


class AmendmentForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Amendment
        fields = ["number", "signed_on", "summary", "document"]
        widgets = {"signed_on": DateInput}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):  # a new upload
            error = validate_upload(document)
            if error:
                raise forms.ValidationError(error)
        return document

    def clean_number(self):
        number = self.cleaned_data["number"]
        if self.agreement.amendments.filter(number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Un avenant porte déjà ce numéro."))
        return number


class ActionForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "axis",
            "title",
            "description",
            "lead_organisation",
            "partner_organisations",
            "starts_on",
            "ends_on",
            "status",
        ]
        widgets = {
            "starts_on": DateInput,
            "ends_on": DateInput,
            "partner_organisations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = agreement.axes.all()
        organisations = _department_organisations(agreement.department)
        self.fields["lead_organisation"].queryset = organisations
        self.fields["partner_organisations"].queryset = organisations

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("La fin doit suivre le début de l'action."))
        return cleaned


def _statistic_choices():
    return [("", _("— (indicateur saisi)"))] + [
        (key, statistic_label(key)) for key in INDICATOR_STATISTICS
    ]


class IndicatorForm(DsfrBaseForm, forms.ModelForm):
    statistic = forms.ChoiceField(
        label=_("Statistique de Passerelle (indicateur calculé)"),
        choices=_statistic_choices,
        required=False,
    )

    class Meta:
        model = Indicator
        fields = ["name", "source", "statistic", "unit"]

    def clean(self):
        cleaned = super().clean()
        source, statistic = cleaned.get("source"), cleaned.get("statistic")
        if source == Indicator.Source.COMPUTED and not statistic:
            self.add_error("statistic", _("Choisissez la statistique d'un indicateur calculé."))
        if source == Indicator.Source.MANUAL:
            cleaned["statistic"] = ""
        return cleaned


class IndicatorYearForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = IndicatorYear
        fields = ["year", "target", "value", "comment"]

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.source == Indicator.Source.COMPUTED:
            del self.fields["value"]
        self.fields["year"].initial = timezone.localdate().year

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Année invalide."))
        return year

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("value")
        if value is not None and not cleaned.get("comment"):
            self.add_error("comment", _("Une valeur saisie s'accompagne d'un commentaire."))
        return cleaned


class MeetingForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["committee", "date", "place", "agenda", "invited"]
        widgets = {"date": DateTimeInput, "invited": forms.CheckboxSelectMultiple}
        labels = {"committee": _("Comité"), "invited": _("Organisations invitées")}
        help_texts = {"agenda": _("Un point de l'ordre du jour par ligne.")}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(agreement=agreement)
        self.fields["committee"].empty_label = None
        self.fields["invited"].queryset = _department_organisations(agreement.department)
        self.fields["date"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["date"].validators.append(validate_date_bounds)


class AttendanceForm(DsfrBaseForm):
    """One choice per invited (or already recorded) organisation."""

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        recorded = dict(meeting.attendance.values_list("organisation_id", "presence"))
        organisations = Organisation.objects.filter(
            pk__in=set(meeting.invited.values_list("pk", flat=True)) | set(recorded)
        ).order_by("name")
        self.organisations = list(organisations)
        for organisation in self.organisations:
            self.fields[f"org_{organisation.pk}"] = forms.ChoiceField(
                label=organisation.name,
                choices=[("", _("Non renseigné")), *Attendance.Presence.choices],
                required=False,
                initial=recorded.get(organisation.pk, ""),
            )

    def presences(self):
        return {
            organisation.pk: self.cleaned_data[f"org_{organisation.pk}"]
            for organisation in self.organisations
            if self.cleaned_data.get(f"org_{organisation.pk}")
        }


class MinutesForm(DsfrBaseForm):
    minutes = forms.CharField(
        label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )


class DecisionForm(DsfrBaseForm):
    text = forms.CharField(label=_("Décision"), widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(DsfrBaseForm):
    description = forms.CharField(
        label=_("Action de suivi"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(label=_("Organisation responsable"), queryset=None)
    due_on = forms.DateField(
        label=_("Échéance"), widget=DateInput, validators=[validate_date_bounds]
    )
    decision = forms.ModelChoiceField(label=_("Décision liée"), queryset=None, required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _department_organisations(
            meeting.committee.agreement.department
        )
        self.fields["decision"].queryset = meeting.decisions.all()


class FollowUpStatusForm(DsfrBaseForm):
    status = forms.ChoiceField(label=_("État"), choices=FollowUpItem.Status.choices)


class StatisticsFilterForm(DsfrBaseForm):
    """A year (the default), or a period ``?from=&to=`` (a quarter, since a meeting...)."""

    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Partenaire"), queryset=None, required=False, empty_label=_("Tous")
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partners
        # "from" is a Python keyword: the two ends of the period are declared here.
        self.fields["from"] = forms.DateField(label=_("Du"), required=False, widget=DateInput)
        self.fields["to"] = forms.DateField(label=_("Au"), required=False, widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        errors = period_errors(cleaned.get("year"), cleaned.get("from"), cleaned.get("to"))
        for field, message in errors.items():
            self.add_error(field, message)
        if not errors:
            cleaned["period"] = period_of(
                cleaned.get("year"), cleaned.get("from"), cleaned.get("to")
            )
        return cleaned
