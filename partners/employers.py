"""Employers in the directory (kinds employer, GEIQ, OPCO, branch): their partnership record with
the agreement. Their job and immersion offers are ``ServiceOffer`` rows of kind job/immersion."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import BOUNDED_DATE

from .models import ContactQuerySet, Organisation


class EmployerPartnership(models.Model):
    """An employer's partnership with the agreement: its convention and what it commits to."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="partnership"
    )
    convention_signed = models.BooleanField(_("convention signée"), default=False)
    signed_on = models.DateField(_("signée le"), null=True, blank=True, validators=BOUNDED_DATE)
    recruitments = models.PositiveIntegerField(_("recrutements prévus"), null=True, blank=True)
    immersions = models.PositiveIntegerField(_("immersions prévues"), null=True, blank=True)
    trainings = models.PositiveIntegerField(_("formations prévues"), null=True, blank=True)
    notes = models.TextField(_("engagements"), blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), default=timezone.now)

    objects = ContactQuerySet.as_manager()  # scoped through the organisation, as contacts

    class Meta:
        verbose_name = _("partenariat employeur")
        constraints = [
            models.CheckConstraint(
                condition=Q(convention_signed=False, signed_on__isnull=True)
                | Q(convention_signed=True, signed_on__isnull=False),
                name="employer_partnership_signed_on_iff_signed",
            )
        ]

    def __str__(self):
        return f"{self.organisation}"
