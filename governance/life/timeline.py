"""Programme entries on the person's timeline (registered by ``GovernanceConfig.ready``)."""

from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.timeline import Entry

from .models import ProgrammeEntry


def _at(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def programme_source(beneficiary, user):
    entries = (
        ProgrammeEntry.objects.visible_to(user)
        .filter(beneficiary=beneficiary)
        .select_related("programme", "operator")
    )
    for entry in entries:
        yield Entry(
            at=_at(entry.entered_on),
            kind="programme",
            title=_("Entrée en programme : %(name)s") % {"name": entry.programme.name},
            detail=entry.operator.name,
            badge="info",
        )
        if entry.exited_on:
            yield Entry(
                at=_at(entry.exited_on),
                kind="programme",
                title=_("Sortie du programme %(name)s") % {"name": entry.programme.name},
                detail=str(entry.get_outcome_display()),
            )
