"""Demo data of the exchange app: France Travail Paris's job-seeker list matched once (through
``exchange.reconciliation.run``: the files with a France Travail identifier, and some by name and
birth date), and a fictional webhook endpoint of its information system, disabled (``.example``
never resolves: nothing leaves the demo).

Idempotent: nothing is done for an organisation that already has a run or an endpoint.
"""

import secrets

from beneficiaries.models import Beneficiary
from exchange import reconciliation
from exchange.models import Event, ReconciliationRun, WebhookEndpoint
from partners.models import Membership, OrganisationKind

DEMO_ENDPOINT = "https://si.francetravail.example/passerelle/webhooks"


def load(password, stdout):
    for membership in (
        Membership.objects.filter(
            organisation__kind=OrganisationKind.FRANCE_TRAVAIL,
            is_active=True,
            user__is_service=False,
        )
        .select_related("user", "organisation")
        .order_by("organisation_id", "pk")
    ):
        organisation = membership.organisation
        if not ReconciliationRun.objects.filter(organisation=organisation).exists():
            files = Beneficiary.objects.of_department(organisation.department_id).filter(
                anonymised_at__isnull=True
            )
            lines = ["identifiant_france_travail;nom;prenom;date_naissance"]
            for number, (ft_id, last, first, born) in enumerate(
                files.order_by("pk").values_list(
                    "france_travail_id", "last_name", "first_name", "birth_date"
                )
            ):
                if ft_id:
                    lines.append(f"{ft_id};;;")
                elif number % 3 == 0:  # some known to France Travail by name only
                    lines.append(f";{last};{first};{born.isoformat()}")
            run, _matches = reconciliation.run(membership.user, "\n".join(lines), channel="job")
            stdout.write(
                f"exchange: {organisation.name}: {run.registered}/{run.files} files registered"
            )
        WebhookEndpoint.objects.get_or_create(
            organisation=organisation,
            url=DEMO_ENDPOINT,
            defaults={
                "events": [Event.REFERRAL_SENT, Event.MESSAGE_RECEIVED],
                "secret": secrets.token_hex(32),
                "is_active": False,
                "created_by": membership.user,
            },
        )
