from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm


class CodeForm(DsfrBaseForm):
    code = forms.CharField(
        label=_("Code à usage unique"),
        help_text=_("Les 6 chiffres affichés par votre application, ou un code de secours."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class TokenForm(DsfrBaseForm):
    name = forms.CharField(
        label=_("Nom du jeton"),
        help_text=_("Pour le reconnaître dans la liste, par exemple « Logiciel de suivi »."),
        max_length=100,
    )
