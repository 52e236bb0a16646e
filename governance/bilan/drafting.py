"""Writing the year's bilan before it is generated: each action's lead organisation enters the
values of its manual indicators and its comments; the comité technique (the coordinators)
writes the summary and the highlights. The generated PDF prints them.

Straight-line actions: check, write, audit. Nothing may change once the year's bilan is
validated by the COPIL.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.audit import Action as AuditAction
from partners.audit import record
from partners.roles import Cap, has_capability

from ..models import ActionYear, AnnualReport, BilanDraft, Indicator, IndicatorYear


class DraftError(Exception):
    """A change refused; the message is French, for the person."""


def may_write_summary(user):
    return has_capability(user, Cap.REPORT_REQUEST)


def may_contribute(user, action):
    """The action's lead organisation, and the coordinators."""
    if may_write_summary(user):
        return True
    membership = getattr(user, "active_membership", None)
    return membership is not None and membership.organisation_id == action.lead_organisation_id


def _check_open(agreement_id, year):
    if AnnualReport.objects.filter(
        agreement_id=agreement_id, year=year, status=AnnualReport.Status.VALIDATED
    ).exists():
        raise DraftError(
            _("Le bilan %(year)s est validé par le COPIL : sa rédaction est close.")
            % {"year": year}
        )


@transaction.atomic
def save_contribution(user, action, year, comment, indicators):
    """``indicators``: {indicator id: (value or None, comment)}; the value is kept for manual
    indicators only (a computed one is Passerelle's)."""
    if not may_contribute(user, action):
        raise DraftError(_("Seule l'organisation pilote de l'action peut la renseigner."))
    _check_open(action.agreement_id, year)
    ActionYear.objects.update_or_create(
        action=action,
        year=year,
        defaults={"comment": comment, "updated_by": user, "updated_at": timezone.now()},
    )
    for indicator in action.indicators.filter(pk__in=indicators):
        value, indicator_comment = indicators[indicator.pk]
        defaults = {"comment": indicator_comment}
        if indicator.source == Indicator.Source.MANUAL:
            defaults["value"] = value
        IndicatorYear.objects.update_or_create(indicator=indicator, year=year, defaults=defaults)
    record(user, AuditAction.UPDATE, "action_year", action.pk, detail=f"bilan {year}")


@transaction.atomic
def save_summary(user, agreement, year, summary, highlights):
    if not may_write_summary(user):
        raise DraftError(_("La synthèse est rédigée par le comité technique."))
    _check_open(agreement.pk, year)
    draft, _created = BilanDraft.objects.update_or_create(
        agreement=agreement,
        year=year,
        defaults={
            "summary": summary,
            "highlights": highlights,
            "updated_by": user,
            "updated_at": timezone.now(),
        },
    )
    record(user, AuditAction.UPDATE, "bilan_draft", draft.pk, detail=f"bilan {year}")
    return draft
