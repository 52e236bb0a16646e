from django.conf import settings
from django.core.management.base import BaseCommand

from beneficiaries import retention


class Command(BaseCommand):
    help = (
        "Anonymises the beneficiary files inactive for more than RETENTION_MONTHS months. "
        "Without --apply, only says how many would be."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="really anonymise")

    def handle(self, *args, apply=False, **options):
        count = retention.run(apply=apply)
        months = settings.RETENTION_MONTHS
        if apply:
            self.stdout.write(
                f"{count} dossier(s) anonymisé(s) (inactifs depuis plus de {months} mois)."
            )
        else:
            self.stdout.write(
                f"{count} dossier(s) seraient anonymisé(s) (inactifs depuis plus de {months} "
                "mois). Rien n'a été modifié : relancez avec --apply."
            )
