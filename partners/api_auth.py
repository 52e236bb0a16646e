"""DRF authentication by hashed, expiring API tokens (``Authorization: Token <key>``).

Imported by ``config.logs`` while logging is configured, before the apps are ready: the token
models are imported when a request is authenticated, not here."""

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        from . import tokens

        token = tokens.authenticate(key)
        if token is None:
            raise AuthenticationFailed(_("Jeton invalide, expiré ou révoqué."))
        return token.user, token
