"""The agreement, its action plan, its committees and meetings, and the annual bilan."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import months_after
from core.timestamps import Updated
from core.validators import BOUNDED_DATE
from partners.models import Department, DepartmentScopedQuerySet, Organisation

TERMINATION_NOTICE_MONTHS = 3


# Every governance row belongs to an agreement, hence to a department: ``visible_to(user)`` keeps
# the rows of the person's department (all for platform admins), as for the agreement itself.


class AgreementPartQuerySet(DepartmentScopedQuerySet):
    department_field = "agreement__department"


class MeetingQuerySet(DepartmentScopedQuerySet):
    department_field = "committee__agreement__department"


class MeetingPartQuerySet(DepartmentScopedQuerySet):
    department_field = "meeting__committee__agreement__department"


class IndicatorQuerySet(DepartmentScopedQuerySet):
    department_field = "action__agreement__department"


class IndicatorYearQuerySet(DepartmentScopedQuerySet):
    department_field = "indicator__action__agreement__department"


class Agreement(Updated):
    class Status(models.TextChoices):
        DRAFT = "draft", _("En préparation")
        IN_FORCE = "in_force", _("En vigueur")
        TERMINATED = "terminated", _("Résilié")
        EXPIRED = "expired", _("Échu")

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(_("intitulé"), max_length=300)
    national_framework = models.TextField(_("cadre national"), blank=True)
    signed_on = models.DateField(_("signé le"), null=True, blank=True, validators=BOUNDED_DATE)
    starts_on = models.DateField(_("en vigueur à partir du"), validators=BOUNDED_DATE)
    ends_on = models.DateField(_("jusqu'au"), validators=BOUNDED_DATE)
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    termination_notice_on = models.DateField(
        _("préavis de résiliation reçu le"), null=True, blank=True, validators=BOUNDED_DATE
    )
    # The termination (art. 9): who asked, the registered letter, the national signatories' say.
    termination_requested_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signataire demandant la résiliation"),
    )
    termination_letter_reference = models.CharField(
        _("référence de la lettre recommandée"), max_length=100, blank=True
    )
    termination_national_agreement = models.BooleanField(
        _("accord des signataires de l'accord-cadre national"), default=False
    )
    # The agreement this one renews (the renewal assistant's draft for the next period).
    renews = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("renouvelle l'accord"),
    )

    objects = DepartmentScopedQuerySet.as_manager()

    class Meta:
        ordering = ["department__code", "-starts_on"]
        verbose_name = _("accord départemental")
        indexes = [models.Index(fields=["updated_at", "id"], name="agreement_sync_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="agreement_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def termination_effective_on(self):
        """Termination takes effect three months after the notice (registered letter)."""
        if self.termination_notice_on is None:
            return None
        return months_after(self.termination_notice_on, TERMINATION_NOTICE_MONTHS)


class Axis(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="axes")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    objects = AgreementPartQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="axis_unique_number")
        ]

    def __str__(self):
        return f"Axe {self.number} — {self.title}"


class Signatory(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    representative = models.CharField(_("représentant"), max_length=200)
    representative_title = models.CharField(_("qualité"), max_length=300)
    signed_on = models.DateField(_("signé le"), null=True, blank=True, validators=BOUNDED_DATE)

    objects = AgreementPartQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "pk"]
        verbose_name = _("signataire")

    def __str__(self):
        return f"{self.organisation} — {self.representative}"


class Amendment(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("numéro"))
    signed_on = models.DateField(_("date"), validators=BOUNDED_DATE)
    summary = models.TextField(_("objet"))
    document = models.FileField(_("document"), upload_to="amendments/", blank=True)

    objects = AgreementPartQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("avenant")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="amendment_unique_number")
        ]

    def __str__(self):
        return f"Avenant n° {self.number}"


class Action(models.Model):
    """An action of the plan d'actions."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Réalisée")
        ABANDONED = "abandoned", _("Abandonnée")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="actions")
    axis = models.ForeignKey(Axis, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("pilote")
    )
    partner_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("partenaires")
    )
    starts_on = models.DateField(_("début"), validators=BOUNDED_DATE)
    ends_on = models.DateField(_("fin"), null=True, blank=True, validators=BOUNDED_DATE)
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )

    objects = AgreementPartQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "axis__number", "pk"]
        verbose_name = _("action")

    def __str__(self):
        return self.title


class Indicator(models.Model):
    class Source(models.TextChoices):
        COMPUTED = "computed", _("Calculé par Passerelle")
        MANUAL = "manual", _("Saisi")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicateur"), max_length=300)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # For computed indicators: the key of a figure of governance.statistics.
    statistic = models.CharField(_("statistique"), max_length=60, blank=True)
    unit = models.CharField(_("unité"), max_length=30, blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["action", "pk"]
        verbose_name = _("indicateur")
        constraints = [
            models.CheckConstraint(
                condition=Q(source="manual", statistic="") | Q(source="computed", statistic__gt=""),
                name="indicator_statistic_iff_computed",
            )
        ]

    def __str__(self):
        return self.name


class IndicatorYear(models.Model):
    """The target of an indicator for a year, and its value when entered by hand."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("année"))
    target = models.DecimalField(_("cible"), max_digits=12, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(
        _("valeur saisie"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("commentaire"), blank=True)

    objects = IndicatorYearQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_year_unique")
        ]

    def __str__(self):
        return f"{self.indicator} {self.year}"


class Committee(models.Model):
    class Kind(models.TextChoices):
        COPIL = "copil", _("Comité de pilotage (COPIL)")
        TECHNICAL = "technical", _("Comité technique")
        THEMATIC = "thematic", _("Groupe thématique")

    # Meetings required each year (Paris agreement, article 5); thematic groups have no cadence.
    REQUIRED_PER_YEAR = {Kind.COPIL: 2, Kind.TECHNICAL: 3, Kind.THEMATIC: 0}
    # Every agreement has these two (``actions.ensure_committees``); thematic groups are added.
    STANDING_KINDS = (Kind.COPIL, Kind.TECHNICAL)

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="committees")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    # A thematic group's theme (article 5: thematic follow-up), e.g. "Femmes", "Jeunes".
    name = models.CharField(_("thème"), max_length=200, blank=True)
    chair = models.CharField(_("présidence"), max_length=200, blank=True)

    objects = AgreementPartQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "kind", "name"]
        verbose_name = _("comité")
        constraints = [
            # One COPIL and one comité technique per agreement; as many thematic groups as themes.
            models.UniqueConstraint(
                fields=["agreement", "kind"],
                condition=~Q(kind="thematic"),
                name="committee_unique_standing_kind",
            ),
            models.UniqueConstraint(
                fields=["agreement", "name"],
                condition=Q(kind="thematic"),
                name="committee_unique_theme",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.THEMATIC and self.name:
            return f"{self.get_kind_display()} « {self.name} »"
        return self.get_kind_display()

    @property
    def required_per_year(self):
        return self.REQUIRED_PER_YEAR[self.kind]


class Meeting(Updated):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        HELD = "held", _("Tenue")
        CANCELLED = "cancelled", _("Annulée")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateTimeField(_("date"), validators=BOUNDED_DATE)
    place = models.CharField(_("lieu"), max_length=300)
    agenda = models.TextField(_("ordre du jour"), blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    invited = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("invités")
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("réunion")
        indexes = [models.Index(fields=["updated_at", "id"], name="meeting_sync_idx")]

    def __str__(self):
        return f"{self.committee} du {timezone.localtime(self.date):%d/%m/%Y}"


class Attendance(models.Model):
    class Presence(models.TextChoices):
        PRESENT = "present", _("Présent")
        EXCUSED = "excused", _("Excusé")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    presence = models.CharField(_("présence"), max_length=10, choices=Presence.choices)
    representative = models.CharField(_("représenté par"), max_length=200, blank=True)

    objects = MeetingPartQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="attendance_unique_organisation"
            )
        ]

    def __str__(self):
        return f"{self.organisation} : {self.get_presence_display()}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("décision"))

    objects = MeetingPartQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("décision")

    def __str__(self):
        return self.text[:60]


class FollowUpItem(models.Model):
    """A follow-up item decided in a meeting (relevé de décisions)."""

    class Status(models.TextChoices):
        OPEN = "open", _("À faire")
        DONE = "done", _("Fait")
        DROPPED = "dropped", _("Abandonné")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_up_items")
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    description = models.TextField(_("action de suivi"))
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsable")
    )
    due_on = models.DateField(_("échéance"), validators=BOUNDED_DATE)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # The day of the last change of status: the bilan of a past year shows the items open at
    # the end of that year, not today's.
    status_changed_on = models.DateField(_("état changé le"), null=True, blank=True)

    objects = MeetingPartQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action de suivi")

    def __str__(self):
        return self.description[:60]


# The bilan, the meeting pack and the life of the partnership (activities, news, programmes):
# modules of their own, registered here.
from .bilan.models import (  # noqa: E402, F401
    ActionYear,
    AnnualReport,
    AnnualReportQuerySet,
    BilanDraft,
    ReportFrozen,
)
from .life.models import (  # noqa: E402, F401
    Activity,
    DigestOptOut,
    News,
    Programme,
    ProgrammeEntry,
)
from .packs.models import MeetingPack  # noqa: E402, F401
