from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Case, ExpressionWrapper, Q, Value, When
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.dates import years_before
from core.publics import Public
from core.validators import BOUNDED_DATE


class Department(models.Model):
    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")

    def __str__(self):
        return f"{self.name} ({self.code})"


class OrganisationKind(models.TextChoices):
    OFII = "ofii", _("OFII (direction territoriale)")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    MISSION_LOCALE = "mission_locale", _("Mission Locale")
    CAP_EMPLOI = "cap_emploi", _("Cap emploi")
    PREFECTURE = "prefecture", _("Préfecture")
    DDETS = "ddets", _("DDETS / DRIEETS")
    CITY = "city", _("Collectivité")
    ASSOCIATION = "association", _("Association")
    EMPLOYER = "employer", _("Employeur")
    GEIQ = "geiq", _("GEIQ")
    OPCO = "opco", _("OPCO")
    BRANCH = "branch", _("Branche professionnelle")
    OTHER = "other", _("Autre")


# The employers' side of the directory (the refugees' page: employers, GEIQ, OPCO, branches).
EMPLOYER_KINDS = (
    OrganisationKind.EMPLOYER,
    OrganisationKind.GEIQ,
    OrganisationKind.OPCO,
    OrganisationKind.BRANCH,
)


class DepartmentScopedQuerySet(models.QuerySet):
    """Rows of a department: seen by everyone of that department (all, for platform admins)."""

    department_field = "department"

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        membership = user.active_membership
        if membership is None:
            return self.none()
        return self.filter(**{f"{self.department_field}_id": membership.organisation.department_id})


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("département"),
    )
    address = models.TextField(_("adresse"), blank=True)
    notification_email = models.EmailField(_("adresse de notification"), blank=True)
    receives_referrals = models.BooleanField(_("reçoit des orientations"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Keeps the department's base of social and partner resources (agreement, art. 2): set by
    # the coordinator; when no organisation of the department is named, France Travail keeps it
    # (``roles.may_keep_resources``).
    keeps_resources = models.BooleanField(_("tient la base de ressources"), default=False)

    objects = DepartmentScopedQuerySet.as_manager()

    class Meta:
        ordering = ["department__code", "name"]
        verbose_name = _("organisation")
        indexes = [models.Index(fields=["updated_at", "id"], name="organisation_sync_idx")]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="organisation_unique_name")
        ]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # The same normalisation as the lockout's (partners.accounts): one account, one counter.
        from .accounts import normalise_login

        return self.get(email__iexact=normalise_login(username))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("accès à l'administration"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    # The account of an organisation's information system: acts through service API tokens only.
    is_service = models.BooleanField(_("compte de service"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("utilisateur")

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @cached_property
    def active_membership(self):
        """The membership the person acts through (one active at a time), or None."""
        return (
            self.memberships.filter(is_active=True)
            .select_related("organisation__department")
            .first()
        )

    @property
    def organisation(self):
        membership = self.active_membership
        return membership.organisation if membership else None


class AdministeredQuerySet(models.QuerySet):
    """Rows of an organisation's administration (invitations, members): seen by the
    organisation's administrators (all, for platform admins)."""

    def scope(self, user):
        """The Q of the rows ``user`` may see, None for none (platform admins: see ``visible_to``)."""
        membership = user.active_membership
        if membership is None or not membership.is_admin:
            return None
        return Q(organisation_id=membership.organisation_id)

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        scope = self.scope(user)
        return self.none() if scope is None else self.filter(scope)


class MembershipQuerySet(AdministeredQuerySet):
    """A person also sees their own memberships."""

    def scope(self, user):
        scope = super().scope(user)
        return Q(user=user) if scope is None else scope | Q(user=user)


class Membership(models.Model):
    """A person's place in an organisation. Deactivated, never deleted: history keeps its author."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    is_admin = models.BooleanField(_("administrateur de l'organisation"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    joined_at = models.DateTimeField(_("arrivé le"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "user"]
        verbose_name = _("appartenance")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_active=True), name="membership_one_active_per_user"
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, deactivated_at__isnull=True)
                | Q(is_active=False, deactivated_at__isnull=False),
                name="membership_deactivated_at_iff_inactive",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation}"


class AuditEntryQuerySet(models.QuerySet):
    def about(self, object_type, object_id):
        """Rows about one record: opened alone, or shown in a list, a panel or an export."""
        object_id = str(object_id)
        return self.filter(object_type=object_type).filter(
            Q(object_id=object_id) | Q(object_ids__contains=f",{object_id},")
        )


class AuditEntry(models.Model):
    """Who read or changed which personal record, when, and for which organisation.

    Holds identifiers only, never the personal data itself.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("consultation")
        LIST = "list", _("liste")
        CREATE = "create", _("création")
        UPDATE = "update", _("modification")
        EXPORT = "export", _("export")
        DOWNLOAD = "download", _("téléchargement")
        ANONYMISE = "anonymise", _("anonymisation")
        TRANSITION = "transition", _("changement d'état")
        # Authentication and refusals (issue 11): no personal data, the account's id at most.
        LOGIN = "login", _("connexion")
        LOGIN_FAILED = "login_failed", _("échec de connexion")
        LOCKOUT = "lockout", _("blocage du compte")
        LOGOUT = "logout", _("déconnexion")
        SECOND_FACTOR = "second_factor", _("second facteur")
        PASSWORD_RESET = "password_reset", _("réinitialisation du mot de passe")
        TOKEN_CREATE = "token_create", _("création de jeton d'API")
        TOKEN_REVOKE = "token_revoke", _("révocation de jeton d'API")
        REFUSED = "refused", _("accès refusé")

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("type d'objet"), max_length=50)
    object_id = models.CharField(_("identifiant"), max_length=50, blank=True)
    # A list, a panel or an export: the ids shown, in one row (",12,15,40,"), see ``about``.
    object_ids = models.TextField(_("identifiants affichés"), blank=True)
    channel = models.CharField(_("canal"), max_length=10, default="web")
    detail = models.CharField(_("détail"), max_length=255, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("entrée du journal d'accès")
        verbose_name_plural = _("journal d'accès")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        # Written once, never edited: the journal is evidence (only the retention purge deletes).
        if self.pk is not None and not self._state.adding:
            raise ValueError("An audit entry cannot be changed.")
        super().save(*args, **kwargs)

    @property
    def shown_ids(self):
        return [value for value in self.object_ids.split(",") if value]


class ServiceHeartbeat(models.Model):
    """Last sign of life of a background service (the Celery worker), shown by /health/."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


# --- The directory: contacts, offers, resources, trainings (Paris agreement, article 2) ----------


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
        from .choices import levels_at_most

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
        from .choices import LANGUAGE_NAMES

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


class Invitation(models.Model):
    """An invitation to join an organisation, sent by e-mail as a link with a secret token.

    Only a SHA-256 digest of the token is stored: the link itself exists only in the e-mail.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("adresse électronique"))
    is_admin = models.BooleanField(_("administrateur de l'organisation"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AdministeredQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, accepted_by__isnull=True)
                | Q(accepted_at__isnull=False, accepted_by__isnull=False),
                name="invitation_accepted_by_iff_accepted",
            )
        ]

    def __str__(self):
        return f"invitation {self.pk} → {self.organisation_id}"

    @property
    def is_pending(self):
        return self.accepted_at is None and self.expires_at > timezone.now()


# Signing in: API tokens and ProConnect identities (a module of their own, registered here).
from .auth_models import ApiToken, ProConnectIdentity  # noqa: E402, F401

# The employers' partnership records (a module of their own, registered here).
from .employers import EmployerPartnership  # noqa: E402, F401

# The export jobs of long lists (their own module: this one is long enough).
from .export_jobs import ExportJob  # noqa: E402, F401
