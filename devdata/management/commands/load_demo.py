import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devdata.demo import beneficiaries, exchange, governance, life, partners, referrals


class Command(BaseCommand):
    help = "Loads the fictional demo data of every app (idempotent; refuses to run with DEBUG off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo only runs with DEBUG on: it creates well-known passwords."
            )
        password = os.environ.get("DEMO_PASSWORD", "passerelle-demo")
        started = time.perf_counter()
        # Lower layers first: each app's loader uses what the previous ones created.
        for module in (partners, beneficiaries, referrals, governance, life, exchange):
            step = time.perf_counter()
            module.load(password=password, stdout=self.stdout)
            self.stdout.write(f"  ({time.perf_counter() - step:.1f} s)")
        self.stdout.write(f"Demo loaded in {time.perf_counter() - started:.1f} s.")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo accounts (password: " + password + "):"))
        for email, *_rest in partners.ACCOUNTS:
            self.stdout.write(f"  {email}")
        self.stdout.write(f"  {partners.ADMIN_ACCOUNT[0]}  (platform admin)")
