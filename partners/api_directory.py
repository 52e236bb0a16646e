"""The directory in the API, beyond organisations: ``/api/v1/trainings/``, ``/api/v1/resources/``
(read, the person's department) and ``/api/v1/offers/`` written by their organisation's
administrators (``actions.save_offer``: saving an offer is reviewing it)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.publics import Public

from . import actions
from .api import DirectoryViewSet, ServiceOfferSerializer, ServiceOfferViewSet
from .api_sync import is_sync_request
from .choices import LANGUAGES, FrenchLevel
from .filters import ResourceFilter, TrainingFilter
from .models import Resource, ServiceOffer, TrainingOffer
from .roles import is_organisation_admin


class TrainingSerializer(serializers.ModelSerializer):
    places_left = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = TrainingOffer
        fields = [
            "id",
            "key",
            "provider",
            "title",
            "kind",
            "target_level",
            "hours",
            "certification",
            "funder",
            "commune",
            "employment_area",
            "starts_on",
            "ends_on",
            "places",
            "places_taken",
            "places_left",
            "updated_at",
        ]
        read_only_fields = fields


class TrainingViewSet(DirectoryViewSet):
    """Training sessions of the person's department (French, vocational). Filters: ``q``,
    ``kind``, ``level``, ``certification``, ``funder``, ``commune``, ``employment_area``."""

    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TrainingOffer.objects.none()
        return TrainingOffer.objects.visible_to(self.request.user).order_by("starts_on", "pk")


class ResourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resource
        fields = [
            "id",
            "organisation",
            "name",
            "category",
            "description",
            "commune",
            "postcode",
            "address",
            "phone",
            "website",
            "updated_at",
        ]
        read_only_fields = fields


class ResourceViewSet(DirectoryViewSet):
    """Social and partner resources of the person's department (housing, health, childcare…).
    Filters: ``q``, ``category``, ``commune``."""

    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Resource.objects.none()
        return Resource.objects.visible_to(self.request.user).order_by("category", "name", "pk")


class OfferWriteSerializer(serializers.ModelSerializer):
    publics = serializers.ListField(
        child=serializers.ChoiceField(choices=Public.choices), required=False
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGES), required=False
    )
    min_french_level = serializers.CharField(
        required=False, allow_blank=True, help_text="A French level code (A1…C2), or empty."
    )

    class Meta:
        model = ServiceOffer
        fields = [
            "title",
            "description",
            "publics",
            "min_age",
            "max_age",
            "requires_rqth",
            "bpi_only",
            "min_french_level",
            "how_to_register",
            "places",
            "languages",
            "is_active",
        ]

    def validate_min_french_level(self, value):
        if value and value not in FrenchLevel.values:
            raise serializers.ValidationError(
                _("Niveau inconnu : attendu A1, A2, B1, B2, C1 ou C2.")
            )
        return value

    def validate(self, attrs):
        low = attrs.get("min_age", getattr(self.instance, "min_age", None))
        high = attrs.get("max_age", getattr(self.instance, "max_age", None))
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"max_age": [_("L'âge maximum doit être supérieur à l'âge minimum.")]}
            )
        return attrs


OFFER_EXAMPLE = OpenApiExample(
    "Offer",
    value={
        "title": "Accompagnement intensif jeunes",
        "publics": ["under_26"],
        "min_age": 16,
        "max_age": 25,
        "how_to_register": "Orientation par Passerelle",
        "is_active": True,
    },
    request_only=True,
)


@extend_schema_view(
    create=extend_schema(
        request=OfferWriteSerializer, responses=ServiceOfferSerializer, examples=[OFFER_EXAMPLE]
    ),
    partial_update=extend_schema(request=OfferWriteSerializer, responses=ServiceOfferSerializer),
)
class OfferViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ServiceOfferViewSet):
    """Service offers of the person's department (see the filters of the list). An
    organisation's administrators create (``POST``) and change (``PATCH``) its offers; saving an
    offer marks it reviewed. A synchronisation (``updated_since``) lists inactive offers too."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset
        if self.action in ("partial_update", "update") or is_sync_request(self.request):
            queryset = ServiceOffer.objects.visible_to(self.request.user).select_related(
                "organisation"
            )
        return queryset

    def _admin_organisation(self):
        membership = self.request.user.active_membership
        if membership is None or not is_organisation_admin(
            self.request.user, membership.organisation
        ):
            raise NotFound
        return membership.organisation

    def create(self, request, *args, **kwargs):
        organisation = self._admin_organisation()
        payload = OfferWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        offer = actions.save_offer(
            request.user, organisation, ServiceOffer(**payload.validated_data), channel="api"
        )
        return Response(ServiceOfferSerializer(offer).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        offer = self.get_object()
        organisation = self._admin_organisation()
        if offer.organisation_id != organisation.pk:
            raise NotFound
        payload = OfferWriteSerializer(offer, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        for field, value in payload.validated_data.items():
            setattr(offer, field, value)
        offer = actions.save_offer(request.user, organisation, offer, channel="api")
        return Response(ServiceOfferSerializer(offer).data)


def register(router):
    router.register("offers", OfferViewSet, basename="offer")
    router.register("trainings", TrainingViewSet, basename="training")
    router.register("resources", ResourceViewSet, basename="resource")
