"""The departmental directory: contacts, service offers (with their review clock), shared
resources and training sessions."""

from django.db import models
from django.db.models import Case, ExpressionWrapper, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import years_before
from core.publics import Public
from core.validators import BOUNDED_DATE

from .organisations import Department, DepartmentScopedQuerySet, Organisation


class ContactQuerySet(DepartmentScopedQuerySet):
    department_field = "organisation__department"


class Contact(models.Model):
    """A named correspondent of an organisation, who need not be a user."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("nom"), max_length=200)
    role = models.CharField(
        _("rôle"), max_length=200, help_text=_("Référent de l'accord, des orientations…")
    )
    email = models.EmailField(_("adresse électronique"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("contact")

    def __str__(self):
        return f"{self.name} ({self.role})"


# Offers not reviewed for this long (a year, on the calendar) are flagged to their organisation.
OFFER_REVIEW_YEARS = 1


class ServiceOfferQuerySet(DepartmentScopedQuerySet):
    department_field = "organisation__department"

    def fitting(self, *, age=None, rqth=None, bpi=None, french_level=None, languages=None):
        """Active offers whose public admits a person with this profile, best fitted first.

        Each criterion left at None is not checked. The rule the referral recommendation uses:

        *Who is admitted* (filter): the age lies within the offer's bounds; an offer reserved to
        RQTH holders admits only them, one reserved to BPI only BPI; the person's French level is
        at least the offer's minimum.

        *Who comes first* (``fit_score``, highest first): an offer written for this person's
        specific public ranks before an offer open to everyone, because a partner that targets
        the public is the better entry point (under 26 → Mission Locale, RQTH → Cap emploi):

        - +4 when the offer is reserved to RQTH holders and the person has an RQTH;
        - +4 when the offer is reserved to BPI and the person is a BPI;
        - +3 when the offer has an upper age bound and the person is within it (an age band such
          as 16–25 targets young people; a mere minimum age such as 18 does not);
        - +1 for each of the offer's declared publics the person belongs to (``under_26``,
          ``rqth``, ``bpi``): an offer that names the public without restricting it to them
          still ranks before a generic one;
        - +1 when the offer's staff speaks one of ``languages`` (the person's, from the skills
          assessment) other than French.

        Ties keep the directory order (organisation name, then title). Call ``order_by()`` to
        drop the ranking, e.g. before ``distinct()``.
        """
        from ..choices import levels_at_most

        qs = self.filter(is_active=True)
        if age is not None:
            qs = qs.filter(Q(min_age__isnull=True) | Q(min_age__lte=age))
            qs = qs.filter(Q(max_age__isnull=True) | Q(max_age__gte=age))
        if rqth is not None and not rqth:
            qs = qs.filter(requires_rqth=False)
        if bpi is not None and not bpi:
            qs = qs.filter(bpi_only=False)
        if french_level:
            qs = qs.filter(
                Q(min_french_level="") | Q(min_french_level__in=levels_at_most(french_level))
            )
        return qs.ranked_for(age=age, rqth=rqth, bpi=bpi, languages=languages)

    def ranked_for(self, *, age=None, rqth=None, bpi=None, languages=None):
        """Annotates ``fit_score`` (see ``fitting``) and orders by it, best first."""
        terms = []

        def term(condition, points):
            terms.append(Case(When(condition, then=Value(points)), default=Value(0)))

        if rqth:
            term(Q(requires_rqth=True), 4)
            term(Q(publics__icontains='"rqth"'), 1)
        if bpi:
            term(Q(bpi_only=True), 4)
            term(Q(publics__icontains='"bpi"'), 1)
        if age is not None:
            term(Q(max_age__isnull=False, max_age__gte=age), 3)
            if age < 26:
                term(Q(publics__icontains='"under_26"'), 1)
        spoken = [code for code in languages or () if code != "fr"]
        if spoken:
            term(Q(*[Q(languages__icontains=f'"{code}"') for code in spoken], _connector=Q.OR), 1)
        score = sum(terms[1:], terms[0]) if terms else Value(0)
        return self.annotate(
            fit_score=ExpressionWrapper(score, output_field=models.IntegerField())
        ).order_by("-fit_score", "organisation__name", "title")

    def stale(self, today=None):
        """Offers not reviewed for twelve months or more: flagged to their organisation."""
        today = today or timezone.localdate()
        return self.filter(
            is_active=True, last_reviewed_on__lte=years_before(today, OFFER_REVIEW_YEARS)
        )


class OfferKind(models.TextChoices):
    SERVICE = "service", _("Offre de service")
    JOB = "job", _("Offre d'emploi")
    IMMERSION = "immersion", _("Offre d'immersion")


# The offers an employer opens to the public of the agreement, which counsellors may propose.
EMPLOYER_OFFER_KINDS = (OfferKind.JOB, OfferKind.IMMERSION)


class ServiceOffer(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(
        _("nature de l'offre"), max_length=10, choices=OfferKind.choices, default=OfferKind.SERVICE
    )
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    publics = models.JSONField(_("publics visés"), default=list, blank=True)  # Public codes
    min_age = models.PositiveSmallIntegerField(_("âge minimum"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("âge maximum"), null=True, blank=True)
    requires_rqth = models.BooleanField(_("réservé aux personnes RQTH"), default=False)
    bpi_only = models.BooleanField(_("réservé aux BPI"), default=False)
    min_french_level = models.CharField(_("niveau de français minimum"), max_length=4, blank=True)
    how_to_register = models.TextField(_("modalités d'inscription"), blank=True)
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    languages = models.JSONField(_("langues parlées"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_reviewed_on = models.DateField(_("dernière mise à jour"), default=timezone.localdate)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceOfferQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "title"]
        verbose_name = _("offre de service")
        indexes = [models.Index(fields=["updated_at", "id"], name="offer_sync_idx")]

    def __str__(self):
        return self.title

    @property
    def is_stale(self):
        return self.last_reviewed_on <= years_before(timezone.localdate(), OFFER_REVIEW_YEARS)

    def get_publics_display(self):
        labels = dict(Public.choices)
        return [labels.get(code, code) for code in self.publics]

    def get_languages_display(self):
        from ..choices import LANGUAGE_NAMES

        return [LANGUAGE_NAMES.get(code, code) for code in self.languages]


class ResourceCategory(models.TextChoices):
    HOUSING = "housing", _("Logement")
    HEALTH = "health", _("Santé")
    CHILDCARE = "childcare", _("Garde d'enfants")
    MOBILITY = "mobility", _("Mobilité")
    LEGAL = "legal", _("Accès aux droits")
    DIGITAL = "digital", _("Numérique")
    LANGUAGE = "language", _("Langue")
    OTHER = "other", _("Autre")


class ResourceQuerySet(DepartmentScopedQuerySet):
    def stale(self, today=None):
        """Resources not reviewed for twelve months or more: flagged to their keepers, as offers."""
        today = today or timezone.localdate()
        return self.filter(last_reviewed_on__lte=years_before(today, OFFER_REVIEW_YEARS))


class Resource(models.Model):
    """The base of social and partner resources for barriers to employment."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="resources")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="resources"
    )
    name = models.CharField(_("nom"), max_length=200)
    category = models.CharField(_("catégorie"), max_length=20, choices=ResourceCategory.choices)
    description = models.TextField(_("description"), blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    website = models.URLField(_("site"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_reviewed_on = models.DateField(_("dernière mise à jour"), default=timezone.localdate)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("ressource")
        indexes = [models.Index(fields=["updated_at", "id"], name="resource_sync_idx")]

    def __str__(self):
        return self.name

    @property
    def is_stale(self):
        return self.last_reviewed_on <= years_before(timezone.localdate(), OFFER_REVIEW_YEARS)


class TrainingOffer(models.Model):
    """French or vocational training; importable from CSV with a stable ``key`` per offer."""

    class Kind(models.TextChoices):
        FRENCH = "french", _("Français langue étrangère")
        VOCATIONAL = "vocational", _("Formation professionnelle")
        FRENCH_VOCATIONAL = "french_vocational", _("Français à visée professionnelle")

    class Certification(models.TextChoices):
        DCL = "DCL", "DCL"
        TCF = "TCF", "TCF"
        NONE = "none", _("Aucune")

    class Funder(models.TextChoices):
        OFII = "ofii", "OFII"
        BOP104 = "bop104", "BOP 104"
        OEPRE = "oepre", "OEPRE"
        REGION = "region", _("Région")
        FRANCE_TRAVAIL = "france_travail", "France Travail"
        OTHER = "other", _("Autre")

    key = models.CharField(_("référence"), max_length=80, unique=True)
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="trainings")
    provider = models.CharField(_("organisme"), max_length=200)
    title = models.CharField(_("intitulé"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    target_level = models.CharField(_("niveau CECRL visé"), max_length=4, blank=True)
    hours = models.PositiveIntegerField(_("heures"))
    certification = models.CharField(
        _("certification"), max_length=10, choices=Certification.choices, default=Certification.NONE
    )
    funder = models.CharField(_("financeur"), max_length=20, choices=Funder.choices)
    commune = models.CharField(_("commune"), max_length=100)
    employment_area = models.CharField(_("bassin d'emploi"), max_length=100, blank=True)
    starts_on = models.DateField(_("début"), validators=BOUNDED_DATE)
    ends_on = models.DateField(_("fin"), validators=BOUNDED_DATE)
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    # Counted down by the prescriptions that name the session (beneficiaries.actions).
    places_taken = models.PositiveIntegerField(_("places prescrites"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DepartmentScopedQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "title"]
        verbose_name = _("formation")
        indexes = [models.Index(fields=["updated_at", "id"], name="training_sync_idx")]

    def __str__(self):
        return self.title

    @property
    def places_left(self):
        """None when the session does not count its places."""
        if self.places is None:
            return None
        return max(self.places - self.places_taken, 0)
