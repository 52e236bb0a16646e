from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm


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


class NewPasswordForm(DsfrBaseForm, SetPasswordForm):
    pass
