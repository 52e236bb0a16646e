"""What changes in the life of the partnership: one straight-line function per change (check,
write, audit, effects on commit). Refusals raise ``LifeError`` (a French message for the page) or
``ValidationError`` (field errors)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.actions import touch
from partners.audit import Action as AuditAction
from partners.audit import record
from partners.roles import Cap, has_capability
from referrals.messaging import check_upload
from referrals.states import may_follow_up

from ..actions import ensure_committees
from ..models import Agreement, Axis, Committee, Signatory
from .models import Activity, DigestOptOut, News, ProgrammeEntry


class LifeError(Exception):
    """A change that is not allowed; its message is shown to the person."""


def _organisation(user):
    membership = getattr(user, "active_membership", None)
    return membership.organisation if membership else None


def is_signatory(user, agreement):
    organisation = _organisation(user)
    return (
        organisation is not None
        and agreement.signatories.filter(organisation=organisation).exists()
    )


def may_record_activity(user, agreement):
    """The coordination, and the members of the agreement's signatories."""
    return has_capability(user, Cap.GOVERNANCE_EDIT) or is_signatory(user, agreement)


# --- Partnership activities (art. 2 and 3.2) ---------------------------------------------------


@transaction.atomic
def record_activity(user, agreement, fields, organisations):
    """A dated activity between agents of the partners (no person named)."""
    if not may_record_activity(user, agreement):
        raise LifeError(_("Seuls la coordination et les signataires enregistrent une activité."))
    organisations = list(organisations)
    if not organisations:
        raise ValidationError({"organisations": _("Choisissez au moins une organisation.")})
    if any(o.department_id != agreement.department_id for o in organisations):
        raise ValidationError({"organisations": _("Choisissez des organisations du département.")})
    activity = Activity.objects.create(agreement=agreement, recorded_by=user, **fields)
    activity.organisations.set(organisations)
    record(user, AuditAction.CREATE, "activity", activity.pk, detail=activity.kind)
    return activity


# --- Thematic groups (art. 5) ------------------------------------------------------------------


@transaction.atomic
def add_thematic_group(user, agreement_id, name, chair=""):
    if not has_capability(user, Cap.GOVERNANCE_EDIT):
        raise LifeError(_("Seule la coordination crée un groupe thématique."))
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    name = name.strip()
    if agreement.committees.filter(kind=Committee.Kind.THEMATIC, name__iexact=name).exists():
        raise ValidationError({"name": _("Un groupe thématique porte déjà ce thème.")})
    committee = Committee.objects.create(
        agreement=agreement, kind=Committee.Kind.THEMATIC, name=name, chair=chair
    )
    record(user, AuditAction.CREATE, "committee", committee.pk, detail="thematic")
    return committee


# --- News to the networks (art. 6) -----------------------------------------------------------


def may_publish(user):
    """The coordination and the members of a signatory of an agreement of their department."""
    if has_capability(user, Cap.GOVERNANCE_EDIT):
        return True
    organisation = _organisation(user)
    return (
        organisation is not None
        and Signatory.objects.filter(
            organisation=organisation, agreement__department_id=organisation.department_id
        ).exists()
    )


def publish_news(user, *, title, text, to_all=True, audience=(), upload=None):
    """A short news item to all the partners of the department, or some of them."""
    if not may_publish(user):
        raise LifeError(_("Seuls la coordination et les signataires publient une actualité."))
    organisation = _organisation(user)
    audience = list(audience)
    if not to_all and not audience:
        raise ValidationError({"audience": _("Choisissez les destinataires, ou « à tous ».")})
    if any(o.department_id != organisation.department_id for o in audience):
        raise ValidationError({"audience": _("Choisissez des organisations du département.")})
    content_type = check_upload(upload, "document") if upload is not None else ""
    with transaction.atomic():
        news = News(
            department_id=organisation.department_id,
            author_organisation=organisation,
            author=user,
            title=title,
            text=text,
            to_all=to_all,
            document_type=content_type,
        )
        if upload is not None:
            news.document.save("document", upload, save=False)
        news.save()
        news.audience.set([] if to_all else audience)
        record(user, AuditAction.CREATE, "news", news.pk)
    return news


@transaction.atomic
def set_digest(user, receive):
    """The person receives the monthly digest of news (``receive``) or opts out."""
    if receive:
        DigestOptOut.objects.filter(user=user).delete()
    else:
        DigestOptOut.objects.get_or_create(user=user)


# --- Programme entries --------------------------------------------------------------------------


def may_record_entry(user, beneficiary, referral=None):
    """A counsellor on a referral it follows, or the OFII that holds the file."""
    if referral is not None:
        return referral.beneficiary_id == beneficiary.pk and may_follow_up(user, referral)
    return has_capability(user, Cap.BENEFICIARY_EDIT)


def _check_dates(entered_on, exited_on=None):
    today = timezone.localdate()
    if entered_on > today:
        raise ValidationError({"entered_on": _("La date d'entrée ne peut pas être dans le futur.")})
    if exited_on is not None:
        if exited_on < entered_on:
            raise ValidationError({"exited_on": _("La sortie suit l'entrée.")})
        if exited_on > today:
            raise ValidationError({"exited_on": _("La date de sortie ne peut pas être future.")})


@transaction.atomic
def record_programme_entry(user, beneficiary, *, programme, operator, entered_on, referral=None):
    """A person's entry into a programme (on the timeline, counted in the statistics)."""
    if not may_record_entry(user, beneficiary, referral):
        raise LifeError(_("Vous ne pouvez pas enregistrer d'entrée en programme pour ce dossier."))
    organisation = _organisation(user)
    department_id = organisation.department_id if organisation else programme.department_id
    if programme.department_id != department_id:
        raise ValidationError({"programme": _("Choisissez un programme du département.")})
    if operator.department_id != department_id:
        raise ValidationError({"operator": _("Choisissez un opérateur du département.")})
    _check_dates(entered_on)
    entry = ProgrammeEntry.objects.create(
        beneficiary=beneficiary,
        programme=programme,
        operator=operator,
        entered_on=entered_on,
        referral=referral,
        recorded_by=user,
        organisation=organisation,
    )
    touch(beneficiary.pk)
    record(user, AuditAction.UPDATE, "beneficiary", beneficiary.pk, detail="programme_entry")
    return entry


@transaction.atomic
def record_programme_exit(user, entry, *, exited_on, outcome):
    entry = ProgrammeEntry.objects.select_for_update().get(pk=entry.pk)
    if not may_record_entry(user, entry.beneficiary, entry.referral):
        raise LifeError(_("Vous ne pouvez pas enregistrer la sortie de ce programme."))
    if outcome not in ProgrammeEntry.Outcome.values:
        raise ValidationError({"outcome": _("Choisissez l'issue du programme.")})
    _check_dates(entry.entered_on, exited_on)
    entry.exited_on, entry.outcome = exited_on, outcome
    entry.save(update_fields=["exited_on", "outcome"])
    touch(entry.beneficiary_id)
    record(user, AuditAction.UPDATE, "beneficiary", entry.beneficiary_id, detail="programme_exit")
    return entry


# --- The agreement's lifecycle: termination and renewal ----------------------------------------


@transaction.atomic
def terminate(user, agreement_id, *, notice_on, requested_by, letter_reference, national_agreement):
    """Records a termination (art. 9): the requesting signatory, the registered letter, the
    national signatories' agreement. Returns (agreement, warning): the warning says when the
    termination would take effect after the agreement's own end."""
    if not has_capability(user, Cap.GOVERNANCE_EDIT):
        raise LifeError(_("Seule la coordination enregistre une résiliation."))
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    if agreement.status not in (Agreement.Status.IN_FORCE, Agreement.Status.DRAFT):
        raise LifeError(_("Cet accord n'est plus en vigueur."))
    if not agreement.signatories.filter(organisation=requested_by).exists():
        raise ValidationError({"requested_by": _("Choisissez un signataire de l'accord.")})
    if not national_agreement:
        raise ValidationError(
            {
                "national_agreement": _(
                    "La résiliation requiert l'accord des signataires de l'accord-cadre national."
                )
            }
        )
    agreement.termination_notice_on = notice_on
    agreement.termination_requested_by = requested_by
    agreement.termination_letter_reference = letter_reference
    agreement.termination_national_agreement = True
    agreement.save(
        update_fields=[
            "termination_notice_on",
            "termination_requested_by",
            "termination_letter_reference",
            "termination_national_agreement",
        ]
    )
    record(user, AuditAction.UPDATE, "agreement", agreement.pk, detail="termination")
    warning = None
    if agreement.termination_effective_on > agreement.ends_on:
        warning = _(
            "La résiliation prendrait effet le %(effective)s, après la fin de l'accord "
            "(%(end)s) : l'accord prend fin à son terme."
        ) % {
            "effective": agreement.termination_effective_on.strftime("%d/%m/%Y"),
            "end": agreement.ends_on.strftime("%d/%m/%Y"),
        }
    return agreement, warning


@transaction.atomic
def renew(user, agreement_id):
    """A draft agreement for the next period with the signatories, axes and actions of this one
    (signature dates left blank, actions planned, indicators and their targets left to set)."""
    if not has_capability(user, Cap.GOVERNANCE_EDIT):
        raise LifeError(_("Seule la coordination prépare le renouvellement."))
    source = Agreement.objects.select_for_update().get(pk=agreement_id)
    starts_on = source.ends_on + timedelta(days=1)
    length = relativedelta(source.ends_on + timedelta(days=1), source.starts_on)
    draft = Agreement.objects.create(
        department=source.department,
        title=source.title,
        national_framework=source.national_framework,
        starts_on=starts_on,
        ends_on=starts_on + length - timedelta(days=1),
        status=Agreement.Status.DRAFT,
        renews=source,
    )
    ensure_committees(draft)
    for signatory in source.signatories.all():
        Signatory.objects.create(
            agreement=draft,
            organisation_id=signatory.organisation_id,
            representative=signatory.representative,
            representative_title=signatory.representative_title,
        )
    axes = {}
    for axis in source.axes.all():
        axes[axis.pk] = Axis.objects.create(
            agreement=draft, number=axis.number, title=axis.title, description=axis.description
        )
    for action in source.actions.prefetch_related("partner_organisations"):
        copy = draft.actions.create(
            axis=axes[action.axis_id],
            title=action.title,
            description=action.description,
            lead_organisation_id=action.lead_organisation_id,
            starts_on=starts_on,
            status=action.Status.PLANNED,
        )
        copy.partner_organisations.set(action.partner_organisations.all())
    record(user, AuditAction.CREATE, "agreement", draft.pk, detail=f"renews {source.pk}")
    return draft
