"""``manage.py purge_audit [--apply]``: audit rows older than AUDIT_RETENTION_MONTHS.

Without ``--apply`` (a dry run) it only counts them; the nightly Celery beat job applies it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from partners import audit


class Command(BaseCommand):
    help = "Supprime les entrées du journal d'accès plus anciennes que la durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Supprimer vraiment.")

    def handle(self, *args, apply=False, **options):
        count = audit.purge(apply=apply)
        months = settings.AUDIT_RETENTION_MONTHS
        verb = "supprimées" if apply else "à supprimer (simulation, rien n'est changé)"
        self.stdout.write(f"{count} entrées de plus de {months} mois {verb}.")
