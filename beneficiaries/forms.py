"""Page forms. The rules themselves live in ``validation`` (shared with the import and the API)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from core.publics import Public
from core.widgets import DateInput
from partners.choices import FrenchLevel
from partners.models import Resource

from . import validation
from .models import (
    Beneficiary,
    Interview,
    InterviewKind,
    PermitKind,
    Qualification,
    SpeDecision,
)

BENEFICIARY_FIELDS = [
    "ofii_number",
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "nationality",
    "permit_kind",
    "first_permit_date",
    "cir_signed_on",
    "postcode",
    "commune",
    "email",
    "phone",
    "appointment_reminders",
    "rqth",
    "higher_education",
    "education_level",
    "french_level",
    "france_travail_id",
    "job_seeker_status",
    "professional_experience",
]


class BeneficiaryForm(DsfrBaseForm, forms.ModelForm):
    confirm_out_of_public = forms.BooleanField(
        label=_("Je confirme l'enregistrement d'une personne hors du public de l'accord"),
        required=False,
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("J'ai vérifié : il s'agit d'une autre personne (homonyme)"),
        required=False,
    )
    nationality = forms.ChoiceField(
        label=_("Nationalité"),
        choices=lambda: [("", "---------")] + validation.nationality_choices(),
        help_text=_(
            "Les ressortissants de l'Union européenne, de l'EEE et de la Suisse ne relèvent pas "
            "de l'accord."
        ),
    )

    class Meta:
        model = Beneficiary
        fields = BENEFICIARY_FIELDS
        widgets = {
            "birth_date": DateInput(),
            "first_permit_date": DateInput(),
            "cir_signed_on": DateInput(),
            "professional_experience": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "ofii_number": _("Format DD-AAAA-NNNNN, par exemple 75-2025-01234"),
            "nationality": _(
                "Code ISO 3166 à deux lettres, par exemple SN, AF, MA (XX : apatride)"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = []
        self.out_of_public = False

    def clean_nationality(self):
        return (self.cleaned_data.get("nationality") or "").strip().upper()

    def clean_ofii_number(self):
        return (self.cleaned_data.get("ofii_number") or "").strip().upper()

    def clean(self):
        data = super().clean()
        checked = {field: data.get(field) for field in validation.CHECKED_FIELDS if field in data}
        confirmed = data.get("confirm_out_of_public", False)
        if self.instance.pk and data.get("first_permit_date") == self.initial.get(
            "first_permit_date"
        ):
            confirmed = True  # a file recorded in time stays editable after its five years
        errors = validation.file_errors(checked, confirmed_out_of_public=confirmed)
        self.out_of_public = validation.is_out_of_public(data.get("first_permit_date"))
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field, message)
        if not errors and {"last_name", "first_name", "birth_date", "ofii_number"} <= set(data):
            self.duplicates = list(
                validation.find_duplicates(
                    ofii_number=data["ofii_number"],
                    last_name=data["last_name"],
                    first_name=data["first_name"],
                    birth_date=data["birth_date"],
                    exclude=self.instance.pk,
                )
            )
            same_number = [d for d in self.duplicates if d.ofii_number == data["ofii_number"]]
            if same_number:
                self.add_error(
                    "ofii_number",
                    _("Un dossier existe déjà avec ce numéro OFII : il ne peut pas être recréé."),
                )
            elif self.duplicates and not data.get("confirm_not_duplicate"):
                self.add_error(
                    None,
                    _(
                        "Un dossier existe déjà pour une personne du même nom née le même jour. "
                        "Ouvrez-le plutôt que d'en créer un second ; s'il s'agit d'un homonyme, "
                        "cochez la confirmation."
                    ),
                )
        return data


class InterviewForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Interview
        fields = [
            "kind",
            "held_on",
            "written_level",
            "oral_level",
            "prescribed_hours",
            "civic_training",
            "family_situation",
            "social_situation",
            "professional_situation",
            "resources",
            "spe_decision",
            "notes",
        ]
        widgets = {
            "held_on": DateInput(),
            "family_situation": forms.Textarea(attrs={"rows": 2}),
            "social_situation": forms.Textarea(attrs={"rows": 2}),
            "professional_situation": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "resources": forms.CheckboxSelectMultiple,
        }
        labels = {"resources": _("Services de proximité proposés (ressources du département)")}
        help_texts = {
            "spe_decision": _(
                "Obligatoire pour l'entretien personnalisé. « Dispensé » : seulement à la demande "
                "expresse de la personne."
            )
        }

    def __init__(self, *args, user, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.beneficiary = beneficiary
        self.fields["resources"].queryset = Resource.objects.visible_to(user).order_by(
            "category", "name"
        )
        self.fields["held_on"].initial = timezone.localdate

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("La date de l'entretien ne peut pas être dans le futur."))
        if held_on < self.beneficiary.first_permit_date:
            raise forms.ValidationError(
                _("L'entretien ne peut pas précéder la délivrance du premier titre.")
            )
        return held_on

    def clean(self):
        data = super().clean()
        if data.get("kind") == InterviewKind.PERSONALISED and not data.get("spe_decision"):
            self.add_error(
                "spe_decision", _("Indiquez la décision SPE de l'entretien personnalisé.")
            )
        return data


class QualificationForm(DsfrBaseForm, forms.ModelForm):
    country = forms.ChoiceField(
        label=_("Pays"),
        required=False,
        choices=lambda: [("", "---------")] + validation.nationality_choices(),
    )

    class Meta:
        model = Qualification
        fields = [
            "kind",
            "title",
            "country",
            "obtained_year",
            "recognition",
            "requested_on",
            "result",
            "result_on",
        ]
        widgets = {"requested_on": DateInput(), "result_on": DateInput()}

    def clean(self):
        data = super().clean()
        if data.get("recognition") == Qualification.Recognition.NONE and data.get("result"):
            self.add_error("result", _("Pas de résultat sans demande de reconnaissance."))
        if data.get("result_on") and not data.get("result"):
            self.add_error("result", _("Indiquez le résultat de la reconnaissance."))
        if (
            data.get("requested_on")
            and data.get("result_on")
            and data["result_on"] < data["requested_on"]
        ):
            self.add_error("result_on", _("Le résultat ne peut pas précéder la demande."))
        return data


# --- The list's filters ---------------------------------------------------------------------


class BeneficiaryFilterForm(DsfrBaseForm):
    """GET filters of the list and its exports. Invalid values are reported, never dropped."""

    q = forms.CharField(label=_("Nom ou numéro OFII"), required=False, max_length=100)
    permit_kind = forms.ChoiceField(
        label=_("Titre de séjour"),
        required=False,
        choices=[("", _("Tous"))] + PermitKind.choices,
    )
    public = forms.MultipleChoiceField(
        label=_("Publics spécifiques"),
        required=False,
        choices=Public.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    cir_year = forms.IntegerField(
        label=_("Année de signature du CIR"), required=False, min_value=2000, max_value=2100
    )
    french_level = forms.ChoiceField(
        label=_("Niveau de français"),
        required=False,
        choices=[("", _("Tous"))] + FrenchLevel.choices,
    )
    spe_decision = forms.ChoiceField(
        label=_("Décision SPE"),
        required=False,
        choices=[("", _("Toutes"))] + SpeDecision.choices,
    )
    open_referral = forms.ChoiceField(
        label=_("Orientation en cours"),
        required=False,
        choices=[("", _("Indifférent")), ("yes", _("Oui")), ("no", _("Non"))],
    )
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("nom", _("Nom (A → Z)")),
            ("-nom", _("Nom (Z → A)")),
            ("-cir", _("CIR le plus récent")),
            ("cir", _("CIR le plus ancien")),
            ("-cree", _("Dossier le plus récent")),
            ("naissance", _("Plus âgé d'abord")),
            ("-naissance", _("Plus jeune d'abord")),
            ("numero", _("Numéro OFII")),
        ],
    )
