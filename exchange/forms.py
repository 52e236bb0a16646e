from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from partners.forms import DsfrCheckboxes

from .models import Event


class EndpointForm(DsfrBaseForm):
    url = forms.URLField(
        label=_("Adresse HTTPS du système d'information"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Une adresse publique en https://, qui répond 2xx à un POST signé."),
    )
    events = forms.MultipleChoiceField(
        label=_("Événements"),
        choices=Event.choices,
        widget=DsfrCheckboxes(attrs={"class": ""}),
    )
