"""Filters of the directory, shared by the pages and the API (the same names in both).

Every filterset starts from a queryset already scoped with ``visible_to``: filters narrow a scope,
they never widen it. Unknown parameters are refused (``StrictFilterBackend``, ``validated``),
because django-filter ignores them silently and a misspelt filter would return everything.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from dsfr.forms import DsfrBaseForm
from rest_framework.exceptions import ValidationError

from core.publics import Public
from core.validators import INTEGER_MAX
from core.widgets import DateInput

from .choices import LANGUAGES, FrenchLevel, levels_at_most
from .models import (
    Department,
    Organisation,
    OrganisationKind,
    Resource,
    ResourceCategory,
    ServiceOffer,
    TrainingOffer,
)

# Parameters that are not filters: pagination (by page, or by cursor for a sync) and format.
NON_FILTER_PARAMETERS = {"page", "format", "updated_since", "cursor"}

YES_NO = [("true", _("oui")), ("false", _("non"))]


class FilterForm(DsfrBaseForm):
    """DSFR look for the filter forms (labels, classes)."""


def unknown_parameters(filterset_class, params):
    known = set(filterset_class.base_filters) | NON_FILTER_PARAMETERS
    return sorted(set(params) - known)


def validated(filterset):
    """Adds an error to the form for each unknown parameter; returns ``filterset.is_valid()``."""
    valid = filterset.is_valid()
    unknown = unknown_parameters(type(filterset), filterset.data)
    if unknown:
        filterset.form.add_error(
            None, _("Filtre inconnu : %(names)s.") % {"names": ", ".join(unknown)}
        )
        return False
    return valid


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, answering 400 on unknown parameters as well as invalid values."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            unknown = unknown_parameters(filterset_class, request.query_params)
            if unknown:
                raise ValidationError({name: [_("Filtre inconnu.")] for name in unknown})
        return super().filter_queryset(request, queryset, view)


def _true_or_false(value):
    return value == "true"


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class BooleanChoiceFilter(django_filters.TypedChoiceFilter):
    """``true`` / ``false`` in a select (the same values in the API and the page)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("", _("Indifférent")), *YES_NO])
        kwargs.setdefault("coerce", _true_or_false)
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)


def keyword(fields):
    def method(queryset, name, value):
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    return method


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Mot-clé"), method="filter_q")
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=OrganisationKind.choices, empty_label=_("Tous")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Département"),
        field_name="department",
        to_field_name="code",
        queryset=Department.objects.all(),
        empty_label=_("Tous"),
    )
    receives_referrals = BooleanChoiceFilter(label=_("Reçoit des orientations"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "department", "receives_referrals"]
        form = FilterForm

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if user is not None and not user.is_superuser:
            # Only one's own department is offered: the other departments do not even appear.
            membership = user.active_membership
            self.filters["department"].queryset = Department.objects.filter(
                pk=membership.organisation.department_id if membership else None
            )

    def filter_q(self, queryset, name, value):
        return keyword(["name", "address"])(queryset, name, value)


class ServiceOfferFilter(django_filters.FilterSet):
    """Search of offers. ``age``, ``rqth``, ``bpi`` and ``french_level`` form the profile check:
    together they go through ``ServiceOffer.objects.fitting`` (admission and ranking)."""

    q = django_filters.CharFilter(label=_("Mot-clé"), method="filter_q")
    kind = django_filters.ChoiceFilter(
        label=_("Type de partenaire"),
        field_name="organisation__kind",
        choices=OrganisationKind.choices,
        empty_label=_("Tous"),
    )
    organisation = django_filters.NumberFilter(
        label=_("Organisation"),
        field_name="organisation",
        widget=forms.HiddenInput,
        # An id the database cannot hold is a field error, not a 500.
        min_value=1,
        max_value=INTEGER_MAX,
    )
    public = django_filters.ChoiceFilter(
        label=_("Public visé"),
        choices=Public.choices,
        method="filter_public",
        empty_label=_("Tous"),
    )
    language = django_filters.ChoiceFilter(
        label=_("Langue parlée"),
        choices=LANGUAGES,
        method="filter_language",
        empty_label=_("Toutes"),
    )
    age = django_filters.NumberFilter(
        label=_("Âge de la personne"), method="filter_profile", min_value=0, max_value=120
    )
    rqth = BooleanChoiceFilter(label=_("RQTH"), method="filter_profile")
    bpi = BooleanChoiceFilter(
        label=_("Bénéficiaire de la protection internationale"), method="filter_profile"
    )
    french_level = django_filters.ChoiceFilter(
        label=_("Niveau de français de la personne"),
        choices=FrenchLevel.choices,
        method="filter_profile",
        empty_label=_("Indifférent"),
    )

    class Meta:
        model = ServiceOffer
        fields = ["q", "kind", "organisation", "public", "language"]
        form = FilterForm

    PROFILE = ("age", "rqth", "bpi", "french_level")

    def filter_q(self, queryset, name, value):
        return keyword(["title", "description", "how_to_register", "organisation__name"])(
            queryset, name, value
        )

    def filter_public(self, queryset, name, value):
        # JSON list of codes: a quoted code matches on SQLite and PostgreSQL alike.
        return queryset.filter(publics__icontains=f'"{value}"')

    def filter_language(self, queryset, name, value):
        return queryset.filter(languages__icontains=f'"{value}"')

    def filter_profile(self, queryset, name, value):
        return queryset  # applied once for all four in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        profile = {key: self.form.cleaned_data.get(key) for key in self.PROFILE}
        if profile["age"] is not None:
            profile["age"] = int(profile["age"])
        profile = {key: value for key, value in profile.items() if value not in (None, "")}
        if profile:
            return queryset.fitting(**profile)
        return queryset


class ResourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Mot-clé"), method="filter_q")
    category = django_filters.ChoiceFilter(
        label=_("Catégorie"), choices=ResourceCategory.choices, empty_label=_("Toutes")
    )
    commune = django_filters.CharFilter(label=_("Commune"), lookup_expr="icontains")

    class Meta:
        model = Resource
        fields = ["q", "category", "commune"]
        form = FilterForm

    def filter_q(self, queryset, name, value):
        return keyword(["name", "description", "organisation__name"])(queryset, name, value)


class TrainingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Mot-clé"), method="filter_q")
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=TrainingOffer.Kind.choices, empty_label=_("Tous")
    )
    level = django_filters.ChoiceFilter(
        label=_("Niveau CECRL visé"),
        field_name="target_level",
        choices=FrenchLevel.choices,
        empty_label=_("Tous"),
    )
    reachable_from = django_filters.ChoiceFilter(
        label=_("Accessible depuis le niveau"),
        choices=FrenchLevel.choices,
        method="filter_reachable",
        empty_label=_("Indifférent"),
    )
    certification = django_filters.ChoiceFilter(
        label=_("Certification"),
        choices=TrainingOffer.Certification.choices,
        empty_label=_("Toutes"),
    )
    funder = django_filters.ChoiceFilter(
        label=_("Financeur"), choices=TrainingOffer.Funder.choices, empty_label=_("Tous")
    )
    commune = django_filters.CharFilter(label=_("Commune"), lookup_expr="icontains")
    employment_area = django_filters.CharFilter(label=_("Bassin d'emploi"), lookup_expr="icontains")
    starts_after = django_filters.DateFilter(
        label=_("Débute après le"),
        field_name="starts_on",
        lookup_expr="gte",
        widget=DateInput,
    )

    class Meta:
        model = TrainingOffer
        fields = ["q", "kind", "level", "certification", "funder", "commune", "employment_area"]
        form = FilterForm

    def filter_q(self, queryset, name, value):
        return keyword(["title", "provider", "key"])(queryset, name, value)

    def filter_reachable(self, queryset, name, value):
        # A course that aims above the person's level (or has no level): worth taking.
        below = levels_at_most(value)
        return queryset.exclude(target_level__in=below)
