"""``manage.py demo_code``: the current second-factor code of the demo accounts (development only).

The demo's coordinator and platform admin share a fictional TOTP secret
(``devdata.demo.partners.DEMO_TOTP_SECRET``); this prints the code an authenticator app would show.
"""

import base64

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from devdata.demo.partners import DEMO_TOTP_ACCOUNTS, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Affiche le code à usage unique actuel des comptes de démonstration."

    def handle(self, *args, **options):
        code = totp(base64.b32decode(DEMO_TOTP_SECRET))
        self.stdout.write(f"{code:06d}  ({', '.join(DEMO_TOTP_ACCOUNTS)}, valable 30 secondes)")
