"""Page forms. The rules themselves live in ``validation`` (shared with the import and the API)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from core.publics import Public
from core.widgets import DateInput
from partners.choices import FRENCH_LEVEL_RANK, FrenchLevel
from partners.models import Resource

from . import skills, trainings, validation
from .models import (
    COURSE_LEVELS,
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
        self.homonyms = []
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
            self.homonyms = [d for d in self.duplicates if d.ofii_number != data["ofii_number"]]
            if same_number:
                self.add_error(
                    "ofii_number",
                    _("Un dossier existe déjà avec ce numéro OFII : il ne peut pas être recréé."),
                )
            elif self.homonyms and not data.get("confirm_not_duplicate"):
                self.add_error(
                    "confirm_not_duplicate",
                    _(
                        "Une personne du même nom née le même jour a déjà un dossier. S'il s'agit "
                        "d'une autre personne (homonyme), cochez cette confirmation."
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
            "french_course",
            "target_level",
            "training_offer",
            "civic_training",
            "family_situation",
            "social_situation",
            "professional_situation",
            "resources",
            "spe_decision",
            "information_notice",
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
        labels = {
            "resources": _("Services de proximité proposés (ressources du département)"),
            "training_offer": _("Session de formation (carte des formations)"),
        }
        help_texts = {
            "spe_decision": _(
                "Obligatoire pour l'entretien personnalisé. « Dispensé » : seulement à la demande "
                "expresse de la personne."
            ),
            "training_offer": _(
                "Les sessions de français du département, pas encore terminées, avec des places "
                "libres et un niveau visé au-dessus de celui de la personne ; celles de sa "
                "commune ou de son bassin d'emploi d'abord. Une place est décomptée."
            ),
            "information_notice": _(
                "Mission d'intérêt public : la personne est informée que son dossier est partagé "
                "avec le partenaire du SPE vers lequel elle est orientée. Obligatoire avant toute "
                "orientation."
            ),
        }

    def __init__(self, *args, user, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.beneficiary = beneficiary
        self.fields["resources"].queryset = Resource.objects.visible_to(user).order_by(
            "category", "name"
        )
        self.fields["held_on"].initial = timezone.localdate
        sessions = trainings.open_sessions(user)
        offer = self.fields["training_offer"]
        offer.queryset = sessions
        offer.label_from_instance = trainings.session_label
        fitting = trainings.fitting_sessions(user, beneficiary)
        offer.choices = [("", _("Aucune session"))] + [
            (session.pk, trainings.session_label(session)) for session in fitting
        ]
        # "Décision SPE" is required for the personalised interview (the kind chosen, or the
        # kind the page was opened for): it is marked so, not "(Optionnel)".
        kind = self.data.get("kind") if self.is_bound else self.initial.get("kind")
        decision = self.fields["spe_decision"]
        decision.required = kind == InterviewKind.PERSONALISED
        decision.error_messages["required"] = _(
            "Indiquez la décision SPE de l'entretien personnalisé."
        )

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
        if (
            data.get("kind") == InterviewKind.PERSONALISED
            and not data.get("spe_decision")
            and "spe_decision" not in self.errors
        ):
            self.add_error(
                "spe_decision", _("Indiquez la décision SPE de l'entretien personnalisé.")
            )
        course = data.get("french_course")
        if course:
            # The 100-hour A2 and B1 courses: their hours and level are the course's.
            data["prescribed_hours"] = 100
            data["target_level"] = COURSE_LEVELS[course]
            self.instance.prescribed_hours = 100
            self.instance.target_level = COURSE_LEVELS[course]
        session = data.get("training_offer")
        if session is not None:
            self._check_session(session, data)
        return data

    def _check_session(self, session, data):
        tested = [level for level in (data.get("written_level"), data.get("oral_level")) if level]
        level = (
            min(tested, key=lambda code: FRENCH_LEVEL_RANK[code])
            if tested
            else self.beneficiary.french_level
        )
        target = data.get("target_level")
        if session.target_level and session.target_level not in trainings.levels_above(level):
            self.add_error(
                "training_offer",
                _("Cette session prépare un niveau que la personne a déjà atteint."),
            )
        elif target and session.target_level and session.target_level != target:
            self.add_error("training_offer", _("Cette session ne prépare pas le niveau visé."))
        elif not data.get("prescribed_hours") and not data.get("french_course"):
            self.add_error(
                "prescribed_hours",
                _("Une session de formation suppose des heures de français prescrites."),
            )


class SkillsForm(DsfrBaseForm, forms.ModelForm):
    """The skills assessment: its own form, on the file (and the same fields in the API)."""

    target_jobs = forms.MultipleChoiceField(
        label=_("Métiers visés (codes ROME)"),
        required=False,
        choices=skills.rome_choices,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Liste de référence ROME livrée avec Passerelle ; plusieurs choix possibles."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Langues parlées"),
        required=False,
        choices=skills.language_choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Beneficiary
        fields = skills.SKILLS_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("competences", "aptitudes", "motivations", "professional_project")
        }


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
    horizon = forms.BooleanField(
        label=_("Parcours de cinq ans se terminant dans les 6 mois"), required=False
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
