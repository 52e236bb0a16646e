import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

import beneficiaries.demo
import governance.demo
import partners.demo
import referrals.demo


class Command(BaseCommand):
    help = "Loads the fictional demo data of every app (idempotent; refuses to run with DEBUG off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo only runs with DEBUG on: it creates well-known passwords."
            )
        password = os.environ.get("DEMO_PASSWORD", "passerelle-demo")
        # Lower layers first: each app's loader may use what the previous ones created.
        for module in (partners.demo, beneficiaries.demo, referrals.demo, governance.demo):
            module.load(password=password, stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo accounts (password: " + password + "):"))
        for email, *_rest in partners.demo.ACCOUNTS:
            self.stdout.write(f"  {email}")
        self.stdout.write(f"  {partners.demo.ADMIN_ACCOUNT[0]}  (platform admin)")
