"""Forms of the life of the partnership (DSFR)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from core.validators import validate_date_bounds
from core.widgets import DateInput
from partners.models import EMPLOYER_KINDS, Organisation

from ..models import Committee
from .models import Activity, News, Programme, ProgrammeEntry


def _organisations(department_id):
    return Organisation.objects.filter(department_id=department_id).order_by("name")


class ActivityForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "held_on", "place", "organisations", "agents", "people_met", "report"]
        widgets = {
            "held_on": DateInput,
            "organisations": forms.CheckboxSelectMultiple,
            "report": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        }
        help_texts = {"report": _("Quelques lignes, sans nom de personne.")}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = _organisations(agreement.department_id).exclude(
            kind__in=EMPLOYER_KINDS
        )
        self.fields["held_on"].validators.append(validate_date_bounds)

    def clean_agents(self):
        agents = self.cleaned_data["agents"]
        if agents < 1:
            raise forms.ValidationError(_("Au moins un agent participe."))
        return agents


class ThematicGroupForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["name", "chair"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True


class NewsForm(DsfrBaseForm, forms.ModelForm):
    document = forms.FileField(
        label=_("Document (facultatif)"),
        required=False,
        help_text=_("PDF, JPEG ou PNG, 5 Mo au plus."),
    )

    class Meta:
        model = News
        fields = ["title", "text", "to_all", "audience"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5, "maxlength": 3000}),
            "audience": forms.CheckboxSelectMultiple,
        }
        help_texts = {"text": _("Une information à vos réseaux : aucune donnée personnelle.")}

    def __init__(self, *args, department_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = _organisations(department_id)
        self.fields["audience"].required = False


class DigestForm(DsfrBaseForm):
    receive = forms.BooleanField(
        label=_("Recevoir la lettre mensuelle des actualités"), required=False
    )


class ProgrammeForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "kind", "operators", "starts_on", "ends_on", "places"]
        widgets = {
            "starts_on": DateInput,
            "ends_on": DateInput,
            "operators": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, department_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.department_id = department_id
        self.fields["operators"].queryset = _organisations(department_id)

    def clean_name(self):
        name = self.cleaned_data["name"]
        if Programme.objects.filter(department_id=self.department_id, name__iexact=name).exists():
            raise forms.ValidationError(_("Un programme porte déjà ce nom."))
        return name

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("La fin suit le début."))
        return cleaned


class ProgrammeEntryForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = ProgrammeEntry
        fields = ["programme", "operator", "entered_on"]
        widgets = {"entered_on": DateInput}

    def __init__(self, *args, department_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(department_id=department_id)
        self.fields["operator"].queryset = _organisations(department_id)
        self.fields["entered_on"].initial = timezone.localdate()
        self.fields["entered_on"].validators.append(validate_date_bounds)


class ProgrammeExitForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = ProgrammeEntry
        fields = ["exited_on", "outcome"]
        widgets = {"exited_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exited_on"].required = True
        self.fields["outcome"].required = True
        self.fields["exited_on"].validators.append(validate_date_bounds)


class TerminationForm(DsfrBaseForm):
    requested_by = forms.ModelChoiceField(
        label=_("Signataire qui demande la résiliation"), queryset=Organisation.objects.none()
    )
    notice_on = forms.DateField(
        label=_("Préavis reçu le (lettre recommandée avec accusé de réception)"),
        widget=DateInput,
        validators=[validate_date_bounds],
    )
    letter_reference = forms.CharField(
        label=_("Référence de la lettre recommandée"), max_length=100
    )
    national_agreement = forms.BooleanField(
        label=_("Les signataires de l'accord-cadre national ont donné leur accord"),
        required=False,
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_by"].queryset = Organisation.objects.filter(
            pk__in=agreement.signatories.values("organisation")
        ).order_by("name")


class ResourceKeepersForm(DsfrBaseForm):
    keepers = forms.ModelMultipleChoiceField(
        label=_("Organisations qui tiennent la base de ressources"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune cochée : France Travail la tient (article 2 de l'accord)."),
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keepers"].queryset = Organisation.objects.filter(
            pk__in=agreement.signatories.values("organisation")
        ).order_by("name")
