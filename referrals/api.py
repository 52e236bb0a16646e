"""Referrals in the API v1 (DESIGN.md §5, exchange format): the same scope and the same state
functions as the pages. A transition not allowed or an open referral already there answers 409,
bad input 400 with field errors, anything out of scope (or a role that may not) 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from beneficiaries.models import Beneficiary
from partners.access import HasCapability, audit_read, list_records
from partners.api_fields import VisibleRelatedField
from partners.models import Organisation, ServiceOffer
from partners.roles import Cap, has_capability

from . import actions, states
from .filters import ReferralFilter
from .models import Outcome, Referral, ReferralEvent, RefusalReason


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralEvent
        fields = ["from_status", "to_status", "at", "organisation", "comment"]


class ScopedBeneficiaryField(serializers.PrimaryKeyRelatedField):
    """A person out of the caller's scope answers 404, as a missing one: nothing leaks."""

    def get_queryset(self):
        return Beneficiary.objects.visible_to(self.context["request"].user)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if "does_not_exist" in error.get_codes():
                raise NotFound
            raise


class ReferralSerializer(serializers.ModelSerializer):
    # Typed as an id in the browsable API (development): its form lists no person.
    beneficiary = ScopedBeneficiaryField(
        style={"base_template": "input.html", "input_type": "number"}
    )
    to_organisation = VisibleRelatedField(Organisation)
    service_offer = VisibleRelatedField(ServiceOffer, required=False, allow_null=True)
    events = EventSerializer(many=True, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    # Empty until the referral is refused / closed: the schema says so (schemathesis).
    refusal_reason = serializers.ChoiceField(
        choices=RefusalReason.choices, allow_blank=True, read_only=True
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "beneficiary",
            "to_organisation",
            "reason",
            "note",
            "from_organisation",
            "status",
            "sent_at",
            "answer_due_at",
            "answered_at",
            "appointment_at",
            "first_appointment_at",
            "refusal_reason",
            "refusal_comment",
            "outcome",
            "outcome_date",
            "closed_at",
            "is_overdue",
            "events",
            "service_offer",
            "assigned_to",
            "redirected_to",
        ]
        read_only_fields = [
            "from_organisation",
            "status",
            "sent_at",
            "answer_due_at",
            "answered_at",
            "appointment_at",
            "first_appointment_at",
            "refusal_reason",
            "refusal_comment",
            "outcome",
            "outcome_date",
            "closed_at",
            "assigned_to",
            "redirected_to",
        ]
        # The one-open-referral rule is checked by ``actions.send`` (a field error on
        # ``to_organisation``), not by DRF's generic unique-together message.
        validators = []


class AcceptSerializer(serializers.Serializer):
    appointment_at = serializers.DateTimeField(required=False, allow_null=True)


class RefuseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RefusalReason.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RedirectSerializer(serializers.Serializer):
    to_organisation = VisibleRelatedField(Organisation)
    comment = serializers.CharField()


class CancelSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class StartSerializer(serializers.Serializer):
    first_appointment_at = serializers.DateTimeField(required=False, allow_null=True)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    outcome_date = serializers.DateField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _conflict(error):
    if isinstance(error, actions.AlreadyOpen):
        return Response(
            {"detail": " ".join(error.messages), **error.message_dict},
            status=status.HTTP_409_CONFLICT,
        )
    return Response({"detail": error.message}, status=status.HTTP_409_CONFLICT)


def _invalid(error):
    return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)


class ReferralViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReferralSerializer
    permission_classes = [HasCapability.of(Cap.REFERRAL_VIEW)]
    filterset_class = ReferralFilter

    def get_queryset(self):
        return (
            Referral.objects.visible_to(self.request.user)
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=ReferralEvent.objects.visible_to(self.request.user).order_by(
                        "at", "pk"
                    ),
                )
            )
            .order_by("-sent_at", "-pk")
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        results = response.data.get("results", [])
        list_records(
            request.user, [r["id"] for r in results], object_type="referral", channel="api"
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        audit_read(request.user, referral, channel="api")
        return Response(self.get_serializer(referral).data)

    def create(self, request, *args, **kwargs):
        if not has_capability(request.user, Cap.REFERRAL_SEND):
            # What a role may not do answers 404, like the pages and every other endpoint.
            raise NotFound
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            referral = actions.send(
                request.user,
                beneficiary=data["beneficiary"],
                to_organisation=data["to_organisation"],
                reason=data["reason"],
                note=data.get("note", ""),
                service_offer=data.get("service_offer"),
                channel="api",
            )
        except (states.TransitionNotAllowed, actions.AlreadyOpen) as error:
            return _conflict(error)
        except DjangoValidationError as error:
            return _invalid(error)
        return Response(self._fresh(referral.pk), status=status.HTTP_201_CREATED)

    def _fresh(self, pk):
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    def _act(self, request, name, payload_class):
        referral = self.get_object()
        payload = payload_class(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        try:
            getattr(actions, name)(request.user, referral, channel="api", **data)
        except (states.TransitionNotAllowed, actions.AlreadyOpen) as error:
            return _conflict(error)
        except DjangoValidationError as error:
            return _invalid(error)
        return Response(self._fresh(referral.pk))

    @extend_schema(request=AcceptSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(request, "accept", AcceptSerializer)

    @extend_schema(request=RefuseSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._act(request, "refuse", RefuseSerializer)

    @extend_schema(request=RedirectSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def redirect(self, request, pk=None):
        return self._act(request, "redirect", RedirectSerializer)

    @extend_schema(request=CancelSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(request, "cancel", CancelSerializer)

    @extend_schema(request=StartSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._act(request, "start", StartSerializer)

    @extend_schema(request=CloseSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(request, "close", CloseSerializer)


def register(router):
    router.register("referrals", ReferralViewSet, basename="referral")
