from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from core.publics import Public
from core.widgets import DateInput

from . import actions
from .choices import LANGUAGES, FrenchLevel
from .models import (
    Contact,
    EmployerPartnership,
    OfferKind,
    Organisation,
    Resource,
    ServiceOffer,
)


class LoginForm(DsfrBaseForm, AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        # The same message whether the account exists or not.
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Après cinq erreurs, le compte est "
            "bloqué quelques minutes."
        ),
        "inactive": _(
            "Adresse électronique ou mot de passe incorrect. Après cinq erreurs, le compte est "
            "bloqué quelques minutes."
        ),
    }


class ResetRequestForm(DsfrBaseForm, PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Django's form sends at once (lost if the mail server is down): through the outbox."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        actions.send_password_reset(to_email, subject, body)


class NewPasswordForm(DsfrBaseForm, SetPasswordForm):
    pass


# --- The directory and the members of an organisation --------------------------------------


class OrganisationForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "department",
            "address",
            "notification_email",
            "receives_referrals",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, can_change_department=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_change_department:
            # An organisation's admins edit its page, not its kind or its department.
            for name in ("kind", "department", "receives_referrals"):
                del self.fields[name]


class ContactForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone"]


class DsfrCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes with the DSFR look (each option in an ``fr-checkbox-group``)."""

    option_template_name = "partners/widgets/checkbox_option.html"


class ServiceOfferForm(DsfrBaseForm, forms.ModelForm):
    publics = forms.MultipleChoiceField(
        label=_("Publics visés"),
        choices=Public.choices,
        required=False,
        widget=DsfrCheckboxes(attrs={"class": ""}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Langues parlées"),
        choices=LANGUAGES,
        required=False,
        widget=DsfrCheckboxes(attrs={"class": ""}),
    )
    min_french_level = forms.ChoiceField(
        label=_("Niveau de français minimum"),
        choices=[("", _("Aucun prérequis")), *FrenchLevel.choices],
        required=False,
    )

    class Meta:
        model = ServiceOffer
        fields = [
            "kind",
            "title",
            "description",
            "publics",
            "min_age",
            "max_age",
            "requires_rqth",
            "bpi_only",
            "min_french_level",
            "how_to_register",
            "places",
            "languages",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "how_to_register": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A service offer unless said otherwise (employers open job and immersion offers).
        self.fields["kind"].required = False

    def clean_kind(self):
        return self.cleaned_data.get("kind") or OfferKind.SERVICE

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("L'âge maximum doit être supérieur à l'âge minimum."))
        return cleaned


class InviteForm(DsfrBaseForm):
    email = forms.EmailField(label=_("Adresse électronique professionnelle"))
    is_admin = forms.BooleanField(label=_("Administrateur de l'organisation"), required=False)


class AcceptInvitationForm(DsfrBaseForm):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 12 caractères, pas uniquement des chiffres ni un mot courant."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        return cleaned


class TrainingImportForm(DsfrBaseForm):
    file = forms.FileField(
        label=_("Fichier CSV des formations"),
        help_text=_("UTF-8, séparateur « ; » ou « , », une ligne d'en-tête (voir le format)."),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 2 Mo."))
        return upload


class ResourceForm(DsfrBaseForm, forms.ModelForm):
    website = forms.URLField(label=_("site"), required=False, assume_scheme="https")

    class Meta:
        model = Resource
        fields = [
            "name",
            "category",
            "organisation",
            "description",
            "commune",
            "postcode",
            "address",
            "phone",
            "website",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, department_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            department_id=department_id
        ).order_by("name")

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"]
        if postcode and not (postcode.isdigit() and len(postcode) == 5):
            raise forms.ValidationError(_("Le code postal compte cinq chiffres."))
        return postcode


class EmployerPartnershipForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = EmployerPartnership
        fields = [
            "convention_signed",
            "signed_on",
            "recruitments",
            "immersions",
            "trainings",
            "notes",
        ]
        widgets = {
            "signed_on": DateInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        signed, day = cleaned.get("convention_signed"), cleaned.get("signed_on")
        if signed and day is None:
            self.add_error("signed_on", _("Indiquez la date de signature de la convention."))
        if not signed and day is not None:
            self.add_error("convention_signed", _("Cochez « convention signée » ou ôtez la date."))
        return cleaned
