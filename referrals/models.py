"""The orientation from OFII to a partner, its immutable event log, and the follow-ups.

Statuses change only through ``referrals.actions`` (one function per transition, checked
against the rules of ``referrals.states``); nothing else saves a status.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from core.validators import BOUNDED_DATE
from partners.models import Organisation, ServiceOffer
from partners.roles import Role, role_of

from .storage import document_path, private_storage


class Status(models.TextChoices):
    PENDING = "pending", _("En attente de réponse")
    UNDER_REVIEW = "under_review", _("À l'étude")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    REDIRECTED = "redirected", _("Réorientée")
    CANCELLED = "cancelled", _("Annulée")
    IN_PROGRESS = "in_progress", _("Accompagnement en cours")
    CLOSED = "closed", _("Clôturée")


# Waiting for the partner's answer: the answer deadline runs (being examined does not stop it).
AWAITING_ANSWER_STATUSES = (Status.PENDING, Status.UNDER_REVIEW)
OPEN_STATUSES = (*AWAITING_ANSWER_STATUSES, Status.ACCEPTED, Status.IN_PROGRESS)
# The partner follows the person: the caseload ("Mes accompagnements").
FOLLOWED_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS)
# Every referral the partner accepted, whatever became of it since: the partner follows the person
# (follow-ups may be added).
ACCEPTED_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS, Status.CLOSED)
# Turned down by the partner: the sender has to orient the person again.
NOT_TAKEN_STATUSES = (Status.REFUSED, Status.REDIRECTED)
ANSWERED_STATUSES = (
    Status.ACCEPTED,
    Status.REFUSED,
    Status.REDIRECTED,
    Status.IN_PROGRESS,
    Status.CLOSED,
)


class RefusalReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("Hors du public de notre offre")
    ALREADY_FOLLOWED = "already_followed", _("Déjà suivi ailleurs")
    UNREACHABLE = "unreachable", _("Injoignable")
    DECLINED = "declined", _("Refus de la personne")
    DUPLICATE = "duplicate", _("Doublon")
    OTHER = "other", _("Autre (préciser)")


class Outcome(models.TextChoices):
    JOB_DURABLE = "job_durable", _("Emploi durable (CDI, CDD de 6 mois ou plus)")
    JOB_TEMPORARY = "job_temporary", _("Emploi temporaire")
    TRAINING_LANGUAGE = "training_language", _("Formation linguistique")
    TRAINING_VOCATIONAL = "training_vocational", _("Formation qualifiante")
    BUSINESS_CREATION = "business_creation", _("Création d'entreprise")
    LEFT_TERRITORY = "left_territory", _("Départ du territoire")
    LOST_CONTACT = "lost_contact", _("Perdu de vue")
    OTHER = "other", _("Autre")


# The outcomes that are a job: they may name the employer.
JOB_OUTCOMES = (Outcome.JOB_DURABLE, Outcome.JOB_TEMPORARY)


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scope of referrals (DESIGN.md §4): OFII sees those its organisation sent,
        a receiving partner those addressed to its organisation; nobody else sees any."""
        role = role_of(user)
        if role == Role.OFII:
            return self.filter(from_organisation_id=user.active_membership.organisation_id)
        if role == Role.RECEIVER:
            return self.filter(to_organisation_id=user.active_membership.organisation_id)
        return self.none()

    def repairable_by(self, user):
        """The platform admin's repair pages (partners/admin_repair.py): the referrals of files
        not anonymised, for a platform administrator only; nothing for anyone else."""
        if role_of(user) != Role.PLATFORM_ADMIN:
            return self.none()
        return self.filter(beneficiary__anonymised_at__isnull=True)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def awaiting_answer(self):
        return self.filter(status__in=AWAITING_ANSWER_STATUSES)

    def overdue(self, now=None):
        return self.awaiting_answer().filter(answer_due_at__lt=now or timezone.now())

    def unanswered(self):
        """Escalated: still awaiting an answer well past the deadline ("sans réponse" for the
        préfecture). Nothing expires by itself: the flag goes once the partner answers."""
        return self.awaiting_answer().filter(escalated_at__isnull=False)


class Referral(models.Model):
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sent_referrals"
    )
    to_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="received_referrals",
        verbose_name=_("partenaire"),
    )
    service_offer = models.ForeignKey(
        ServiceOffer, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("conseiller référent"),
    )
    reason = models.CharField(_("motif"), max_length=255)
    note = models.TextField(_("note pour le partenaire"), blank=True)
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    answer_due_at = models.DateTimeField(_("réponse attendue avant le"))
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    appointment_at = models.DateTimeField(
        _("rendez-vous prévu le"), null=True, blank=True, validators=BOUNDED_DATE
    )
    first_appointment_at = models.DateTimeField(
        _("premier rendez-vous tenu le"), null=True, blank=True, validators=BOUNDED_DATE
    )
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    refusal_reason = models.CharField(
        _("motif du refus"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_comment = models.TextField(_("commentaire du refus"), blank=True)
    outcome = models.CharField(_("issue"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_date = models.DateField(
        _("date de l'issue"), null=True, blank=True, validators=BOUNDED_DATE
    )
    # A job outcome may name the employer (an employer, GEIQ, OPCO or branch of the directory).
    outcome_employer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hired_referrals",
        verbose_name=_("employeur"),
    )
    redirected_to = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="redirected_from"
    )
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    # Still unanswered N working days after the deadline: flagged to the sender (tasks.escalate).
    escalated_at = models.DateTimeField(_("signalée sans réponse le"), null=True, blank=True)
    # The e-mail reminding the person of the first appointment (tasks.remind_people).
    person_reminder_sent_at = models.DateTimeField(
        _("rappel envoyé à la personne le"), null=True, blank=True
    )
    # Incremental sync (API ``updated_since``): written by every save.
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("orientation")
        indexes = [
            models.Index(fields=["to_organisation", "status", "answer_due_at"]),
            models.Index(fields=["from_organisation", "status"]),
            models.Index(fields=["from_organisation", "sent_at"], name="referral_from_sent"),
            models.Index(fields=["to_organisation", "sent_at"], name="referral_to_sent"),
            models.Index(fields=["updated_at", "id"], name="referral_sync_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "to_organisation"],
                condition=Q(status__in=OPEN_STATUSES),
                name="referral_one_open_per_person_and_partner",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ANSWERED_STATUSES, answered_at__isnull=False)
                | (~Q(status__in=ANSWERED_STATUSES) & Q(answered_at__isnull=True)),
                name="referral_answered_at_iff_answered",
            ),
            models.CheckConstraint(
                condition=Q(
                    status=Status.CLOSED,
                    outcome__gt="",
                    outcome_date__isnull=False,
                    closed_at__isnull=False,
                )
                | (
                    ~Q(status=Status.CLOSED)
                    & Q(outcome="", outcome_date__isnull=True, closed_at__isnull=True)
                ),
                name="referral_outcome_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.REFUSED, refusal_reason__gt="")
                | (~Q(status=Status.REFUSED) & Q(refusal_reason="")),
                name="referral_refusal_reason_iff_refused",
            ),
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")),
                name="referral_not_to_itself",
            ),
        ]

    def __str__(self):
        return f"Orientation {self.pk} → {self.to_organisation_id} ({self.status})"

    @property
    def is_overdue(self):
        return self.status in AWAITING_ANSWER_STATUSES and self.answer_due_at < timezone.now()

    @property
    def is_unanswered(self):
        return self.status in AWAITING_ANSWER_STATUSES and self.escalated_at is not None


class OfReferralQuerySet(models.QuerySet):
    """Records about a referral (its events, its follow-ups): seen with the referral."""

    def visible_to(self, user):
        return self.filter(referral__in=Referral.objects.visible_to(user))


class ReferralEvent(models.Model):
    """The immutable log of every transition, and of every assignment (``kind``; its status is
    unchanged: ``from_status == to_status``)."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("Changement d'état")
        ASSIGNED = "assigned", _("Attribution")

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TRANSITION)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    objects = OfReferralQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("événement d'orientation")

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        DIAGNOSTIC = "diagnostic", _("Diagnostic approfondi")
        ACCOMPANIMENT = "accompaniment", _("Entrée en accompagnement")
        FRENCH_TRAINING = "french_training", _("Formation complémentaire en français")
        QUALIFICATION_RECOGNITION = (
            "qualification_recognition",
            _("Reconnaissance des qualifications"),
        )
        TRAINING_ENTRY = "training_entry", _("Entrée en formation")
        JOB = "job", _("Emploi")
        NO_SHOW = "no_show", _("Absence au rendez-vous")
        OFFER_PROPOSED = "offer_proposed", _("Offre d'emploi ou d'immersion proposée")

    class Accompaniment(models.TextChoices):
        PPAE = "ppae", "PPAE"
        CEJ = "cej", _("Contrat d'engagement jeune")
        GLOBAL = "global", _("Accompagnement global")
        PLIE = "plie", "PLIE"
        OTHER = "other", _("Autre")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    accompaniment = models.CharField(
        _("type d'accompagnement"), max_length=10, choices=Accompaniment.choices, blank=True
    )
    happened_on = models.DateField(_("date"), validators=BOUNDED_DATE)
    # An employer's job or immersion offer proposed to the person (kind ``offer_proposed``).
    offer = models.ForeignKey(
        ServiceOffer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("offre proposée"),
    )
    comment = models.TextField(_("commentaire"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfReferralQuerySet.as_manager()

    class Meta:
        ordering = ["happened_on", "pk"]
        verbose_name = _("suivi")
        indexes = [models.Index(fields=["updated_at", "id"], name="followup_sync_idx")]

    def __str__(self):
        return self.get_kind_display()


class NotificationKind(models.TextChoices):
    NEW_REFERRAL = "new_referral", _("Nouvelle orientation reçue par mon organisation")
    REMINDER = "reminder", _("Relance : orientation sans réponse dans le délai")
    REFUSED = "refused", _("Refus d'une orientation que j'ai envoyée")
    REDIRECTED = "redirected", _("Réorientation d'une orientation que j'ai envoyée")
    ACCEPTED = "accepted", _("Acceptation d'une orientation que j'ai envoyée")
    STARTED = "started", _("Premier rendez-vous tenu pour une orientation que j'ai envoyée")
    CLOSED = "closed", _("Clôture, avec son issue, d'une orientation que j'ai envoyée")
    ESCALATED = "escalated", _("Orientation que j'ai envoyée restée sans réponse")
    NEW_MESSAGE = "new_message", _("Nouveau message sur une orientation")
    ASSIGNED = "assigned", _("Orientation qui m'est attribuée")


class NotificationOptOutQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person's notification choices: their own only."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class NotificationOptOut(models.Model):
    """A kind of e-mail a person chose not to receive (every kind is sent by default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)

    objects = NotificationOptOutQuerySet.as_manager()

    class Meta:
        verbose_name = _("désabonnement de notification")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_opt_out_unique")
        ]

    def __str__(self):
        return f"{self.user_id} ✗ {self.kind}"


# --- The caseload's settings, the thread and the documents of a referral ---------------------


class CaseloadSettingsQuerySet(models.QuerySet):
    def visible_to(self, user):
        membership = getattr(user, "active_membership", None)
        if membership is None:
            return self.none()
        return self.filter(organisation_id=membership.organisation_id)


class CaseloadSettings(models.Model):
    """A receiving organisation's caseload rule: after how many days without a follow-up a
    person is flagged (no row: ``DEFAULT_STALE_DAYS``)."""

    DEFAULT_STALE_DAYS = 90

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="caseload_settings"
    )
    stale_after_days = models.PositiveSmallIntegerField(
        _("sans suivi depuis (jours)"), default=DEFAULT_STALE_DAYS
    )

    objects = CaseloadSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("réglages des accompagnements")
        constraints = [
            models.CheckConstraint(
                condition=Q(stale_after_days__gte=7, stale_after_days__lte=730),
                name="caseload_stale_days_range",
            )
        ]

    def __str__(self):
        return f"{self.organisation_id}: {self.stale_after_days}"


class Message(models.Model):
    """A message on a referral, between its sending and its receiving organisation. ``read_at``:
    when the other organisation first opened the thread after it was written."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfReferralQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        indexes = [
            models.Index(fields=["referral", "read_at"]),
            models.Index(fields=["updated_at", "id"], name="message_sync_idx"),
        ]

    def __str__(self):
        return f"Message {self.pk} ({self.referral_id})"


class Document(models.Model):
    """A file on a referral (CV, certificate…), stored privately and served only by a scoped view.
    Erased (file and name) N months after the referral ends, and by the file's retention."""

    class Kind(models.TextChoices):
        CV = "cv", _("CV")
        FRENCH_CERTIFICATE = "french_certificate", _("Attestation de niveau de français")
        DIPLOMA = "diploma", _("Diplôme")
        ATTESTATION = "attestation", _("Attestation")
        OTHER = "other", _("Autre document")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(_("type de document"), max_length=20, choices=Kind.choices)
    # A random name in private storage; the name given by the uploader is kept apart.
    file = models.FileField(
        upload_to=document_path, storage=private_storage, max_length=200, blank=True
    )
    original_name = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(_("effacé le"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfReferralQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("document")
        indexes = [models.Index(fields=["updated_at", "id"], name="document_sync_idx")]

    def __str__(self):
        return f"Document {self.pk} ({self.referral_id})"

    @property
    def extension(self):
        return {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
            self.content_type, "bin"
        )
