"""``/api/v1/follow-ups/``: the steps of a person's path the receiving partner records (read by
both organisations of the referral; created by the receiver, through
``referrals.actions.add_follow_up``, once the referral is accepted)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.validators import validate_date_bounds
from partners.access import HasCapability, audit_read, list_records
from partners.roles import Cap

from . import actions, states
from .models import FollowUp, Referral


class ScopedReferralField(serializers.PrimaryKeyRelatedField):
    """A referral out of the caller's scope answers 404, as a missing one."""

    def get_queryset(self):
        return Referral.objects.visible_to(self.context["request"].user)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if "does_not_exist" in error.get_codes():
                raise NotFound
            raise


class FollowUpSerializer(serializers.ModelSerializer):
    referral = ScopedReferralField()
    happened_on = serializers.DateField(validators=[validate_date_bounds])

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "referral",
            "kind",
            "accompaniment",
            "happened_on",
            "comment",
            "organisation",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["organisation", "created_at", "updated_at"]
        extra_kwargs = {
            "accompaniment": {"required": False},
            "comment": {"required": False},
        }


FOLLOW_UP_EXAMPLE = OpenApiExample(
    "Diagnostic",
    value={"referral": 81, "kind": "diagnostic", "happened_on": "2026-05-04", "comment": ""},
    request_only=True,
)


@extend_schema_view(create=extend_schema(examples=[FOLLOW_UP_EXAMPLE]))
class FollowUpViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Follow-ups of the referrals in scope. Filter: ``referral``. ``POST`` by the receiving
    organisation of an accepted referral (409 otherwise); ``kind=accompaniment`` needs
    ``accompaniment`` and starts an accepted referral."""

    serializer_class = FollowUpSerializer
    permission_classes = [HasCapability.of(Cap.REFERRAL_VIEW)]
    filterset_fields = ["referral"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FollowUp.objects.none()
        return FollowUp.objects.visible_to(self.request.user).order_by("pk")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        referrals = sorted({row["referral"] for row in response.data["results"]})
        list_records(request.user, referrals, object_type="referral", channel="api")
        return response

    def retrieve(self, request, *args, **kwargs):
        follow_up = self.get_object()
        audit_read(
            request.user,
            follow_up.referral,
            channel="api",
            detail=f"follow_up:{follow_up.pk}",
        )
        return Response(self.get_serializer(follow_up).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        referral = data["referral"]
        if not states.may(request.user, "start", referral):
            raise NotFound  # the sender sees the referral but may not add a follow-up
        try:
            follow_up = actions.add_follow_up(
                request.user,
                referral,
                kind=data["kind"],
                happened_on=data["happened_on"],
                accompaniment=data.get("accompaniment", ""),
                comment=data.get("comment", ""),
                channel="api",
            )
        except states.TransitionNotAllowed as error:
            return Response({"detail": error.message}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response(self.get_serializer(follow_up).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("follow-ups", FollowUpViewSet, basename="followup")
