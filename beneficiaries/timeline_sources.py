"""This app's own timeline sources: the file, its interviews and its qualifications."""

from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from partners.roles import Cap, has_capability

from .models import SpeDecision
from .timeline import Entry, register


def at_day(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@register
def file_source(beneficiary, user):
    yield Entry(
        at=beneficiary.created_at,
        kind="file",
        title=_("Dossier créé"),
        detail=beneficiary.ofii_organisation.name,
    )
    if beneficiary.cir_signed_on:
        yield Entry(at=at_day(beneficiary.cir_signed_on), kind="file", title=_("CIR signé"))


@register
def interview_source(beneficiary, user):
    full = has_capability(user, Cap.BENEFICIARY_EDIT)
    for interview in beneficiary.interviews.all():
        parts = []
        if interview.written_level or interview.oral_level:
            parts.append(_("Français %(levels)s") % {"levels": interview.levels_display})
        if interview.prescribed_hours:
            parts.append(_("%(h)s h de français prescrites") % {"h": interview.prescribed_hours})
        if interview.training_offer_id:
            parts.append(_("session « %(title)s »") % {"title": interview.training_offer.title})
        if interview.spe_decision:
            parts.append(interview.get_spe_decision_display())
        if full and interview.professional_situation:
            parts.append(interview.professional_situation)
        yield Entry(
            at=at_day(interview.held_on),
            kind="interview",
            title=interview.get_kind_display(),
            detail=" · ".join(str(part) for part in parts),
            badge="success" if interview.spe_decision == SpeDecision.ORIENTED else "",
        )


@register
def qualification_source(beneficiary, user):
    for qualification in beneficiary.qualifications.all():
        detail = qualification.get_recognition_display()
        if qualification.result:
            detail += " · " + str(qualification.get_result_display())
        yield Entry(
            at=qualification.created_at,
            kind="qualification",
            title=_("Qualification : %(title)s") % {"title": qualification.title},
            detail=detail,
        )


@register
def liaison_sheet_source(beneficiary, user):
    for sheet in beneficiary.liaison_sheets.all():
        detail = sheet.partner_name
        if sheet.language:
            detail = f"{detail} · {sheet.language.upper()}" if detail else sheet.language.upper()
        yield Entry(
            at=sheet.printed_at,
            kind="liaison_sheet",
            title=_("Fiche de liaison remise à la personne"),
            detail=detail,
        )
