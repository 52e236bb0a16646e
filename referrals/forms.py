from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from core.publics import Public
from core.validators import validate_date_bounds
from core.widgets import DateInput, DateTimeInput
from partners.models import EMPLOYER_KINDS, EMPLOYER_OFFER_KINDS, Organisation, ServiceOffer

from .inbox import OPEN
from .models import Document, FollowUp, NotificationKind, Outcome, RefusalReason, Status


def add_errors(form, error):
    """Puts the field errors of a domain ``ValidationError`` on the form's fields."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def partner_choices(rows):
    """Choices from ``recommendation.recommend`` rows, the recommended partner marked."""
    return [
        (
            str(org.pk),
            f"{org.name} — {_('recommandé')}" if recommended else org.name,
        )
        for org, recommended, _offers in rows
    ]


class SendForm(DsfrBaseForm):
    to_organisation = forms.ChoiceField(label=_("Partenaire"))
    service_offer = forms.ChoiceField(label=_("Offre de service"), required=False)
    reason = forms.CharField(
        label=_("Motif de l'orientation"),
        max_length=255,
        help_text=_("Par exemple : recherche d'emploi, projet de formation qualifiante."),
    )
    note = forms.CharField(
        label=_("Note pour le partenaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que le partenaire doit savoir pour préparer le premier rendez-vous."),
    )

    confirm_changed_mind = forms.BooleanField(
        label=_(
            "La personne, dispensée du SPE à sa demande, a changé d'avis et souhaite être "
            "orientée (enregistré dans son dossier)"
        ),
        required=False,
    )

    def __init__(self, *args, rows, dispensed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        if not dispensed:
            del self.fields["confirm_changed_mind"]
        self.fields["to_organisation"].choices = partner_choices(rows)
        if rows and not self.is_bound:
            self.initial.setdefault("to_organisation", str(rows[0][0].pk))
        self.fields["service_offer"].choices = [("", _("Aucune en particulier"))] + [
            (str(offer.pk), f"{org.name} — {offer.title}")
            for org, _rec, offers in rows
            for offer in offers
        ]

    def organisation(self):
        pk = int(self.cleaned_data["to_organisation"])
        return next(org for org, _rec, _offers in self.rows if org.pk == pk)

    def offer(self):
        pk = self.cleaned_data.get("service_offer")
        if not pk:
            return None
        return next(
            (o for _org, _rec, offers in self.rows for o in offers if str(o.pk) == pk), None
        )


class AcceptForm(DsfrBaseForm):
    appointment_at = forms.DateTimeField(
        label=_("Date du premier rendez-vous"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Facultatif : la date proposée à la personne."),
        validators=[validate_date_bounds],
    )


class RefuseForm(DsfrBaseForm):
    reason = forms.ChoiceField(
        label=_("Motif du refus"),
        choices=[("", _("Choisir un motif"))] + RefusalReason.choices,
        error_messages={"required": _("Choisissez le motif du refus.")},
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour le motif « Autre »."),
    )


class RedirectForm(DsfrBaseForm):
    to_organisation = forms.ChoiceField(
        label=_("Nouveau partenaire"),
        error_messages={"required": _("Choisissez le partenaire.")},
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Expliquez la réorientation au partenaire.")},
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = {str(org.pk): org for org in partners}
        self.fields["to_organisation"].choices = [("", _("Choisir un partenaire"))] + [
            (pk, org.name) for pk, org in self.partners.items()
        ]


class CancelForm(DsfrBaseForm):
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StartForm(DsfrBaseForm):
    first_appointment_at = forms.DateTimeField(
        label=_("Date du premier rendez-vous tenu"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Laissez vide pour maintenant."),
        validators=[validate_date_bounds],
    )


class CloseForm(DsfrBaseForm):
    outcome = forms.ChoiceField(
        label=_("Issue"),
        choices=[("", _("Choisir une issue"))] + Outcome.choices,
        error_messages={"required": _("Choisissez l'issue de l'accompagnement.")},
    )
    outcome_date = forms.DateField(
        label=_("Date de l'issue"),
        widget=DateInput(),
        error_messages={"required": _("Indiquez la date de l'issue.")},
        validators=[validate_date_bounds],
    )
    employer = forms.ModelChoiceField(
        label=_("Employeur (issue « emploi »)"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Facultatif : l'employeur de l'annuaire qui recrute la personne."),
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, department_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Organisation.objects.filter(
            department_id=department_id, kind__in=EMPLOYER_KINDS
        ).order_by("name")


class ReviewForm(DsfrBaseForm):
    comment = forms.CharField(
        label=_("Commentaire pour l'OFII"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Facultatif. Le délai de réponse continue de courir."),
    )


ACTION_FORMS = {
    "review": ReviewForm,
    "accept": AcceptForm,
    "refuse": RefuseForm,
    "redirect": RedirectForm,
    "cancel": CancelForm,
    "start": StartForm,
    "close": CloseForm,
}


class FollowUpForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["kind", "accompaniment", "happened_on", "offer", "comment"]
        widgets = {"happened_on": DateInput(), "comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, department_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The job and immersion offers employers of the department open to the agreement's public.
        self.fields["offer"].queryset = (
            ServiceOffer.objects.filter(
                organisation__department_id=department_id,
                kind__in=EMPLOYER_OFFER_KINDS,
                is_active=True,
            )
            .select_related("organisation")
            .order_by("organisation__name", "title")
        )
        self.fields["offer"].label_from_instance = lambda o: f"{o.organisation.name} — {o.title}"
        self.fields["offer"].help_text = _("Pour « offre proposée » : l'offre d'un employeur.")


class InboxFilterForm(DsfrBaseForm):
    q = forms.CharField(label=_("Nom ou prénom"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[(OPEN, _("Ouvertes (à traiter ou suivies)")), ("", _("Tous"))] + Status.choices,
    )
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)
    assigned_to = forms.ChoiceField(label=_("Conseiller référent"), required=False)
    public = forms.MultipleChoiceField(
        label=_("Publics spécifiques"),
        required=False,
        choices=Public.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sent_after = forms.DateField(
        label=_("Envoyée depuis le"),
        required=False,
        widget=DateInput(),
        validators=[validate_date_bounds],
    )
    sent_before = forms.DateField(
        label=_("Envoyée jusqu'au"),
        required=False,
        widget=DateInput(),
        validators=[validate_date_bounds],
    )

    def __init__(self, *args, counsellors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = [("", _("Tous")), ("none", _("Non attribuée"))] + [
            (str(u.pk), u.get_full_name() or u.email) for u in counsellors
        ]
        if not counsellors:
            del self.fields["assigned_to"]


class PreferencesForm(DsfrBaseForm):
    kinds = forms.MultipleChoiceField(
        label=_("Je reçois un courriel pour"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=NotificationKind.choices,
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(k.value, k.label) for k in kinds]


class AssignForm(DsfrBaseForm):
    assigned_to = forms.ChoiceField(label=_("Conseiller référent"), required=False)

    def __init__(self, *args, counsellors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.counsellors = {str(u.pk): u for u in counsellors}
        self.fields["assigned_to"].choices = [("", _("Personne (retirer)"))] + [
            (pk, u.get_full_name() or u.email) for pk, u in self.counsellors.items()
        ]

    def counsellor(self):
        return self.counsellors.get(self.cleaned_data.get("assigned_to") or "")


class MessageForm(DsfrBaseForm):
    text = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible par l'OFII et le partenaire. Pas de données de santé."),
    )
    file = forms.FileField(
        label=_("Joindre un document"),
        required=False,
        help_text=_("PDF, JPEG ou PNG, 5 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    kind = forms.ChoiceField(
        label=_("Type de document"),
        required=False,
        choices=[("", _("Choisir un type"))] + Document.Kind.choices,
    )


class CaseloadFilterForm(DsfrBaseForm):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Nom, n° de dossier OFII ou identifiant France Travail"),
    )
    status = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[
            ("", _("Acceptées et en cours")),
            (Status.ACCEPTED, Status.ACCEPTED.label),
            (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
        ],
    )
    flag = forms.ChoiceField(
        label=_("Signalement"),
        required=False,
        choices=[
            ("", _("Tous")),
            ("appointment_passed", _("Rendez-vous passé, non renseigné")),
            ("stale", _("Sans suivi récent")),
            ("eligibility", _("Fin d'éligibilité proche")),
        ],
    )
