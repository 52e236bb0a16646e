"""CSV and XLSX exports of a filtered list of referrals (same scope as the inbox)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import csv_bytes, xlsx_bytes
from partners import exports as export_jobs
from partners.roles import Cap, has_capability

from . import caseload
from .inbox import OPEN, apply_filters, for_list, overdue_first
from .models import Referral


def _local(value, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(value).strftime(fmt) if value else ""


def header():
    return [
        _("Identifiant"),
        _("N° OFII"),
        _("Nom"),
        _("Prénom"),
        _("Partenaire"),
        _("État"),
        _("Envoyée le"),
        _("Réponse attendue avant le"),
        _("En retard"),
        _("Répondue le"),
        _("Rendez-vous prévu le"),
        _("Premier rendez-vous tenu le"),
        _("Conseiller référent"),
        _("Motif du refus"),
        _("Issue"),
        _("Date de l'issue"),
        _("Motif de l'orientation"),
    ]


def rows(referrals):
    for r in referrals:
        b = r.beneficiary
        yield list(
            (
                r.pk,
                b.ofii_number,
                b.last_name,
                b.first_name,
                r.to_organisation.name,
                r.get_status_display(),
                _local(r.sent_at),
                _local(r.answer_due_at),
                _("oui") if r.is_overdue else _("non"),
                _local(r.answered_at),
                _local(r.appointment_at),
                _local(r.first_appointment_at),
                (r.assigned_to.get_full_name() or r.assigned_to.email) if r.assigned_to else "",
                r.get_refusal_reason_display(),
                r.get_outcome_display(),
                r.outcome_date.isoformat() if r.outcome_date else "",
                r.reason,
            )
        )


def to_csv(referrals):
    return csv_bytes([header(), *rows(referrals)])


def to_xlsx(referrals):
    return xlsx_bytes(_("Orientations"), [header(), *rows(referrals)])


def counsellors(user):
    """The receiving organisation's active members (the filters' choices), none for the sender."""
    if not has_capability(user, Cap.REFERRAL_ANSWER):
        return []
    return caseload.counsellors(user)


def filtered(user, params):
    """(queryset, form, counsellors): the scoped referrals filtered by the inbox's query string
    — the inbox, its exports and the export jobs share it."""
    from .forms import InboxFilterForm

    people = counsellors(user)
    # Without a query, the inbox (and so its export) shows the referrals still needing someone.
    form = InboxFilterForm(params or {"status": OPEN}, counsellors=people)
    qs = Referral.objects.visible_to(user)
    if form.is_bound and form.is_valid():
        qs = apply_filters(qs, form.cleaned_data)
    elif form.is_bound:
        qs = qs.none()
    return qs, form, people


SOURCE = export_jobs.Source(
    name="referrals",
    object_type="referral",
    title=gettext_lazy("Orientations"),
    file_stem="orientations",
    records=lambda user, params: for_list(overdue_first(filtered(user, params)[0])),
    header=header,
    row=lambda referral: next(rows([referral])),
)
