"""``/api/v1/webhooks/``, ``/api/v1/tombstones/``, ``/api/v1/reconciliations/`` (docs/api.md)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from partners.access import list_records

from . import reconciliation, webhooks
from .models import (
    Event,
    ReconciliationRun,
    Tombstone,
    WebhookDelivery,
    WebhookEndpoint,
)


class ManagesWebhooks(BasePermission):
    """An organisation's administrators and its information system (service token); anybody
    else: 404, like every role that may not."""

    def has_permission(self, request, view):
        user = request.user
        if not getattr(user, "is_authenticated", False):
            return False
        membership = user.active_membership
        if membership is None or not (membership.is_admin or user.is_service):
            raise NotFound
        return True


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices),
        allow_empty=False,
        help_text="Events wanted: referral.sent, referral.answered, referral.closed, "
        "message.received.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "is_active",
            "consecutive_failures",
            "disabled_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["consecutive_failures", "disabled_at", "created_at", "updated_at"]


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Shown once: signs every delivery (HMAC-SHA256 of '<timestamp>.<body>').",
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "payload",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
            "updated_at",
        ]
        read_only_fields = fields  # an answer, never written through the API


def _as_drf(error):
    return serializers.ValidationError(error.message_dict)


@extend_schema_view(
    create=extend_schema(
        responses={201: WebhookEndpointCreatedSerializer},
        examples=[
            OpenApiExample(
                "Register",
                value={
                    "url": "https://si.example.fr/passerelle/webhooks",
                    "events": ["referral.sent", "message.received"],
                },
                request_only=True,
            )
        ],
    )
)
class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The organisation's webhook endpoints. Only HTTPS addresses resolving to public addresses
    are accepted (400 otherwise). The secret is in the creation's answer only."""

    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsAuthenticated, ManagesWebhooks]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return WebhookEndpoint.objects.visible_to(self.request.user).order_by("pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            endpoint, secret = webhooks.register(
                request.user,
                url=serializer.validated_data["url"],
                events=serializer.validated_data["events"],
                channel="api",
            )
        except DjangoValidationError as error:
            raise _as_drf(error)
        data = WebhookEndpointCreatedSerializer(endpoint).data
        data["secret"] = secret
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = webhooks.change(
                self.request.user,
                serializer.instance,
                url=data.get("url"),
                events=data.get("events"),
                is_active=data.get("is_active"),
                channel="api",
            )
        except DjangoValidationError as error:
            raise _as_drf(error)

    def perform_destroy(self, instance):
        webhooks.remove(self.request.user, instance, channel="api")

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The endpoint's deliveries, latest first, with their status."""
        endpoint = self.get_object()
        queryset = WebhookDelivery.objects.visible_to(request.user).filter(endpoint=endpoint)
        page = self.paginate_queryset(queryset.order_by("-created_at", "-pk"))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


class TombstoneSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="object_id", help_text="The id of the record gone.")
    deleted_at = serializers.DateTimeField(source="updated_at", read_only=True)

    class Meta:
        model = Tombstone
        fields = ["object_type", "id", "reason", "deleted_at", "updated_at"]
        read_only_fields = fields  # an answer, never written through the API


class TombstoneViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Records deleted or anonymised, for the incremental sync: ``object_type`` (beneficiary,
    interview, qualification, referral, follow_up, message, document, organisation, offer,
    resource, training), the id and the date only. Filter: ``object_type``."""

    serializer_class = TombstoneSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["object_type"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Tombstone.objects.none()
        return Tombstone.objects.visible_to(self.request.user).order_by("updated_at", "pk")


class PublicCountSerializer(serializers.Serializer):
    files = serializers.IntegerField()
    registered = serializers.IntegerField()


class ReconciliationSerializer(serializers.ModelSerializer):
    rate = serializers.SerializerMethodField(help_text="Registered / files, in per cent.")
    by_public = serializers.DictField(child=PublicCountSerializer())

    class Meta:
        model = ReconciliationRun
        fields = [
            "id",
            "created_at",
            "uploaded",
            "files",
            "registered",
            "rate",
            "by_public",
            "updated_at",
        ]
        read_only_fields = fields  # an answer, never written through the API

    def get_rate(self, run) -> float | None:
        return reconciliation.rate(run.registered, run.files)


class ReconciliationUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV: identifiant_france_travail; or nom, prenom, date_naissance where the "
        "line has no identifier."
    )


class IsFranceTravail(BasePermission):
    def has_permission(self, request, view):
        if not getattr(request.user, "is_authenticated", False):
            return False
        if not reconciliation.may_reconcile(request.user):
            raise NotFound
        return True


class ReconciliationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """France Travail's job-seeker list matched against the department's files: counts, by
    public, and the matched files France Travail may see (those referred to it). The uploaded
    list is erased in the same transaction."""

    serializer_class = ReconciliationSerializer
    permission_classes = [IsAuthenticated, IsFranceTravail]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReconciliationRun.objects.none()
        return ReconciliationRun.objects.visible_to(self.request.user).order_by("-created_at")

    @extend_schema(
        request={"multipart/form-data": ReconciliationUploadSerializer},
        responses={
            201: inline_serializer(
                "ReconciliationResult",
                {
                    "reconciliation": ReconciliationSerializer(),
                    "matches": serializers.ListField(
                        child=serializers.IntegerField(),
                        help_text="Ids of the matched files referred to France Travail.",
                    ),
                },
            )
        },
    )
    def create(self, request):
        payload = ReconciliationUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            run, matches = reconciliation.run(request.user, payload.validated_data["file"].read())
        except DjangoValidationError as error:
            raise _as_drf(error)
        list_records(
            request.user, matches, object_type="beneficiary", channel="api", detail="reconciliation"
        )
        return Response(
            {"reconciliation": ReconciliationSerializer(run).data, "matches": matches},
            status=status.HTTP_201_CREATED,
        )


def register(router):
    router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
    router.register("tombstones", TombstoneViewSet, basename="tombstone")
    router.register("reconciliations", ReconciliationViewSet, basename="reconciliation")
