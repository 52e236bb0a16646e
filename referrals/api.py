"""Referrals in the API v1 (DESIGN.md §5, exchange format): the same scope and the same state
functions as the pages. A transition not allowed or an open referral already there answers 409,
bad input 400 with field errors, anything out of scope (or a role that may not) 404."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from beneficiaries.models import Beneficiary
from core.validators import validate_date_bounds
from partners.access import HasCapability, audit_read, list_records
from partners.api_fields import VisibleRelatedField
from partners.models import Organisation, ServiceOffer
from partners.roles import Cap, has_capability

from . import actions, caseload, messaging, states
from .files import serve as serve_document
from .filters import ReferralFilter
from .models import (
    FOLLOWED_STATUSES,
    Document,
    Message,
    Outcome,
    Referral,
    ReferralEvent,
    RefusalReason,
)


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralEvent
        fields = ["from_status", "to_status", "at", "organisation", "comment"]
        read_only_fields = fields  # an answer, never written through the API


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
    confirm_changed_mind = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="For a person dispensed from the SPE at their own request: true confirms they "
        "changed their mind (recorded on the file). Without it, such a referral answers 400.",
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "beneficiary",
            "confirm_changed_mind",
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
    appointment_at = serializers.DateTimeField(
        required=False, allow_null=True, validators=[validate_date_bounds]
    )


class RefuseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RefusalReason.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RedirectSerializer(serializers.Serializer):
    to_organisation = VisibleRelatedField(Organisation)
    comment = serializers.CharField()


class CancelSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class StartSerializer(serializers.Serializer):
    first_appointment_at = serializers.DateTimeField(
        required=False, allow_null=True, validators=[validate_date_bounds]
    )


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    assigned_to = serializers.IntegerField(allow_null=True)


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "organisation",
            "uploaded_at",
            "erased_at",
        ]
        read_only_fields = fields  # an answer, never written through the API


class MessageSerializer(serializers.ModelSerializer):
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "organisation", "author", "text", "created_at", "read_at", "documents"]
        read_only_fields = fields  # an answer, never written through the API


class MessagePostSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class DocumentPostSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=Document.Kind.choices)
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    outcome_date = serializers.DateField(validators=[validate_date_bounds])
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


class StoredFileRenderer(BaseRenderer):
    """Lets a client ask for a document in its own type (``Accept: application/pdf``, as the
    schema says) instead of being answered 406: the view serves the file itself; an error still
    comes out as JSON, labelled as such."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data).encode() if data is not None else b""


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
        qs = Referral.objects.visible_to(self.request.user)
        if self.action == "list":
            qs = self._caseload(qs)
        return qs.prefetch_related(
            Prefetch(
                "events",
                queryset=ReferralEvent.objects.visible_to(self.request.user).order_by("at", "pk"),
            )
        ).order_by("-sent_at", "-pk")

    def _caseload(self, qs):
        """The caseload filters (receivers): ``caseload=mine|organisation`` keeps the followed
        referrals (accepted, in progress), ``flag``, ``q`` (name, OFII number, France Travail
        identifier). Unknown values answer 400."""
        params = self.request.query_params
        tab = params.get("caseload")
        if tab is None:
            return qs
        if tab not in (caseload.MINE, caseload.ORGANISATION):
            raise serializers.ValidationError(
                {"caseload": ["Valeurs possibles : mine, organisation."]}
            )
        flag = params.get("flag", "")
        if flag and flag not in caseload.FLAGS:
            raise serializers.ValidationError(
                {"flag": [f"Valeurs possibles : {', '.join(caseload.FLAGS)}."]}
            )
        status_ = params.get("caseload_status", "")
        if status_ and status_ not in FOLLOWED_STATUSES:
            raise serializers.ValidationError({"caseload_status": ["accepted ou in_progress."]})
        if not has_capability(self.request.user, Cap.REFERRAL_ANSWER):
            return qs.none()
        filtered = caseload.caseload(
            self.request.user, qs, tab=tab, text=params.get("q", ""), flag=flag, status=status_
        )
        return qs.filter(pk__in=filtered.values("pk"))

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
                changed_mind=data.get("confirm_changed_mind", False),
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

    @extend_schema(request=ReviewSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._act(request, "review", ReviewSerializer)

    @extend_schema(request=AssignSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        referral = self.get_object()
        if not states.may_assign(request.user, referral):
            raise NotFound
        payload = AssignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        counsellor = None
        if payload.validated_data["assigned_to"] is not None:
            counsellor = next(
                (
                    u
                    for u in caseload.counsellors(request.user)
                    if u.pk == payload.validated_data["assigned_to"]
                ),
                None,
            )
            if counsellor is None:
                return Response(
                    {"assigned_to": ["Choisissez un membre de votre organisation."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        try:
            actions.assign(request.user, [referral.pk], counsellor, channel="api")
        except states.TransitionNotAllowed as error:
            return _conflict(error)
        except DjangoValidationError as error:
            return _invalid(error)
        return Response(self._fresh(referral.pk))

    def _thread(self, referral):
        return (
            Message.objects.visible_to(self.request.user)
            .filter(referral=referral)
            .prefetch_related(Prefetch("documents", queryset=Document.objects.order_by("pk")))
        )

    def _post(self, request, referral, *, text, upload=None, kind=""):
        if not states.may_write(request.user, referral):
            raise NotFound
        return messaging.post_message(
            request.user, referral, text=text, upload=upload, kind=kind, channel="api"
        )

    @extend_schema(request=MessagePostSerializer, responses=MessageSerializer(many=True))
    # A plain list, not paginated (drf-spectacular documented a page otherwise).
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def messages(self, request, pk=None):
        """The referral's thread; POST writes a message (the other organisation is told)."""
        referral = self.get_object()
        if request.method == "POST":
            payload = MessagePostSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            try:
                message = self._post(request, referral, text=payload.validated_data["text"])
            except states.TransitionNotAllowed as error:
                return _conflict(error)
            except DjangoValidationError as error:
                return _invalid(error)
            return Response(
                MessageSerializer(self._thread(referral).get(pk=message.pk)).data,
                status=status.HTTP_201_CREATED,
            )
        audit_read(request.user, referral, channel="api", detail="messages")
        thread = list(self._thread(referral))
        messaging.mark_read(request.user, referral)
        return Response(MessageSerializer(thread, many=True).data)

    @extend_schema(request=DocumentPostSerializer, responses=DocumentSerializer(many=True))
    # A plain list, not paginated (drf-spectacular documented a page otherwise).
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def documents(self, request, pk=None):
        """The referral's documents; POST (multipart) uploads one (PDF, JPEG or PNG)."""
        referral = self.get_object()
        if request.method == "POST":
            payload = DocumentPostSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = payload.validated_data
            try:
                message = self._post(
                    request, referral, text=data["text"], upload=data["file"], kind=data["kind"]
                )
            except states.TransitionNotAllowed as error:
                return _conflict(error)
            except DjangoValidationError as error:
                return _invalid(error)
            return Response(
                DocumentSerializer(message.documents.get()).data, status=status.HTTP_201_CREATED
            )
        documents = Document.objects.visible_to(request.user).filter(referral=referral)
        list_records(request.user, documents, object_type="referral_document", channel="api")
        return Response(DocumentSerializer(documents, many=True).data)

    @extend_schema(
        responses={(200, media_type): OpenApiTypes.BINARY for media_type in messaging.ALLOWED_TYPES}
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, StoredFileRenderer],
        url_path=r"documents/(?P<document_pk>[0-9]+)/download",
        url_name="document-download",
    )
    def document_download(self, request, pk=None, document_pk=None):
        """The stored file, as an attachment (audited)."""
        referral = self.get_object()
        document = (
            Document.objects.visible_to(request.user)
            .filter(referral=referral, pk=document_pk)
            .first()
        )
        if document is None:
            raise NotFound
        return serve_document(document, request.user, channel="api")


def register(router):
    router.register("referrals", ReferralViewSet, basename="referral")
