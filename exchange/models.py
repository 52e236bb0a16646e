"""Data exchange with the partners' information systems (axis 3): tombstones for the incremental
sync, webhook endpoints and their deliveries, France Travail reconciliation runs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.timestamps import Updated
from partners.models import Department, Organisation
from partners.roles import Role, role_of

# --- Tombstones ------------------------------------------------------------------------------


class TombstoneQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A tombstone is seen by those who saw the record: the organisation it names, or, for a
        department-wide one (``organisation`` empty), the OFII of that department — and everyone
        of the department for the directory (offers, resources, trainings, organisations)."""
        role = role_of(user)
        membership = getattr(user, "active_membership", None)
        if membership is None or role not in (Role.OFII, Role.RECEIVER):
            return self.none()
        department_wide = Q(
            organisation__isnull=True, department_id=membership.organisation.department_id
        )
        if role != Role.OFII:
            department_wide &= Q(object_type__in=Tombstone.DIRECTORY_TYPES)
        return self.filter(Q(organisation_id=membership.organisation_id) | department_wide)


class Tombstone(models.Model):
    """A record deleted or anonymised: its type, its id and the date only (no personal data).
    One row per audience (an organisation, or the department)."""

    class Reason(models.TextChoices):
        DELETED = "deleted", _("Supprimé")
        ANONYMISED = "anonymised", _("Anonymisé")

    DIRECTORY_TYPES = ("organisation", "offer", "resource", "training")

    object_type = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=12, choices=Reason.choices)
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The moment of the deletion: the sync cursor orders tombstones by it, like the rows.
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TombstoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("trace de suppression")
        indexes = [models.Index(fields=["updated_at", "id"], name="tombstone_sync_idx")]

    def __str__(self):
        return f"{self.object_type} {self.object_id} {self.reason}"


# --- Webhooks --------------------------------------------------------------------------------


class Event(models.TextChoices):
    REFERRAL_SENT = "referral.sent", _("Orientation reçue par notre organisation")
    REFERRAL_ANSWERED = "referral.answered", _("Orientation acceptée, refusée ou réorientée")
    REFERRAL_CLOSED = "referral.closed", _("Orientation clôturée")
    MESSAGE_RECEIVED = "message.received", _("Message reçu sur une orientation")


class WebhookEndpointQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An organisation's endpoints: its administrators and its information system's service
        account."""
        membership = getattr(user, "active_membership", None)
        if membership is None or not (membership.is_admin or user.is_service):
            return self.none()
        return self.filter(organisation_id=membership.organisation_id)


class WebhookEndpoint(models.Model):
    """An HTTPS address of an organisation's information system, told of the events it chose.
    Deliveries are signed with ``secret`` (shown once, at registration)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("adresse (HTTPS)"), max_length=500)
    events = models.JSONField(_("événements"), default=list)
    secret = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("actif"), default=True)
    # Failed attempts in a row; WEBHOOK_MAX_FAILURES of them disable the endpoint.
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "pk"]
        verbose_name = _("point d'appel (webhook)")
        verbose_name_plural = _("points d'appel (webhooks)")

    def __str__(self):
        return f"webhook {self.pk} ({self.organisation_id})"

    def get_events_display(self):
        labels = dict(Event.choices)
        return [labels.get(code, code) for code in self.events]


class WebhookDeliveryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(endpoint__in=WebhookEndpoint.objects.visible_to(user))


class WebhookDelivery(models.Model):
    """One event sent to one endpoint (through the outbox: retried with backoff). ``payload``
    holds ids and states, never personal data."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        DELIVERED = "delivered", _("Remis")
        FAILED = "failed", _("Échec (nouvel essai prévu)")
        ABANDONED = "abandoned", _("Abandonné")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=30, choices=Event.choices)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("envoi de webhook")
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="delivery_endpoint_idx")]

    def __str__(self):
        return f"delivery {self.pk} {self.event} ({self.status})"


# --- France Travail reconciliation ------------------------------------------------------------


class ReconciliationRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        membership = getattr(user, "active_membership", None)
        if membership is None:
            return self.none()
        return self.filter(organisation_id=membership.organisation_id)


class ReconciliationRun(Updated):
    """France Travail's job-seeker list matched against the department's files: the counts only
    (the uploaded rows are erased in the same transaction as the match)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    uploaded = models.PositiveIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    # {"women": {"files": n, "registered": m}, …}
    by_public = models.JSONField(default=dict)
    duration_ms = models.PositiveIntegerField(default=0)

    objects = ReconciliationRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rapprochement France Travail")
        indexes = [models.Index(fields=["updated_at", "id"], name="reconciliation_sync_idx")]

    def __str__(self):
        return f"reconciliation {self.pk}"


class ReconciliationRow(models.Model):
    """One uploaded line, only while its run matches (deleted before the run's commit)."""

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="+")
    france_travail_id = models.CharField(max_length=20, blank=True, db_index=True)
    name_key = models.CharField(max_length=310, blank=True)
    birth_date = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["name_key", "birth_date"], name="reconciliation_name_idx")]

    def __str__(self):
        return f"line of run {self.run_id}"
